"""The public programme pages and catalogue: filters, search, what is hidden, query counts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import ProgrammePage
from tests.conftest import Personas
from tests.factories import ActivityFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return sorted(a.title_en for a in response.context["page_obj"])


@pytest.fixture
def catalogue(personas: Personas) -> dict[str, object]:
    p = personas.programme_p
    return {
        "cafe": ActivityFactory(
            programme=p, title_en="Spanish café", location="home", category="language_cafe"
        ),
        "exchange": ActivityFactory(
            programme=p,
            title_en="Exchange semester in Nairobi",
            description_en="A semester at a partner university.",
            location="abroad",
            category="exchange_studies",
            credit_bearing=True,
        ),
        "lecture": ActivityFactory(
            programme=p,
            title_en="Guest lectures on global health",
            category="guest_lecture",
            engagements_required=3,
        ),
        "archived": ActivityFactory(
            programme=p, title_en="Old summer school", archived_at="2025-01-01T00:00Z"
        ),
        "private": ActivityFactory(
            programme=p, title_en="Ada's own volunteering", private_to=personas.student_a
        ),
        "other_programme": ActivityFactory(
            programme=personas.programme_q, title_en="Medicine only"
        ),
    }


def test_catalogue_lists_current_public_activities_of_the_programme(
    client: Client, catalogue
) -> None:
    response = client.get(reverse("activities:catalogue", args=["nursing"]))
    assert response.status_code == 200
    assert titles(response) == [
        "Exchange semester in Nairobi",
        "Guest lectures on global health",
        "Spanish café",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"location": "abroad"}, ["Exchange semester in Nairobi"]),
        ({"location": "home"}, ["Guest lectures on global health", "Spanish café"]),
        ({"category": "guest_lecture"}, ["Guest lectures on global health"]),
        ({"credit_bearing": "yes"}, ["Exchange semester in Nairobi"]),
        ({"credit_bearing": "no"}, ["Guest lectures on global health", "Spanish café"]),
        ({"q": "partner university"}, ["Exchange semester in Nairobi"]),
        ({"q": "SPANISH"}, ["Spanish café"]),
        (
            {"q": "aktivitet"},
            ["Exchange semester in Nairobi", "Guest lectures on global health", "Spanish café"],
        ),
        ({"q": "no such thing"}, []),
    ],
)
def test_catalogue_filters_and_search(client: Client, catalogue, query, expected) -> None:
    response = client.get(reverse("activities:catalogue", args=["nursing"]), query)
    assert titles(response) == expected


def test_an_invalid_filter_shows_the_whole_catalogue_and_says_so(client: Client, catalogue) -> None:
    response = client.get(reverse("activities:catalogue", args=["nursing"]), {"location": "moon"})
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "Select a valid choice" in response.content.decode()


def test_catalogue_is_shown_in_bokmal(client: Client, catalogue) -> None:
    client.cookies["django_language"] = "nb"
    response = client.get(reverse("activities:catalogue", args=["nursing"]))
    body = response.content.decode()
    assert "Aktivitetskatalog" in body
    assert catalogue["cafe"].title_nb in body


@pytest.mark.parametrize("which", ["archived", "private", "other_programme"])
def test_hidden_activities_have_no_public_page(client: Client, catalogue, which: str) -> None:
    activity = catalogue[which]
    url = reverse("activities:activity", args=["nursing", activity.pk])
    assert client.get(url).status_code == 404


def test_public_activity_page_shows_the_evidence_expected(client: Client, catalogue) -> None:
    activity = catalogue["lecture"]
    activity.evidence_en = "Ask the lecturer to **sign** the programme."
    activity.save()
    response = client.get(reverse("activities:activity", args=["nursing", activity.pk]))
    body = response.content.decode()
    assert "<strong>sign</strong>" in body
    assert "3 engagements make one activity" in body


def test_programme_page_renders_sanitised_markdown(client: Client, personas: Personas) -> None:
    ProgrammePage.objects.create(
        programme=personas.programme_p,
        introduction_en="Join **now**! <script>alert(1)</script>"
        '<a href="javascript:x()" onmouseover="y()">me</a>',
        employer_statement_en="Our graduates work across cultures.",
    )
    response = client.get(reverse("activities:programme", args=["nursing"]))
    body = response.content.decode()
    assert "<strong>now</strong>" in body
    assert "alert(1)" not in body and "javascript:" not in body and "onmouseover" not in body
    assert "To future employers" in body
    assert "How to sign up" not in body  # an empty section is left out


def test_programme_page_states_the_rules_in_plain_words(client: Client, personas: Personas) -> None:
    response = client.get(reverse("activities:programme", args=["medicine"]))
    assert "Going abroad is optional." in response.content.decode()


def test_unknown_programme_is_not_found(client: Client, db) -> None:
    assert client.get(reverse("activities:programme", args=["astrology"])).status_code == 404


@pytest.mark.parametrize("size", [5, 200])
def test_catalogue_query_count_does_not_grow_with_activities(
    client: Client, personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    ActivityFactory.create_batch(
        size, programme=personas.programme_p, offered_by=[personas.programme_q]
    )
    with django_assert_max_num_queries(6):
        response = client.get(
            reverse("activities:catalogue", args=["nursing"]), {"location": "home"}
        )
    assert response.context["page_obj"].paginator.count == size


@pytest.mark.parametrize("size", [5, 200])
def test_programme_list_query_count_does_not_grow(
    client: Client, db, django_assert_max_num_queries, size: int
) -> None:
    programmes = ProgrammeFactory.create_batch(size // 5 + 1)
    for programme in programmes:
        ActivityFactory.create_batch(5, programme=programme)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("activities:programmes"))
    assert len(response.context["programmes"]) == len(programmes)
    assert all(p.activity_count == 5 for p in response.context["programmes"])


@pytest.mark.parametrize("size", [5, 200])
def test_programme_page_query_count_does_not_grow(
    client: Client, personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    ActivityFactory.create_batch(size, programme=personas.programme_p)
    with django_assert_max_num_queries(7):
        client.get(reverse("activities:programme", args=["nursing"]))


@pytest.mark.parametrize("size", [5, 200])
def test_landing_page_query_count_does_not_grow(
    client: Client, db, django_assert_max_num_queries, size: int
) -> None:
    ProgrammeFactory.create_batch(size)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("landing")).status_code == 200


@pytest.mark.parametrize("language", ["en", "nb"])
def test_catalogue_row_states_the_same_facts_as_the_activity_page(
    client: Client, catalogue, language: str
) -> None:
    lecture = catalogue["lecture"]
    lecture.size = "7.5"
    lecture.description_en = "Talks on **global** health & care, <script>x</script>with notes."
    lecture.save()
    client.cookies["django_language"] = language
    listing = client.get(reverse("activities:catalogue", args=["nursing"])).content.decode()
    page = client.get(reverse("activities:activity", args=["nursing", lecture.pk])).content.decode()

    def facts(html: str) -> list[str]:
        lists = re.findall(r'<ul class="activity-facts.*?</ul>', html, re.S)
        return [re.sub(r"\s+", " ", facts) for facts in lists]

    assert facts(page)[0] in facts(listing)
    link = reverse("activities:activity", args=["nursing", lecture.pk])
    assert f'<a href="{link}">{lecture.title}</a>' in listing
    if language == "en":
        assert "Talks on global health &amp; care, with notes." in listing
