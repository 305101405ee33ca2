from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activities.models import ProgrammeRole, StudyProgramme


@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """The certificate administrator's home: their programmes, rules and resource group."""
    members = ProgrammeRole.objects.select_related("user").order_by("role", "user__full_name")
    programmes = (
        StudyProgramme.objects.administered_by(request.user)
        .select_related("faculty")
        .prefetch_related(Prefetch("roles", queryset=members))
        .distinct()
    )
    return render(request, "activities/manage.html", {"programmes": programmes})
