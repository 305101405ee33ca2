from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activities.models import StudyProgramme


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The student's home: where they are on the way to the diploma."""
    open_programmes = StudyProgramme.objects.filter(signup_open=True).select_related("faculty")
    return render(request, "portfolio/home.html", {"open_programmes": open_programmes})
