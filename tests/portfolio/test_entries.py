"""Portfolio entries: choosing an activity, the diary, the reflection, submitting, progress."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse

from portfolio import services
from portfolio.models import Entry, Reflection
from portfolio.selectors import progress_for, student_entries
from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    EvidenceFactory,
    tiny_pdf,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(personas: Personas):
    return EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)


def entry_data(activity, **extra) -> dict[str, str]:
    return {
        "activity": str(activity.pk),
        "started_on": "2026-10-01",
        "ended_on": "",
        "country": "NO",
        "city": "Oslo",
        "host": "Oslo Language Café",
        "engagements": "1",
        "description": "Spoke Spanish with exchange students.",
        **extra,
    }


def ready_to_submit(entry: Entry, user) -> None:
    EvidenceFactory(entry=entry)
    services.save_reflection(entry=entry, by=user, answers=["It widened my view.", "In any ward."])


def test_student_adds_an_activity_from_the_catalogue(personas: Personas, enrolment) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    response = client_for(personas.student_a).post(
        reverse("portfolio:entry_create", args=[enrolment.pk]), entry_data(activity)
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portfolio:entry", args=[entry.pk]
    )
    assert (entry.activity, entry.status, entry.location) == (activity, Entry.Status.DRAFT, "home")


@pytest.mark.parametrize("which", ["other_programme", "archived", "someone_elses"])
def test_only_activities_available_to_the_student_can_be_chosen(
    personas: Personas, enrolment, which
) -> None:
    activity = {
        "other_programme": lambda: ActivityFactory(programme=personas.programme_q),
        "archived": lambda: ActivityFactory(
            programme=personas.programme_p, archived_at="2025-01-01T00:00Z"
        ),
        "someone_elses": lambda: ActivityFactory(
            programme=personas.programme_p, private_to=personas.student_b
        ),
    }[which]()
    response = client_for(personas.student_a).post(
        reverse("portfolio:entry_create", args=[enrolment.pk]), entry_data(activity)
    )
    assert response.status_code == 200
    assert "activity" in response.context["form"].errors
    assert not Entry.objects.exists()


def test_an_activity_accepted_for_the_student_can_be_chosen(personas: Personas, enrolment) -> None:
    mine = ActivityFactory(programme=personas.programme_p, private_to=personas.student_a)
    client_for(personas.student_a).post(
        reverse("portfolio:entry_create", args=[enrolment.pk]), entry_data(mine)
    )
    assert Entry.objects.get().activity == mine


def test_an_activity_cannot_end_before_it_starts(personas: Personas, enrolment) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    response = client_for(personas.student_a).post(
        reverse("portfolio:entry_create", args=[enrolment.pk]),
        entry_data(activity, ended_on="2026-09-01"),
    )
    assert "ended_on" in response.context["form"].errors
    assert not Entry.objects.exists()


def test_diary_notes_are_added_and_deleted(personas: Personas, enrolment) -> None:
    entry = EntryFactory(enrolment=enrolment)
    client = client_for(personas.student_a)
    client.post(
        reverse("portfolio:note_add", args=[entry.pk]),
        {"written_on": "2026-10-02", "text": "Day one."},
    )
    client.post(
        reverse("portfolio:note_add", args=[entry.pk]),
        {"written_on": "2026-10-03", "text": "Day two."},
    )
    assert list(entry.notes.values_list("text", flat=True)) == ["Day one.", "Day two."]
    first_note = entry.notes.all()[0]
    client_for(personas.student_b).post(reverse("portfolio:note_delete", args=[first_note.pk]))
    assert entry.notes.count() == 2  # not B's to delete
    client.post(reverse("portfolio:note_delete", args=[first_note.pk]))
    assert list(entry.notes.values_list("text", flat=True)) == ["Day two."]


def test_reflection_keeps_a_copy_of_the_questions(personas: Personas, enrolment) -> None:
    entry = EntryFactory(enrolment=enrolment)
    client = client_for(personas.student_a)
    page = client.get(reverse("portfolio:reflection", args=[entry.pk]))
    assert len(page.context["form"].fields) == 2
    client.post(
        reverse("portfolio:reflection", args=[entry.pk]), {"answer_0": "A", "answer_1": "B"}
    )
    personas.programme_p.activity_questions = [{"en": "New?", "nb": "Ny?"}]
    personas.programme_p.save()
    reflection = Reflection.objects.get(entry=entry)
    assert [a["answer"] for a in reflection.answers] == ["A", "B"]
    assert reflection.answers[0]["en"].startswith("How has your participation")
    assert len(services.reflection_questions(entry)) == 2


def test_submitting_needs_evidence_and_a_full_reflection(personas: Personas, enrolment) -> None:
    entry = EntryFactory(enrolment=enrolment)
    with pytest.raises(services.PortfolioError) as error:
        services.submit_entry(entry=entry, by=personas.student_a)
    assert "Upload at least one piece of evidence" in str(error.value)
    assert "Answer every reflection question" in str(error.value)
    ready_to_submit(entry, personas.student_a)
    services.submit_entry(entry=entry, by=personas.student_a)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED and entry.submitted_at


def test_a_submitted_entry_is_read_only(personas: Personas, enrolment) -> None:
    entry = EntryFactory(enrolment=enrolment)
    ready_to_submit(entry, personas.student_a)
    services.submit_entry(entry=entry, by=personas.student_a)
    client = client_for(personas.student_a)
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
        entry_data(entry.activity, city="Bergen"),
        follow=True,
    )
    assert "cannot be changed now" in response.content.decode()
    client.post(
        reverse("portfolio:note_add", args=[entry.pk]),
        {"written_on": "2026-10-02", "text": "Late."},
    )
    upload = SimpleUploadedFile("late.pdf", tiny_pdf(), content_type="application/pdf")
    client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]), {"file": upload, "kind": "proof"}
    )
    entry.refresh_from_db()
    assert entry.city == "Oslo" and entry.notes.count() == 0 and entry.evidence.count() == 1
    with pytest.raises(services.PortfolioError):
        services.submit_entry(entry=entry, by=personas.student_a)  # a second click


# (status, may the student change it?)
@pytest.mark.parametrize(
    ("status", "editable"),
    [
        ("draft", True),
        ("returned", True),
        ("submitted", False),
        ("approved", False),
        ("rejected", False),
    ],
)
def test_which_states_the_student_may_edit(
    personas: Personas, enrolment, status: str, editable: bool
) -> None:
    entry = EntryFactory(enrolment=enrolment, status=status)
    if editable:
        services.update_entry(entry=entry, by=personas.student_a, values={"city": "Bergen"})
        entry.refresh_from_db()
        assert entry.city == "Bergen"
    else:
        with pytest.raises(services.PortfolioError):
            services.update_entry(entry=entry, by=personas.student_a, values={"city": "Bergen"})


def test_only_a_draft_can_be_deleted_and_its_files_go_with_it(
    personas: Personas, enrolment, committed
) -> None:
    from django.core.files.storage import default_storage

    entry = EntryFactory(enrolment=enrolment)
    evidence = EvidenceFactory(entry=entry)
    file_name, thumb_name = evidence.file.name, evidence.thumbnail.name
    assert file_name and thumb_name
    names = [file_name, thumb_name]
    with committed():
        client_for(personas.student_a).post(reverse("portfolio:entry_delete", args=[entry.pk]))
    assert not Entry.objects.exists()
    assert not any(default_storage.exists(n) for n in names)
    returned = EntryFactory(enrolment=enrolment, status="returned")
    with pytest.raises(services.PortfolioError, match="Only a draft"):
        services.delete_entry(entry=returned, by=personas.student_a)


def test_a_withdrawn_student_cannot_change_the_portfolio(personas: Personas, enrolment) -> None:
    entry = EntryFactory(enrolment=enrolment)
    services.withdraw(enrolment=enrolment, by=personas.student_a)
    with pytest.raises(services.PortfolioError, match="withdrawn"):
        services.add_note(
            entry=entry, by=personas.student_a, written_on=datetime.date(2026, 10, 1), text="x"
        )


def test_progress_counts_approved_entries_and_shows_pending_ones(
    personas: Personas, enrolment
) -> None:
    home = ActivityFactory(programme=personas.programme_p, location="home")
    abroad = ActivityFactory(programme=personas.programme_p, location="abroad")
    EntryFactory(enrolment=enrolment, activity=home, status="approved")
    EntryFactory(enrolment=enrolment, activity=abroad, status="submitted")
    progress = progress_for(enrolment, student_entries(enrolment))
    assert (progress.approved.counted, progress.approved.home, progress.approved.abroad) == (
        1,
        1,
        0,
    )
    assert progress.approved_percent == 33 and progress.pending_percent == 34
    assert "Take part in more activities" in progress.next_step
    assert [s.done for s in progress.steps][:2] == [True, False]


def test_three_lectures_make_one_activity(personas: Personas, enrolment) -> None:
    lectures = ActivityFactory(
        programme=personas.programme_p, engagements_required=3, category="guest_lecture"
    )
    EntryFactory(enrolment=enrolment, activity=lectures, status="approved", engagements=2)
    assert progress_for(enrolment, student_entries(enrolment)).approved.counted == 0
    EntryFactory(enrolment=enrolment, activity=lectures, status="approved", engagements=1)
    assert progress_for(enrolment, student_entries(enrolment)).approved.counted == 1


def test_home_page_shows_progress_and_entries(personas: Personas, enrolment) -> None:
    EntryFactory(enrolment=enrolment, status="approved")
    page = client_for(personas.student_a).get(reverse("portfolio:home"))
    body = page.content.decode()
    assert "33% approved" in body
    assert "Next step:" in body


@pytest.mark.parametrize("size", [2, 50])
def test_portfolio_pages_keep_a_constant_number_of_queries(
    personas: Personas, enrolment, django_assert_max_num_queries, size: int
) -> None:
    entries = EntryFactory.create_batch(size, enrolment=enrolment)
    for entry in entries:
        EvidenceFactory(entry=entry)
        entry.notes.create(written_on=entry.started_on, text="A note.")
    client = client_for(personas.student_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portfolio:home")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portfolio:entry", args=[entries[0].pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("portfolio:programme_students", args=["nursing"])).status_code == 403
        )
    admin = client_for(personas.admin_p)
    with django_assert_max_num_queries(12):
        assert (
            admin.get(reverse("portfolio:programme_students", args=["nursing"])).status_code == 200
        )


@pytest.mark.django_db(transaction=True)
def test_evidence_deleted_while_submitting_stops_the_submission(
    personas: Personas, enrolment
) -> None:
    """The last evidence file is deleted in one request while another submits: the submission
    must see the deletion, or an entry without evidence goes to the administrators."""
    entry = EntryFactory(enrolment=enrolment)
    ready_to_submit(entry, personas.student_a)
    evidence = entry.evidence.get()
    submitting = threading.Event()

    def delete_slowly() -> None:
        try:
            with transaction.atomic():
                services.delete_evidence(evidence=evidence, by=personas.student_a)
                submitting.wait(timeout=10)
                time.sleep(1)  # the submission is now waiting for the entry's lock
        finally:
            connections.close_all()

    deleter = threading.Thread(target=delete_slowly)
    deleter.start()
    time.sleep(0.5)  # the deletion holds the entry's lock, not yet committed
    submitting.set()
    with pytest.raises(services.PortfolioError, match="Upload at least one piece of evidence"):
        services.submit_entry(entry=entry, by=personas.student_a)
    deleter.join(timeout=30)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT and not entry.evidence.exists()
