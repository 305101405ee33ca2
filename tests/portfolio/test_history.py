"""My history: the signed-in user's own audit trail, on its own page, a page at a time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cil import audit
from cil.models import AuditEvent
from portfolio.views import HISTORY_PAGE_SIZE
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def _comment_events(personas: Personas, student, comments: list[str]) -> None:
    entry = EntryFactory(
        enrolment=EnrolmentFactory(student=student, programme=personas.programme_p),
        status="submitted",
    )
    for comment in comments:
        audit.record(
            actor=personas.admin_p,
            action="entry.return",
            target=entry,
            comment=comment,
            subject=student,
        )


def test_each_sees_only_their_own_history_newest_first(personas: Personas) -> None:
    _comment_events(personas, personas.student_a, ["First for Ada", "Then for Ada"])
    _comment_events(personas, personas.student_b, ["For Bo"])
    page = client_for(personas.student_a).get(reverse("portfolio:history")).content.decode()
    assert page.index("Then for Ada") < page.index("First for Ada")
    assert "For Bo" not in page
    other = client_for(personas.student_b).get(reverse("portfolio:history")).content.decode()
    assert "For Bo" in other
    assert "for Ada" not in other


def test_an_empty_history_says_so(personas: Personas) -> None:
    page = client_for(personas.student_a).get(reverse("portfolio:history")).content.decode()
    assert "Nothing has happened yet." in page


def test_the_home_page_links_to_the_history_and_does_not_read_it(personas: Personas) -> None:
    _comment_events(personas, personas.student_a, ["Only on the history page"])
    client = client_for(personas.student_a)
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("portfolio:home")).content.decode()
    assert reverse("portfolio:history") in home
    assert "Only on the history page" not in home
    table = AuditEvent._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]


@pytest.mark.parametrize("size", [3, HISTORY_PAGE_SIZE + 7])
def test_the_history_is_paged_in_a_constant_number_of_queries(
    personas: Personas, django_assert_max_num_queries, size: int
) -> None:
    comments = [f"Comment number {n}." for n in range(size)]
    _comment_events(personas, personas.student_a, comments)
    client = client_for(personas.student_a)
    with django_assert_max_num_queries(6):
        first = client.get(reverse("portfolio:history")).content.decode()
    assert first.count("Comment number") == min(size, HISTORY_PAGE_SIZE)
    assert f"Comment number {size - 1}." in first  # the newest first
    if size > HISTORY_PAGE_SIZE:
        second = client.get(reverse("portfolio:history") + "?page=2").content.decode()
        assert second.count("Comment number") == size - HISTORY_PAGE_SIZE
        assert "Comment number 0." in second
