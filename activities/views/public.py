"""Public pages: the programmes that offer the certificate, their pages and catalogues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from activities.forms import CatalogueFilter
from activities.lookups import get_programme, get_public_activity
from activities.models import Activity, ProgrammePage, StudyProgramme

CATALOGUE_PAGE_SIZE = 25


@login_not_required
@require_safe
def programmes(request: HttpRequest) -> HttpResponse:
    """Every study programme that offers the certificate."""
    return render(
        request,
        "activities/programmes.html",
        {"programmes": StudyProgramme.objects.offering_certificate()},
    )


@login_not_required
@require_safe
def programme(request: HttpRequest, code: str) -> HttpResponse:
    """A programme's page: rules in plain words, its texts, and a taste of the catalogue."""
    programme = get_programme(code)
    page = ProgrammePage.objects.filter(programme=programme).first()
    activities = Activity.objects.public().offered_by(programme)
    return render(
        request,
        "activities/programme.html",
        {
            "programme": programme,
            "sections": page.sections() if page else [],
            "home_count": activities.filter(location="home").count(),
            "abroad_count": activities.filter(location="abroad").count(),
            "examples": activities[:6],
        },
    )


@login_not_required
@require_safe
def catalogue(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's activity catalogue, filtered and searched, a page at a time."""
    programme = get_programme(code)
    queryset = Activity.objects.public().offered_by(programme).select_related("programme")
    filterset = CatalogueFilter(request.GET or None, queryset=queryset)
    activities = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(activities, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/catalogue.html",
        {
            "programme": programme,
            "filter": filterset,
            "page_obj": page,
            "query": query.urlencode(),
        },
    )


@login_not_required
@require_safe
def activity(request: HttpRequest, code: str, activity: int) -> HttpResponse:
    programme = get_programme(code)
    return render(
        request,
        "activities/activity.html",
        {"programme": programme, "activity": get_public_activity(programme, activity)},
    )
