from django.contrib import admin

from activities.models import Faculty, ProgrammeRole, StudyProgramme


@admin.register(Faculty)
class FacultyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_nb"]


class ProgrammeRoleInline(admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(StudyProgramme)
class StudyProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "faculty", "signup_open"]
    list_filter = ["faculty", "signup_open"]
    search_fields = ["code", "name_en", "name_nb"]
    inlines = [ProgrammeRoleInline]
