"""Read-only views of share links for operations staff.

A link is made and stopped only by its student, in the portal; the admin may look, never edit.
Neither the link's key nor its token's hash is shown: together with SECRET_KEY the key makes
the link's address.
"""

from __future__ import annotations

from django.contrib import admin

from certificates.models import ShareLink
from portfolio.admin import ReadOnlyAdmin


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    fields = [
        "enrolment",
        "label",
        "language",
        "show_activities",
        "created_at",
        "expires_on",
        "revoked_at",
        "view_count",
        "last_viewed_at",
    ]
    list_display = [
        "label",
        "enrolment",
        "created_at",
        "expires_on",
        "revoked_at",
        "view_count",
        "last_viewed_at",
    ]
    list_filter = ["language", "show_activities"]
    list_select_related = ["enrolment__student", "enrolment__programme"]
    search_fields = ["label", "enrolment__student__email"]
