"""The student's home keeps their enrolments and entries in the shared cache
(portfolio/home_cache.py): the next visit reads them from there, and every change to them
shows on the next visit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import capfirst

from activities.models import Activity
from portfolio import home_cache, services, workflow
from portfolio.models import Enrolment, Entry
from portfolio.workflow import EntryAction
from retention import erasure
from tests.conftest import Personas
from tests.factories import ActivityFactory, EnrolmentFactory, EntryFactory, EvidenceFactory
from tests.support.clients import client_for

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def home(client: Client) -> str:
    response = client.get(reverse("portfolio:home"))
    assert response.status_code == 200
    return str(TOKEN.sub("", response.content.decode()))  # a new token in every response


def status(value: str) -> str:
    return capfirst(str(Entry.Status(value).label))


@pytest.fixture
def enrolment(personas: Personas) -> Enrolment:
    return EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)


@pytest.fixture
def entry(enrolment: Enrolment) -> Entry:
    activity = ActivityFactory(programme=enrolment.programme, title_en="Language café")
    entry = EntryFactory(enrolment=enrolment, activity=activity)
    EvidenceFactory(entry=entry)
    return entry


def test_the_next_visit_reads_no_enrolment_or_entry_and_shows_the_same_page(
    personas: Personas, entry: Entry
) -> None:
    client = client_for(personas.student_a)
    with CaptureQueriesContext(connection) as first:
        page = home(client)
    with CaptureQueriesContext(connection) as second:
        assert home(client) == page
    assert "Language café" in page and "1 file" in page

    def reads(queries: CaptureQueriesContext, table: str) -> bool:
        return any(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)

    assert reads(first, "portfolio_enrolment") and reads(first, "portfolio_entry")
    assert not reads(second, "portfolio_enrolment") and not reads(second, "portfolio_entry")


def _add_evidence(entry: Entry, personas: Personas) -> str:
    EvidenceFactory(entry=entry)
    return "2 files"


def _delete_evidence(entry: Entry, personas: Personas) -> str:
    services.delete_evidence(evidence=entry.evidence.get(), by=personas.student_a)
    return "0 files"


def _edit(entry: Entry, personas: Personas) -> str:
    services.update_entry(entry=entry, by=personas.student_a, values={"country": "SE"})
    return "Sweden"


def _submit(entry: Entry, personas: Personas) -> str:
    services.save_reflection(entry=entry, by=personas.student_a, answers=["Much.", "Often."])
    services.submit_entry(entry=entry, by=personas.student_a)
    return status("submitted")


def _approve(entry: Entry, personas: Personas) -> str:
    _submit(entry, personas)
    workflow.transition(entry=entry, by=personas.admin_p, action=EntryAction.APPROVE)
    return status("approved")


def _add_entry(entry: Entry, personas: Personas) -> str:
    activity = ActivityFactory(programme=entry.enrolment.programme, title_en="Summer school")
    EntryFactory(enrolment=entry.enrolment, activity=activity)
    return "Summer school"


def _delete_entry(entry: Entry, personas: Personas) -> str:
    services.delete_entry(entry=entry, by=personas.student_a)
    return "No activities yet."


def _withdraw(entry: Entry, personas: Personas) -> str:
    services.withdraw(enrolment=entry.enrolment, by=personas.student_a)
    return "Earlier sign-ups"


def _rename_activity(entry: Entry, personas: Personas) -> str:
    activity = Activity.objects.get(pk=entry.activity_id)
    activity.title_en = "Language café, Thursdays"
    activity.save()
    return "Language café, Thursdays"


def _rename_programme(entry: Entry, personas: Personas) -> str:
    programme = entry.enrolment.programme
    programme.name_en = "Nursing (bachelor)"
    programme.save()
    return "Nursing (bachelor)"


CHANGES: dict[str, Callable[[Entry, Personas], str]] = {
    "a file added": _add_evidence,
    "a file deleted": _delete_evidence,
    "the entry edited": _edit,
    "the entry submitted": _submit,
    "the entry approved by the administrator": _approve,
    "an entry added": _add_entry,
    "the entry deleted": _delete_entry,
    "the student withdrawn": _withdraw,
    "the activity renamed in the catalogue": _rename_activity,
    "the programme renamed": _rename_programme,
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_on_the_next_visit(
    personas: Personas, entry: Entry, change: str
) -> None:
    client = client_for(personas.student_a)
    before = home(client)
    shown = CHANGES[change](entry, personas)
    assert shown not in before
    assert shown in home(client)


def test_enrolments_read_before_a_write_are_not_kept_after_it(
    personas: Personas, entry: Entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page reads the rows, another request adds a file and commits, then the page stores
    what it read: the next visit must not show the page's old rows."""
    read = home_cache._read

    def read_then_someone_writes(student_id: int) -> list[Any]:
        rows = read(student_id)
        EvidenceFactory(entry=entry)
        return rows

    monkeypatch.setattr(home_cache, "_read", read_then_someone_writes)
    stale = home_cache.student_enrolments(personas.student_a.pk)
    assert [getattr(e, "file_count", None) for e in stale[0].entries.all()] == [1]  # annotated
    monkeypatch.undo()
    assert "2 files" in home(client_for(personas.student_a))


def test_what_cannot_be_read_back_is_read_afresh(personas: Personas, entry: Entry) -> None:
    client = client_for(personas.student_a)
    page = home(client)
    key = home_cache._key(personas.student_a.pk)
    generation, _ = cache.get(key)
    cache.set(key, (generation, b"not what was written"), 60)
    assert home(client) == page
    assert cache.get(key)[1] != b"not what was written"


@pytest.mark.parametrize("keep_register", [True, False])
def test_an_erased_student_s_portfolio_leaves_the_cache(
    personas: Personas, entry: Entry, keep_register: bool
) -> None:
    student = personas.student_a
    home(client_for(student))
    assert cache.get(home_cache._key(student.pk)) is not None
    request = erasure.ask(user=student)
    erasure.erase(
        request=request,
        by=personas.central,
        confirmation=student.email,
        keep_register=keep_register,
    )
    assert cache.get(home_cache._key(student.pk)) is None
