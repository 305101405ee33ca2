"""Public pages: the programmes that offer the certificate, their pages and catalogues."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from activities.forms import CatalogueFilter
from activities.lookups import get_programme, get_public_activity
from activities.models import Activity, Category, Location, ProgrammePage, StudyProgramme
from cil.markdown import render_markdown

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
            "rows": _catalogue_rows(page.object_list, programme),
            "query": query.urlencode(),
        },
    )


def _catalogue_rows(
    activities: Iterable[Activity], programme: StudyProgramme
) -> list[CatalogueRow]:
    """What the catalogue shows of each activity, worked out here rather than per row in the
    template (an included template, translated labels and a Markdown excerpt per row cost
    more than the rest of the page): the same words as activities/_activity_facts.html."""
    prefix = reverse("activities:activity", args=[programme.code, 0]).removesuffix("0/")
    locations = {value: str(capfirst(label)) for value, label in Location.choices}
    categories = {value: str(capfirst(label)) for value, label in Category.choices}
    credits = {True: _("credit bearing"), False: _("not credit bearing")}
    rows = []
    for activity in activities:
        n = activity.engagements_required
        rows.append(
            CatalogueRow(
                activity=activity,
                url=f"{prefix}{activity.pk}/",
                abroad=activity.location == Location.ABROAD,
                location=locations.get(activity.location, activity.location),
                category=categories.get(activity.category, activity.category),
                credits=credits[activity.credit_bearing],
                engagements=ngettext(
                    "%(n)s engagement makes one activity",
                    "%(n)s engagements make one activity",
                    n,
                )
                % {"n": n}
                if n > 1
                else "",
                size=_("size %(size)s") % {"size": activity.size} if activity.size else "",
                excerpt=_excerpt(activity.description),
            )
        )
    return rows


@dataclass(frozen=True)
class CatalogueRow:
    activity: Activity
    url: str
    abroad: bool
    location: str
    category: str
    credits: str
    engagements: str
    size: str
    excerpt: SafeString


@functools.lru_cache(maxsize=2048)
def _excerpt(description: str) -> SafeString:
    """The first 30 words of a description as text: ``|markdown|striptags|truncatewords:30``.
    It depends on the text alone and the same texts are shown over and over."""
    text = Truncator(strip_tags(render_markdown(description))).words(30, truncate=" …")
    # strip_tags leaves the sanitiser's entities (&amp;, &lt;) as they are, as the filters did.
    return mark_safe(text)  # noqa: S308  # nosec B308 B703


@login_not_required
@require_safe
def activity(request: HttpRequest, code: str, activity: int) -> HttpResponse:
    programme = get_programme(code)
    return render(
        request,
        "activities/activity.html",
        {"programme": programme, "activity": get_public_activity(programme, activity)},
    )
