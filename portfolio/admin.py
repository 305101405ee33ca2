"""Read-only views of enrolments and portfolios for operations staff.

Students and administrators change these only in the portal, where every change is checked,
locked and audited; the Django admin may look, never edit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portfolio.models import Confirmation, DiaryNote, Enrolment, Entry, Evidence, Reflection


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["student", "programme", "status", "created_at"]
    list_filter = ["status", "programme"]
    search_fields = ["student__email", "student__full_name"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["activity", "enrolment", "status", "started_on"]
    list_filter = ["status"]
    list_select_related = ["activity", "enrolment__student", "enrolment__programme"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "uploaded_at"]


admin.site.register(DiaryNote, ReadOnlyAdmin)
admin.site.register(Reflection, ReadOnlyAdmin)


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin):
    # The token's hash is left out: useless to read, and no business of anyone's.
    fields = [
        "entry",
        "status",
        "organiser_name",
        "organiser_email",
        "role",
        "organisation",
        "message",
        "comment",
        "language",
        "created_at",
        "expires_at",
        "answered_at",
        "withdrawn_at",
    ]
    list_display = ["organiser_name", "entry", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["entry__activity"]
    search_fields = ["organiser_name", "organiser_email", "entry__enrolment__student__email"]
