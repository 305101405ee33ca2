"""Share links: the shared page shows exactly what the student chose, tokens are kept only as
hashes, and unknown, expired and stopped links all look the same."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import sharing
from certificates.models import ShareLink
from cil.models import AuditEvent, User
from portfolio.models import Enrolment, Entry, Evidence, Reflection
from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    DiplomaFactory,
    EnrolmentFactory,
    EntryFactory,
    EvidenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Portfolio:
    enrolment: Enrolment
    entries: list[Entry]
    reflections: list[Reflection]
    photos: list[Evidence]


def portfolio(student: User, personas: Personas, size: int = 3, diploma: bool = True) -> Portfolio:
    """``size`` approved activities in Hammerfest, each with a reflection, a photo and a proof;
    and a diploma."""
    enrolment = EnrolmentFactory(
        student=student, programme=personas.programme_p, expected_year=2029
    )
    entries, reflections, photos = [], [], []
    for n in range(size):
        entry = EntryFactory(
            enrolment=enrolment,
            activity=ActivityFactory(programme=personas.programme_p, title_en=f"Activity {n}"),
            status=Entry.Status.APPROVED,
            city="Hammerfest",
            host=f"Host institution {n}",
        )
        entries.append(entry)
        reflections.append(
            Reflection.objects.create(
                entry=entry,
                answers=[
                    {"en": "What did you learn?", "nb": "Hva lærte du?", "answer": f"Lesson{n}"}
                ],
            )
        )
        photos.append(EvidenceFactory(entry=entry, caption=f"Picture{n}"))
        EvidenceFactory(entry=entry, kind=Evidence.Kind.PROOF, caption=f"Proof{n}")
    if diploma:
        DiplomaFactory(
            enrolment=enrolment,
            content={
                "holder": student.full_name,
                "institution": "Test University",
                "programme": {"en": "Nursing"},
                "activities": [],
            },
        )
    return Portfolio(enrolment, entries, reflections, photos)


def make_link(p: Portfolio, **kwargs: object) -> ShareLink:
    options: dict[str, object] = {
        "label": "Application to Equinor",
        "language": "en",
        "expires_on": timezone.localdate() + datetime.timedelta(days=90),
        "show_activities": True,
        "reflections": p.reflections[:2],
        "photos": p.photos[:1],
    }
    options.update(kwargs)
    return sharing.create_link(enrolment=p.enrolment, by=p.enrolment.student, **options)  # type: ignore[arg-type]  # the options above, by name


def visit(link: ShareLink) -> str:
    response = Client().get(f"/shared/{sharing.token_for(link)}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    content = response.content.decode()
    assert '<meta name="robots" content="noindex">' in content
    return content


def test_the_shared_page_shows_exactly_what_was_chosen(personas: Personas) -> None:
    student = UserFactory(email="private.person@example.org", full_name="Kari Nordmann")
    p = portfolio(student, personas)
    link = make_link(p)
    page = visit(link)
    assert "Kari Nordmann" in page
    assert "Valid." in page
    for n in range(3):
        assert f"Activity {n}" in page  # the list of approved activities was chosen
    assert "Lesson0" in page and "Lesson1" in page
    assert "Lesson2" not in page
    assert "Picture0" in page
    assert "Picture1" not in page and "Picture2" not in page
    assert "Proof" not in page
    for private in ("private.person", "example.org", "Hammerfest", "Host institution", "2029"):
        assert private not in page
    assert "Application to Equinor" not in page  # the label is the student's own


def test_without_the_list_of_activities_only_the_chosen_reflections_name_theirs(
    personas: Personas,
) -> None:
    p = portfolio(UserFactory(), personas)
    page = visit(make_link(p, show_activities=False, reflections=p.reflections[2:], photos=[]))
    assert "Activity 2" in page and "Lesson2" in page
    assert "Activity 0" not in page and "Activity 1" not in page and "Picture" not in page


def test_only_the_chosen_photos_are_served_by_the_token(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p)
    token = sharing.token_for(link)
    client = Client()
    chosen = client.get(f"/shared/{token}/photos/{p.photos[0].pk}/")
    assert chosen.status_code == 200
    assert chosen["Content-Type"] == "image/jpeg"
    assert client.get(f"/shared/{token}/photos/{p.photos[1].pk}/").status_code == 404
    proof = Evidence.objects.filter(kind=Evidence.Kind.PROOF).first()
    assert proof is not None
    assert client.get(f"/shared/{token}/photos/{proof.pk}/").status_code == 404
    assert client.get(f"/shared/{'x' * 43}/photos/{p.photos[0].pk}/").status_code == 404
    sharing.revoke_link(link=link, by=p.enrolment.student)
    assert client.get(f"/shared/{token}/photos/{p.photos[0].pk}/").status_code == 404


def test_the_raw_token_is_in_no_table(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p)
    Client().get(f"/shared/{sharing.token_for(link)}/")
    token = sharing.token_for(link)
    assert len(token) >= 43
    link.refresh_from_db()
    assert link.token_hash == sharing.hash_token(token) != token
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE %s',  # noqa: S608  # nosec B608 - table names from the database itself
                [f"%{token}%"],
            )
            assert cursor.fetchone() == (0,), f"the token is stored in {table}"


def test_unknown_expired_and_stopped_links_look_the_same(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    expired, stopped = make_link(p), make_link(p)
    ShareLink.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    sharing.revoke_link(link=stopped, by=p.enrolment.student)
    client = Client()
    answers = []
    for token in (
        "no-such-token",
        "x" * 43,
        sharing.token_for(expired),
        sharing.token_for(stopped),
    ):
        response = client.get(f"/shared/{token}/")
        assert response.status_code == 404
        assert response["X-Robots-Tag"] == "noindex"
        # The language form's CSRF token is masked afresh for each page, and its "next" is
        # the address asked for: nothing else may differ.
        page = response.content.decode().replace(token, "ADDRESS")
        answers.append(re.sub(r'value="[^"]{64}"', "", page))
    assert "This link is not available" in answers[0]
    assert all(answer == answers[0] for answer in answers)
    assert ShareLink.objects.get(pk=expired.pk).view_count == 0


def test_a_link_is_live_on_its_last_day(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p, expires_on=timezone.localdate() + datetime.timedelta(days=1))
    ShareLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate())
    assert "Lesson0" in visit(link)


def test_a_revoked_diploma_overrides_every_link(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p)
    p.enrolment.diplomas.update(revoked_at=timezone.now(), revocation_reason="Wrong name.")
    page = visit(link)
    assert "This diploma has been revoked" in page
    assert "Valid." not in page
    assert "Lesson0" not in page and "Picture0" not in page and "Activity 0" not in page
    assert "Wrong name." not in page  # the reason is for the student, not the public


def test_a_link_made_before_the_diploma_shows_the_diploma_once_issued(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas, diploma=False)
    link = make_link(p)
    page = visit(link)
    assert "no diploma has been issued yet" in page and "Lesson0" in page
    DiplomaFactory(enrolment=p.enrolment, content={"holder": "X", "institution": "Test U"})
    assert "Valid." in visit(link)


def test_the_page_is_in_the_links_language_whatever_the_browser_asks(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p, language="nb")
    response = Client(headers={"accept-language": "en"}).get(f"/shared/{sharing.token_for(link)}/")
    assert response["Content-Language"] == "nb"
    page = response.content.decode()
    assert '<html lang="nb"' in page
    assert "Hva lærte du?" in page and "What did you learn?" not in page


def test_views_are_counted_in_the_database(personas: Personas) -> None:
    p = portfolio(UserFactory(), personas)
    link = make_link(p)
    stale = ShareLink.objects.get(pk=link.pk)
    sharing.count_view(link)
    sharing.count_view(stale)  # a stale copy adds to the count, never writes its own back
    visit(link)
    Client().head(f"/shared/{sharing.token_for(link)}/")  # a link checker is no visit
    link.refresh_from_db()
    assert link.view_count == 3
    assert link.last_viewed_at is not None


def test_a_student_creates_a_link_with_the_form(personas: Personas) -> None:
    p = portfolio(personas.student_a, personas)
    client = Client()
    client.force_login(personas.student_a)
    expires = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        f"/portfolio/enrolments/{p.enrolment.pk}/share/new/",
        {
            "label": "Application to Equinor",
            "language": "nb",
            "expires_on": expires.isoformat(),
            "show_activities": "on",
            "reflections": [p.reflections[1].pk],
            "photos": [p.photos[2].pk],
        },
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert (link.label, link.language, link.expires_on) == ("Application to Equinor", "nb", expires)
    assert list(link.reflections.all()) == [p.reflections[1]]
    assert list(link.photos.all()) == [p.photos[2]]
    event = AuditEvent.objects.get(action="share_link.created")
    assert event.subject == personas.student_a and event.programme_pk is None
    listing = client.get(f"/portfolio/enrolments/{p.enrolment.pk}/share/").content.decode()
    assert sharing.share_url(link) in listing
    assert "<svg" in listing  # the QR code, drawn in the page


def test_the_form_offers_nothing_of_anyone_else_and_at_most_a_year(personas: Personas) -> None:
    mine = portfolio(personas.student_a, personas)
    theirs = portfolio(personas.student_b, personas)
    client = Client()
    client.force_login(personas.student_a)
    today = timezone.localdate()
    for reflection, expires in (
        (theirs.reflections[0].pk, today + datetime.timedelta(days=30)),
        (mine.reflections[0].pk, today + datetime.timedelta(days=366)),
        (mine.reflections[0].pk, today),
    ):
        response = client.post(
            f"/portfolio/enrolments/{mine.enrolment.pk}/share/new/",
            {
                "label": "x",
                "language": "en",
                "expires_on": expires.isoformat(),
                "reflections": [reflection],
            },
        )
        assert response.status_code == 200  # the form again, with what to fix
    assert not ShareLink.objects.exists()


def test_nothing_to_share_without_a_diploma_or_an_approved_activity(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    EntryFactory(enrolment=enrolment)  # a draft
    with pytest.raises(sharing.SharingError):
        sharing.create_link(
            enrolment=enrolment,
            by=personas.student_a,
            label="x",
            language="en",
            expires_on=timezone.localdate() + datetime.timedelta(days=5),
            show_activities=True,
        )


def test_a_student_stops_only_their_own_links(personas: Personas) -> None:
    p = portfolio(personas.student_a, personas)
    link = make_link(p)
    other = Client()
    other.force_login(personas.student_b)
    assert other.post(f"/portfolio/share/{link.pk}/stop/").status_code == 404
    owner = Client()
    owner.force_login(personas.student_a)
    assert owner.get(f"/portfolio/share/{link.pk}/stop/").status_code == 405
    assert owner.post(f"/portfolio/share/{link.pk}/stop/").status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(f"/shared/{sharing.token_for(link)}/").status_code == 404


def _queries(client: Client, path: str) -> int:
    # As on a running server, the process already remembers the privacy notice's version
    # (looked up once per CURRENT_VERSION_TTL, cil/privacy.py): a first request warms it.
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as counted:
        assert client.get(path).status_code == 200
    return len(counted)


@pytest.mark.parametrize("size", [2, 6])
def test_the_shared_page_takes_a_fixed_number_of_queries(personas: Personas, size: int) -> None:
    p = portfolio(UserFactory(), personas, size=size)
    link = make_link(p, reflections=p.reflections, photos=p.photos)
    assert _queries(Client(), f"/shared/{sharing.token_for(link)}/") == SHARED_PAGE_QUERIES


def test_a_shared_page_with_no_reflection_or_photo_chosen_does_not_look_for_them(
    personas: Personas,
) -> None:
    p = portfolio(UserFactory(), personas, size=3)
    link = make_link(p, reflections=[], photos=[])
    path = f"/shared/{sharing.token_for(link)}/"
    assert _queries(Client(), path) == SHARED_PAGE_QUERIES - 2
    page = Client().get(path).content.decode()
    assert "Approved international activities" in page
    assert "Reflections" not in page and "Photos" not in page


@pytest.mark.parametrize("size", [1, 5])
def test_the_students_list_takes_a_fixed_number_of_queries(personas: Personas, size: int) -> None:
    p = portfolio(personas.student_a, personas, size=3)
    for _ in range(size):
        make_link(p, reflections=p.reflections, photos=p.photos)
    client = Client()
    client.force_login(personas.student_a)
    path = f"/portfolio/enrolments/{p.enrolment.pk}/share/"
    assert _queries(client, path) == LIST_QUERIES


SHARED_PAGE_QUERIES = (
    6  # the link with its enrolment, holder and programme, view count, diplomas, entries ...
)

LIST_QUERIES = 8


def test_the_admin_lists_share_links_read_only_without_key_token_or_hash(
    personas: Personas,
) -> None:
    link = make_link(portfolio(personas.student_a, personas))
    superuser = Client()
    superuser.force_login(personas.superuser)
    listing = superuser.get("/admin/certificates/sharelink/")
    detail = superuser.get(f"/admin/certificates/sharelink/{link.pk}/change/")
    for page in (listing, detail):
        assert page.status_code == 200
        content = page.content.decode()
        assert "Application to Equinor" in content
        for secret in (link.key, link.token_hash, sharing.token_for(link)):
            assert secret not in content
    assert superuser.get("/admin/certificates/sharelink/add/").status_code == 403
    assert superuser.post(f"/admin/certificates/sharelink/{link.pk}/delete/").status_code == 403
