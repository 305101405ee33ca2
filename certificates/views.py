from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activities.models import StudyProgramme


@require_GET
def review_home(request: HttpRequest) -> HttpResponse:
    """The reviewer's home: the programmes whose final reports they review."""
    programmes = StudyProgramme.objects.reviewed_by(request.user).distinct()
    return render(request, "certificates/review_home.html", {"programmes": programmes})


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Central staff's read-only overview of every programme (figures come with issue #6)."""
    programmes = StudyProgramme.objects.select_related("faculty").with_group_counts()
    return render(request, "certificates/overview.html", {"programmes": programmes})
