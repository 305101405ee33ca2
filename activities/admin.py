from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from activities.models import Activity, ActivityProposal, Faculty, ProgrammeRole, StudyProgramme


@admin.register(Faculty)
class FacultyAdmin(admin.ModelAdmin[Faculty]):
    list_display = ["code", "name_en", "name_nb"]


class ProgrammeRoleInline(admin.TabularInline[ProgrammeRole, StudyProgramme]):
    model = ProgrammeRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(StudyProgramme)
class StudyProgrammeAdmin(admin.ModelAdmin[StudyProgramme]):
    list_display = ["code", "name_en", "faculty", "signup_open"]
    list_filter = ["faculty", "signup_open"]
    search_fields = ["code", "name_en", "name_nb"]
    inlines = [ProgrammeRoleInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    """For looking things up; administrators work in the portal, where changes are audited."""

    list_display = ["title_en", "programme", "location", "category", "archived_at"]
    list_filter = ["location", "category", "programme"]
    search_fields = ["title_en", "title_nb"]
    readonly_fields = ["archived_at", "private_to", "created_by", "created_at", "updated_at"]
    filter_horizontal = ["programmes"]


@admin.register(ActivityProposal)
class ActivityProposalAdmin(admin.ModelAdmin[ActivityProposal]):
    list_display = ["title", "programme", "student", "status", "created_at"]
    list_filter = ["status", "programme"]

    def has_change_permission(
        self, request: HttpRequest, obj: ActivityProposal | None = None
    ) -> bool:
        return False  # decisions are made in the portal, where the student is told

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
