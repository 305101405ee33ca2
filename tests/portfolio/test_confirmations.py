"""Organisers confirm a student's part in an activity through a mailed link, without an account."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cil import ratelimit
from cil.models import AuditEvent
from portfolio import confirmations
from portfolio.models import Confirmation, Entry
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, EntryFactory
from tests.support.clients import client_for

UNUSABLE = "This link can no longer be used"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()  # the organiser pages' rate limit counts per client address


@pytest.fixture
def entry(personas: Personas) -> Entry:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    return EntryFactory(
        enrolment=enrolment, host="Oslo Summer School", description="Led the Tuesday workshop."
    )


def _post_request(client: Client, entry: Entry, *, name: str, language: str):
    return client.post(
        reverse("portfolio:confirmation_request", args=[entry.pk]),
        {
            "organiser_name": name,
            "organiser_email": f"{name.split()[0].lower()}@host.example",
            "message": "We met at the summer school.",
            "language": language,
        },
        follow=True,
    )


@pytest.fixture
def ask(committed) -> Callable[..., Any]:
    """The student asks through the page; the mail task queued on commit runs as it would."""

    def asking(client: Client, entry: Entry, *, name: str = "Olga Organiser", language="en"):
        with committed():
            return _post_request(client, entry, name=name, language=language)

    return asking


@pytest.fixture
def request_link(personas: Personas, ask) -> Callable[..., str]:
    """Student A asks; the path of the link in the organiser's mail."""

    def link(entry: Entry, **kwargs: str) -> str:
        mail.outbox.clear()
        ask(client_for(personas.student_a), entry, **kwargs)
        return link_in(mail.outbox[-1])

    return link


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+?(/confirm/[\w-]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def text_columns_holding(value: str) -> list[str]:
    """Every text column of every table in which ``value`` occurs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                [f"%{value}%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    assert len(columns) > 50  # the walk saw the whole schema
    return found


@pytest.mark.django_db
def test_the_organiser_gets_one_mail_in_the_chosen_language_and_the_token_is_kept_hashed(
    personas: Personas, entry: Entry, ask
) -> None:
    page = ask(client_for(personas.student_a), entry, language="nb")
    assert "gets an e-mail" in page.content.decode()
    assert [m.to for m in mail.outbox] == [["olga@host.example"]]
    message = mail.outbox[0]
    assert message.subject.endswith("Vennligst bekreft: Student A deltok i aktiviteten din")
    assert message.reply_to == [personas.student_a.email]
    token = token_of(link_in(message))
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    confirmation = Confirmation.objects.get()
    assert confirmation.token_hash == confirmations.hash_token(token)
    assert text_columns_holding(token) == []
    assert text_columns_holding(confirmation.token_hash)  # the search does find what is there
    assert AuditEvent.objects.filter(action="entry.confirmation_requested").count() == 1


@pytest.mark.django_db
def test_the_organiser_sees_only_what_they_confirm_and_confirms_once(
    personas: Personas, entry: Entry, request_link, committed
) -> None:
    other = EntryFactory(
        enrolment=EnrolmentFactory(student=personas.student_b, programme=personas.programme_p),
        description="Student B's secret diary.",
    )
    path = request_link(entry, language="en")
    organiser = Client()
    page = organiser.get(path)
    text = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"].startswith("noindex")
    assert page["Referrer-Policy"] == "strict-origin"  # never the address with the token
    assert '<meta name="robots" content="noindex, nofollow">' in text
    for shown in ("Student A", entry.activity.title, "Oslo", "Led the Tuesday workshop."):
        assert shown in text
    assert other.description not in text and "Student B" not in text
    assert organiser.get(path).status_code == 200  # opened twice, still there to answer

    with committed():
        done = organiser.post(
            path, {"confirm": "1", "role": "Course leader", "organisation": "Oslo Summer School"}
        )
    assert done.status_code == 302
    thanks = organiser.get(done["Location"])
    assert "Thank you, your answer is recorded" in thanks.content.decode()
    # The thanks show once, and only to that browser; the link is spent.
    assert UNUSABLE in organiser.get(done["Location"]).content.decode()
    assert UNUSABLE in Client().get(done["Location"]).content.decode()
    assert organiser.get(path).status_code == 404
    assert organiser.post(path, {"confirm": "1"}).status_code == 404

    confirmation = Confirmation.objects.get()
    assert confirmation.status == "confirmed"
    assert text_columns_holding(token_of(path)) == []  # nor after the answer (audit trail)
    event = AuditEvent.objects.get(action="entry.confirmed_by_organiser")
    assert event.actor is None and event.subject == personas.student_a
    assert event.data["organisation"] == "Oslo Summer School"
    assert mail.outbox[-1].to == [personas.student_a.email]  # the student is told

    day = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    evidence = f"Confirmed by Olga Organiser, Course leader, Oslo Summer School, on {day}"
    own = client_for(personas.student_a).get(reverse("portfolio:entry", args=[entry.pk]))
    assert evidence in " ".join(own.content.decode().split())
    Entry.objects.filter(pk=entry.pk).update(status="submitted", submitted_at=timezone.now())
    admin = client_for(personas.admin_p)
    review = admin.get(reverse("certificates:entry_review", args=["nursing", entry.pk]))
    assert evidence in " ".join(review.content.decode().split())
    queue = admin.get(reverse("certificates:entry_queue", args=["nursing"]))
    assert [row.confirmed for row in queue.context["entries"]] == [True]
    assert "Confirmed by the organiser" in queue.content.decode()


@pytest.mark.django_db
def test_a_decline_needs_a_comment_and_is_shown_to_the_student_and_staff(
    personas: Personas, entry: Entry, request_link
) -> None:
    path = request_link(entry, language="nb")
    organiser = Client()
    page = organiser.get(path)
    assert "Bekreft" in page.content.decode()  # the page in the mail's language
    refused = organiser.post(path, {"decline": "1"})
    assert refused.status_code == 200
    assert Confirmation.objects.get().status == "open"
    done = organiser.post(path, {"decline": "1", "comment": "She came only on the first day."})
    assert done.status_code == 302
    assert Confirmation.objects.get().status == "declined"
    own = client_for(personas.student_a).get(reverse("portfolio:entry", args=[entry.pk]))
    assert "She came only on the first day." in own.content.decode()
    review = client_for(personas.admin_p).get(
        reverse("certificates:entry_review", args=["nursing", entry.pk])
    )
    assert "She came only on the first day." in review.content.decode()
    assert AuditEvent.objects.filter(action="entry.declined_by_organiser").count() == 1


@pytest.mark.django_db
def test_wrong_expired_withdrawn_and_used_links_all_look_the_same(
    personas: Personas, entry: Entry, request_link
) -> None:
    student = client_for(personas.student_a)
    used = request_link(entry, name="Una Used")
    Client().post(used, {"confirm": "1"})
    expired = request_link(entry, name="Ed Expired")
    Confirmation.objects.filter(organiser_name="Ed Expired").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    withdrawn = request_link(entry, name="Wanda Withdrawn")
    pk = Confirmation.objects.get(organiser_name="Wanda Withdrawn").pk
    student.post(reverse("portfolio:confirmation_withdraw", args=[pk]))
    assert Confirmation.objects.get(pk=pk).status == "withdrawn"
    wrong = "/confirm/" + "x" * 43 + "/"

    answers = set()
    for path in (wrong, expired, withdrawn, used):
        for response in (Client().get(path), Client().post(path, {"confirm": "1"})):
            assert UNUSABLE in response.content.decode()
            # Each visitor's page has its own CSRF token (the language form); nothing else differs.
            # the language form's way back to this address is the address itself.
            page = re.sub(rb'value="[\w-]{64}"', b"", response.content)
            page = page.replace(path.encode(), b"/confirm/.../")
            answers.add((response.status_code, page))
    assert len(answers) == 1
    assert Confirmation.objects.filter(status="confirmed").count() == 1  # only "used" counts


@pytest.mark.django_db
def test_a_link_expires_after_thirty_days(personas: Personas, entry: Entry, request_link) -> None:
    path = request_link(entry)
    confirmation = Confirmation.objects.get()
    valid = confirmation.expires_at - confirmation.created_at
    assert abs(valid - datetime.timedelta(days=30)) < datetime.timedelta(seconds=5)
    Confirmation.objects.update(expires_at=timezone.now() + datetime.timedelta(seconds=30))
    assert Client().get(path).status_code == 200
    Confirmation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(path).status_code == 404


@pytest.mark.django_db
def test_the_organiser_pages_are_rate_limited_per_client(
    personas: Personas, entry: Entry, settings, monkeypatch, request_link
) -> None:
    settings.CIL_ORGANISER_RATE_PER_MINUTE = 3
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    path = request_link(entry)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [guesser.get(f"/confirm/guess{i}/").status_code for i in range(3)]
    assert statuses == [404, 404, 404]
    refused = guesser.get(path)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Client(REMOTE_ADDR="198.51.100.2").get(path).status_code == 200  # another client


@pytest.mark.django_db
def test_the_student_withdraws_and_asks_again_with_three_open_at_most(
    personas: Personas, entry: Entry, ask
) -> None:
    student = client_for(personas.student_a)
    for name in ("Ann One", "Ben Two", "Cai Three"):
        ask(student, entry, name=name)
    refused = ask(student, entry, name="Dag Four")
    assert "3 requests waiting for an answer, the most at a time" in refused.content.decode()
    assert Confirmation.objects.count() == 3
    first = Confirmation.objects.get(organiser_name="Ann One")
    student.post(reverse("portfolio:confirmation_withdraw", args=[first.pk]))
    ask(student, entry, name="Dag Four")
    assert Confirmation.objects.open().count() == 3
    # An expired request no longer counts.
    Confirmation.objects.filter(organiser_name="Ben Two").update(expires_at=timezone.now())
    ask(student, entry, name="Eva Five")
    assert Confirmation.objects.open().count() == 3
    # Only one's own requests can be withdrawn, and an answered one cannot.
    other = client_for(personas.student_b)
    dag = Confirmation.objects.get(organiser_name="Dag Four")
    assert other.post(reverse("portfolio:confirmation_withdraw", args=[dag.pk])).status_code == 404


@pytest.mark.django_db
def test_no_request_once_the_activity_is_decided(personas: Personas, entry: Entry, ask) -> None:
    student = client_for(personas.student_a)
    Entry.objects.filter(pk=entry.pk).update(status="submitted")
    ask(student, entry, name="Sam Submitted")
    assert Confirmation.objects.count() == 1  # waiting for approval: still allowed
    Entry.objects.filter(pk=entry.pk).update(status="approved")
    page = ask(student, entry, name="Al Approved")
    assert Confirmation.objects.count() == 1
    assert "only until it is approved or rejected" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_the_same_moment_record_one(personas: Personas, request_link) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment)
    token = token_of(request_link(entry))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def answer(confirmed: bool) -> None:
        try:
            barrier.wait(timeout=30)
            done = confirmations.answer(token=token, confirmed=confirmed, comment="Not her.")
            results.append("recorded" if done else "refused")
        finally:
            connection.close()  # each thread had its own database connection

    threads = [threading.Thread(target=answer, args=(c,)) for c in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["recorded", "refused"]
    assert Confirmation.objects.get().status in ("confirmed", "declined")
    answered = AuditEvent.objects.filter(
        action__in=["entry.confirmed_by_organiser", "entry.declined_by_organiser"]
    )
    assert answered.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 12])
def test_the_pages_cost_the_same_number_of_queries_however_many_confirmations(
    personas: Personas, django_assert_max_num_queries, size: int, request_link
) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entries = [EntryFactory(enrolment=enrolment, status="submitted") for _ in range(size)]
    now = timezone.now()
    for entry in entries:
        Entry.objects.filter(pk=entry.pk).update(submitted_at=now)
        for status in ("confirmed", "declined", "open"):
            entry.confirmations.create(
                organiser_name="Olga Organiser",
                organiser_email="olga@host.example",
                language="en",
                status=status,
                answered_at=now,
                expires_at=now + datetime.timedelta(days=30),
            )
    path = request_link(entries[0])  # submitted: still askable
    admin = client_for(personas.admin_p)
    student = client_for(personas.student_a)
    with django_assert_max_num_queries(7):
        queue = admin.get(reverse("certificates:entry_queue", args=["nursing"]))
    assert sum(row.confirmed for row in queue.context["entries"]) == size
    # 13: one of them records that the administrator opened the student's entry (StaffAccess).
    with django_assert_max_num_queries(13):
        admin.get(reverse("certificates:entry_review", args=["nursing", entries[0].pk]))
    with django_assert_max_num_queries(8):
        student.get(reverse("portfolio:entry", args=[entries[0].pk]))
    with django_assert_max_num_queries(1):
        assert Client().get(path).status_code == 200


@pytest.mark.django_db
def test_the_admin_lists_confirmations_read_only_without_the_tokens_hash(
    personas: Personas, entry: Entry, request_link
) -> None:
    request_link(entry, name="Olga Organiser")
    confirmation = Confirmation.objects.get()
    assert confirmation.token_hash
    superuser = client_for(personas.superuser)
    listing = superuser.get(reverse("admin:portfolio_confirmation_changelist"))
    detail = superuser.get(reverse("admin:portfolio_confirmation_change", args=[confirmation.pk]))
    for page in (listing, detail):
        assert page.status_code == 200
        assert "Olga Organiser" in page.content.decode()
        assert confirmation.token_hash not in page.content.decode()
    assert superuser.get(reverse("admin:portfolio_confirmation_add")).status_code == 403
    change = reverse("admin:portfolio_confirmation_change", args=[confirmation.pk])
    assert superuser.post(change, {"status": "confirmed"}).status_code == 403
    assert Confirmation.objects.get().status == Confirmation.Status.OPEN
