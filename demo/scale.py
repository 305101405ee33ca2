"""A large, realistic, reproducible data set for the benchmark (`manage.py seed_scale`).

Everything comes from random generators seeded from ``seed``, drawn in a fixed order, so two
runs with the same arguments give the same data (the primary keys aside: they follow the
database's sequences). Files are small real files stored once and shared by many rows, as the
point is the database, not the disk. Students have no usable password: the benchmark signs
them in by session.

The small tables (faculties, programmes, their staff, activities and sessions) are made with
``bulk_create``. The students and everything of theirs are made in chunks of ``CHUNK``
students: a plan per student (``_plan``), then the chunk's rows, table by table, streamed to
PostgreSQL with ``COPY ... FROM STDIN`` (psycopg 3), so memory stays flat at any size. On
another database (SQLite) the same rows go in with ``executemany``. The primary keys other
rows point at are reserved from the table's sequence first (``_reserve``), so the sequences are
right afterwards and the portal can insert as usual. The loaded tables' plain indexes and
foreign keys are made again after the load (``_constraints_and_indexes_after``). Everything is
one transaction: a failed run leaves nothing behind.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from PIL import Image
from pypdf import PdfWriter

from activities.models import (
    Activity,
    Category,
    Faculty,
    ProgrammeRole,
    StudyProgramme,
    default_activity_questions,
)
from certificates import sharing, upcoming
from certificates.diploma import DEFAULT_EMPLOYER_STATEMENT
from certificates.models import (
    Diploma,
    FinalReport,
    Session,
    SessionSignup,
    ShareLink,
    StatusList,
)
from cil.models import AuditEvent, PrivacyAcceptance, PrivacyNotice, User
from demo.privacy import TEXT_EN, TEXT_NB
from portfolio import home_cache
from portfolio.models import (
    Confirmation,
    DiaryNote,
    Enrolment,
    Entry,
    Evidence,
    Reflection,
    StaffAccess,
)

STAGES = [  # (stage, share of students)
    (Enrolment.Stage.ENROLLED, 0.45),
    (Enrolment.Stage.ACTIVITIES_REQUESTED, 0.08),
    (Enrolment.Stage.ACTIVITIES_APPROVED, 0.12),
    (Enrolment.Stage.REPORT_APPROVED, 0.08),
    (Enrolment.Stage.PRESENTED, 0.07),
    (Enrolment.Stage.CERTIFIED, 0.20),
]
STAGE_ORDER: list[str] = [str(stage) for stage, _share in STAGES]
COUNTRIES = [
    "SE",
    "DK",
    "DE",
    "ES",
    "FR",
    "NL",
    "GB",
    "US",
    "KE",
    "UG",
    "TZ",
    "ZA",
    "IN",
    "JP",
    "BR",
]
ACTIVITIES_PER_PROGRAMME = 15
STUDENTS_PER_PROGRAMME = 500  # the default number of programmes: one per 500 students ...
MIN_PROGRAMMES = 40  # ... and at least 40
CHUNK = 5000  # students planned and written at a time

# Shares of the newer features' data (of the students or rows they apply to).
CONFIRMATION_SHARE = 0.15  # of the submitted and approved entries: the organiser was asked
CONFIRMATION_STATES = [  # (status, share) of those requests
    (Confirmation.Status.CONFIRMED, 0.55),
    (Confirmation.Status.OPEN, 0.20),
    (Confirmation.Status.DECLINED, 0.10),
    (Confirmation.Status.WITHDRAWN, 0.15),
]
REFLECTION_SHARE = 0.7  # of the sent entries have a reflection (0.3 of the drafts); 0-3 notes
SHARING_SHARE = 0.30  # of the certified students have made share links (1-3)
REVOKED_SHARE = 0.01  # of the certified students had a diploma revoked and issued again
NOTE = "Met the other participants and planned the next session together."
REFLECTION_ANSWER = (
    "I worked with students from three countries and learnt to explain my field to people "
    "outside it. Next time I would prepare the practical questions earlier."
)
CENTRAL_EMAIL = "central@scale.example"  # the central staff member bench/prepare.py signs in

# Sessions, per programme (days from now): final presentations for every programme, the career
# course where the programme asks for it; one of each in the past, its attendance recorded.
PRESENTATIONS = [("ceremony", 30), ("poster", 75)]
CAREER_COURSES = [21, 60]
PAST_PRESENTATION = -20
PAST_CAREER_COURSE = -40
SESSION_CAPACITY = 40  # a student whose session is full has not signed up
# Shares of the active students who signed up (drawn from a generator of their own, so the
# students, their stages and activities are drawn as before there were sessions).
PRESENTATION_SIGNUP_SHARE = 0.5  # at report_approved: for an upcoming presentation ...
PRESENTATION_ABSENT_SHARE = 0.1  # ... or for the past one, and did not come
PRESENTED_THERE_SHARE = 0.6  # at presented: presented at the past session
CAREER_SIGNUP_SHARE = 0.2  # before report_approved: for an upcoming career course ...
CAREER_ABSENT_SHARE = 0.05  # ... or for the past one, and did not come
CAREER_THERE_SHARE = 0.3  # at report_approved or presented: took the past career course


def default_programmes(students: int) -> int:
    """Programmes for ``students`` students: one per 500, at least 40 (40 at 2,000 and 20,000,
    400 at 200,000)."""
    return max(MIN_PROGRAMMES, students // STUDENTS_PER_PROGRAMME)


@dataclass
class ScaleResult:
    programmes: int
    students: int
    entries: int
    diplomas: int
    share_links: int = 0
    confirmations: int = 0
    staff_accesses: int = 0
    audit_events: int = 0
    sessions: int = 0
    session_signups: int = 0
    timings: dict[str, float] = field(default_factory=dict)


# --- Plans: what each student has, drawn from the generator ---------------------------------


@dataclass(slots=True)
class EntryPlan:
    activity: int  # index among the programme's activities
    status: str
    country: str
    confirmation: tuple[str, int] | None  # (status, days after the entry) of a request
    reflection: bool
    notes: int  # diary notes


@dataclass(slots=True)
class LinkPlan:
    key: str
    language: str
    days: int  # after the diploma was issued
    revoked: bool
    views: int


@dataclass(slots=True)
class Plan:
    programme: int  # index
    stage: str
    withdrawn: bool
    term: str
    year: int
    days_ago: int  # the student signed up so many days ago
    entries: list[EntryPlan]
    report: str | None  # the final report's status
    revoked_diploma: bool  # an earlier diploma was revoked (certified only)
    links: list[LinkPlan]
    accesses: list[tuple[str, int, int]]  # (kind, entry index, days after sign-up)


def _pick(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if roll < total:
            return value
    return shares[-1][0]


def _stage_for(rng: random.Random) -> str:
    return _pick(rng, STAGES)


def _token(rng: random.Random) -> str:
    """Like secrets.token_urlsafe(32), from the seeded generator (reproducible)."""
    raw = rng.getrandbits(256).to_bytes(32, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _plan(rng: random.Random, programmes: int) -> Plan:
    programme = rng.randrange(programmes)
    stage = _stage_for(rng)
    withdrawn = rng.random() < 0.05 and stage == Enrolment.Stage.ENROLLED
    term = rng.choice(["spring", "autumn"])
    year = rng.randint(0, 3)
    days_ago = rng.randint(0, 1825)  # over five years
    approved_all = stage != Enrolment.Stage.ENROLLED
    entries = []
    for _k in range(3 if approved_all else rng.randint(0, 3)):
        activity = rng.randrange(ACTIVITIES_PER_PROGRAMME)
        status = (
            "approved"
            if approved_all
            else rng.choice(["draft", "submitted", "approved", "approved"])
        )
        country = rng.choice(COUNTRIES) if activity % 3 == 2 else "NO"
        confirmation = None
        if status != "draft" and rng.random() < CONFIRMATION_SHARE:
            confirmation = (_pick(rng, CONFIRMATION_STATES), rng.randint(1, 20))
        reflection = rng.random() < (REFLECTION_SHARE if status != "draft" else 0.3)
        notes = rng.randint(0, 3)
        entries.append(EntryPlan(activity, status, country, confirmation, reflection, notes))
    report = None
    if STAGE_ORDER.index(stage) >= STAGE_ORDER.index(Enrolment.Stage.REPORT_APPROVED):
        report = "approved"
    elif stage == Enrolment.Stage.ACTIVITIES_APPROVED:
        report = rng.choice(["draft", "submitted"])
    certified = stage == Enrolment.Stage.CERTIFIED
    revoked_diploma = certified and rng.random() < REVOKED_SHARE
    links = []
    if certified and rng.random() < SHARING_SHARE:
        for _n in range(rng.choice([1, 1, 1, 2, 3])):
            links.append(
                LinkPlan(
                    key=_token(rng),
                    language=rng.choice(["en", "en", "nb"]),
                    days=rng.randint(0, 600),
                    revoked=rng.random() < 0.1,
                    views=rng.randint(0, 25),
                )
            )
    # Staff who opened part of the portfolio: reviewers of what was sent, more the further on.
    accesses = []
    sent = [k for k, e in enumerate(entries) if e.status != "draft"]
    if sent:
        kinds = ["entry", "entry", "evidence", "student"] + (["report"] if report else [])
        # A few portfolios were looked at often: the page of them has more than one page.
        often = rng.randint(25, 60) if rng.random() < 0.05 else 0
        for _n in range(rng.randint(0, 2) + 2 * STAGE_ORDER.index(stage) + often):
            accesses.append((rng.choice(kinds), rng.choice(sent), rng.randint(20, 420)))
    return Plan(
        programme,
        stage,
        withdrawn,
        term,
        year,
        days_ago,
        entries,
        report,
        revoked_diploma,
        links,
        accesses,
    )


# --- Writing rows ----------------------------------------------------------------------------


class _Table:
    """Rows for one model's table: the named fields in the given order; every other column
    gets the field's default (``now`` for automatic timestamps), the primary key the
    database's, unless named."""

    def __init__(self, model: type[models.Model], names: Sequence[str], now: datetime.datetime):
        self.model = model
        self.fields: list[models.Field[Any, Any]] = [
            cast("models.Field[Any, Any]", model._meta.get_field(n)) for n in names
        ]
        given = {f.name for f in self.fields}
        self.rest: list[tuple[models.Field[Any, Any], Any]] = []
        for f in model._meta.concrete_fields:
            if f.name in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.null and not f.has_default():
                value = None
            else:
                value = f.get_default()  # "" for a text field without a default
                if value is None:
                    raise ValueError(f"{model.__name__}.{f.name} needs a value")
            self.rest.append((f, value))
        self.columns = [str(f.column) for f in self.fields] + [str(f.column) for f, _v in self.rest]
        self.json = [isinstance(f, models.JSONField) for f in self.fields] + [
            isinstance(f, models.JSONField) for f, _v in self.rest
        ]
        self.defaults = tuple(v for _f, v in self.rest)
        self.count = 0

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert(rows)

    def _copy(self, rows: Iterable[tuple[Any, ...]]) -> None:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in self.columns)
        sql = f"COPY {qn(self.model._meta.db_table)} ({columns}) FROM STDIN"
        given = len(self.fields)
        # JSON values go as text: given already dumped (a str, e.g. a programme's rules, dumped
        # once for all its students) or dumped here.
        json_at = [i for i, is_json in enumerate(self.json[:given]) if is_json]
        rest = tuple(
            json.dumps(v) if is_json else v
            for v, is_json in zip(self.defaults, self.json[given:], strict=True)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    values = list(row)
                    for i in json_at:
                        if not isinstance(values[i], str):
                            values[i] = json.dumps(values[i])
                    row = tuple(values)
                copy.write_row(row + rest)
                self.count += 1

    def _insert(self, rows: Iterable[tuple[Any, ...]]) -> None:
        qn = connection.ops.quote_name
        fields = self.fields + [f for f, _v in self.rest]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608 - names from the model
            qn(self.model._meta.db_table),
            ", ".join(qn(c) for c in self.columns),
            ", ".join(["%s"] * len(self.columns)),
        )

        def prepared(row: tuple[Any, ...]) -> list[Any]:
            values = []
            for f, v, is_json in zip(fields, row + self.defaults, self.json, strict=True):
                if is_json and isinstance(v, str):
                    v = json.loads(v)
                values.append(f.get_db_prep_save(v, connection))
            return values

        batch = [prepared(row) for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        self.count += len(batch)


def _reserve(model: type[models.Model], n: int) -> int:
    """The first of ``n`` primary keys that no other insert will take (the sequence moves on)."""
    if connection.vendor != "postgresql":
        # SQLite: the next key is one past the largest; the chunk's rows are written next.
        return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if n > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return int(first)


def _shared_files() -> dict[str, str]:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    pdf = io.BytesIO()
    writer.write(pdf)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(photo, format="JPEG")
    # Stands for every diploma's signed credential: the pages read the file's name and hash.
    credential = json.dumps(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:scale.example", "name": "Demo University"},
            "credentialSubject": {"type": ["AchievementSubject"]},
        },
        indent=2,
    ).encode()
    return {
        "pdf": default_storage.save("scale/proof.pdf", ContentFile(pdf.getvalue())),
        "pdf_sha256": hashlib.sha256(pdf.getvalue()).hexdigest(),
        "photo": default_storage.save("scale/photo.jpg", ContentFile(photo.getvalue())),
        "diploma": default_storage.save("scale/diploma.pdf", ContentFile(pdf.getvalue())),
        "credential": default_storage.save("scale/credential.json", ContentFile(credential)),
        "credential_sha256": hashlib.sha256(credential).hexdigest(),
    }


@dataclass(slots=True)
class _ProgrammeSessions:
    presentations: list[Session]  # upcoming
    past_presentation: Session
    career_courses: list[Session]  # upcoming; none where the programme does not ask for it
    past_career_course: Session | None


def _sessions(
    progs: Sequence[StudyProgramme], admins: Sequence[int], now: datetime.datetime
) -> list[_ProgrammeSessions]:
    """Each programme's sessions (``bulk_create``, dated from ``now`` so the upcoming ones stay
    ahead), and the programmes they are offered to."""

    def session(i: int, kind: str, days: int) -> Session:
        starts = (now + datetime.timedelta(days=days)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
        return Session(
            kind=kind,
            starts_at=starts,
            place=f"Room {i}",
            capacity=SESSION_CAPACITY,
            created_by_id=admins[i],
            attendance_recorded_at=starts + datetime.timedelta(hours=3) if days < 0 else None,
        )

    plans = [
        _ProgrammeSessions(
            presentations=[session(i, kind, days) for kind, days in PRESENTATIONS],
            past_presentation=session(i, "ceremony", PAST_PRESENTATION),
            career_courses=[session(i, "career_course", days) for days in CAREER_COURSES]
            if p.career_course_required
            else [],
            past_career_course=session(i, "career_course", PAST_CAREER_COURSE)
            if p.career_course_required
            else None,
        )
        for i, p in enumerate(progs)
    ]
    owned = [
        (p.pk, s)
        for p, plan in zip(progs, plans, strict=True)
        for s in [
            *plan.presentations,
            plan.past_presentation,
            *plan.career_courses,
            *([plan.past_career_course] if plan.past_career_course else []),
        ]
    ]
    Session.objects.bulk_create([s for _pk, s in owned])
    through = Session.programmes.through
    through.objects.bulk_create([through(session_id=s.pk, studyprogramme_id=pk) for pk, s in owned])
    return plans


class _StatusLists:
    """Entries of the revocation list(s) for the diplomas, at random (as ``allocate`` gives
    them), from the seeded generator; the lists' bits are saved at the end."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lists: list[tuple[StatusList, bytearray, bytearray, list[int]]] = []

    def take(self, revoked: bool) -> tuple[int, int]:
        if not self.lists or not self.lists[-1][3]:
            status_list = StatusList.objects.create(purpose=StatusList.Purpose.REVOCATION)
            free = list(range(status_list.size))
            self.rng.shuffle(free)
            size = status_list.size // 8
            self.lists.append((status_list, bytearray(size), bytearray(size), free))
        status_list, allocated, bits, free = self.lists[-1]
        index = free.pop()
        allocated[index // 8] |= 0x80 >> (index % 8)
        if revoked:
            bits[index // 8] |= 0x80 >> (index % 8)
        return status_list.pk, index

    def save(self) -> None:
        for status_list, allocated, bits, free in self.lists:
            status_list.allocated, status_list.bits = bytes(allocated), bytes(bits)
            status_list.used = status_list.size - len(free)
            status_list.save()


# --- The data set ----------------------------------------------------------------------------


LOADED = (
    User,
    Enrolment,
    PrivacyAcceptance,
    Entry,
    Evidence,
    Reflection,
    DiaryNote,
    Confirmation,
    FinalReport,
    Diploma,
    ShareLink,
    StaffAccess,
    SessionSignup,
    AuditEvent,
)


@contextmanager
def _constraints_and_indexes_after(
    loaded: Sequence[type[models.Model]], timings: dict[str, float]
) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys and the plain (not unique) indexes of the tables
    about to be loaded, and make them again afterwards, in the same transaction: an index
    built once from all rows is much cheaper than one kept up row by row, and adding a foreign
    key checks every row in one join, where keeping it checks each row on its own at commit
    (PostgreSQL's advice for a bulk load, "Populating a Database"). Unique indexes stay: they
    are the checks the data must pass. Everything comes back exactly as it was."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [[m._meta.db_table for m in loaded]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            tables,
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary "
            "ORDER BY 1",
            tables,
        )
        indexes = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        # Room to sort the biggest index (the audit events') in memory, for this transaction.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.monotonic() - started
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    timings["foreign keys"] = time.monotonic() - started - timings["indexes"]


def seed(
    *,
    students: int,
    programmes: int | None = None,
    seed: int = 2026,
    log: Callable[[str], None] | None = None,
) -> ScaleResult:
    """Fill the database with ``students`` students in ``programmes`` programmes (by default
    ``default_programmes(students)``) and everything of theirs, in one transaction; the same
    data for the same arguments."""
    say = log or (lambda _message: None)
    timings: dict[str, float] = {}
    started = time.monotonic()
    with transaction.atomic():
        with _constraints_and_indexes_after(LOADED, timings):
            result = _seed(students, programmes, seed, say, timings)
        if connection.vendor == "postgresql":
            # Constraints left deferred would be checked at commit: check them now, in time.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        timings["total"] = time.monotonic() - started
    say("  ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return result


def _seed(
    students: int,
    programmes: int | None,
    seed: int,
    say: Callable[[str], None],
    timings: dict[str, float],
) -> ScaleResult:
    started = time.monotonic()
    if programmes is None:
        programmes = default_programmes(students)
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets  # nosec B311
    lists_rng = random.Random(seed + 1)  # noqa: S311  # nosec B311 - ditto
    tokens = random.Random(seed + 2)  # noqa: S311  # nosec B311 - ditto: codes and token hashes
    signing_up = random.Random(seed + 3)  # noqa: S311  # nosec B311 - ditto: session sign-ups
    now = timezone.now()
    files = _shared_files()
    digits = max(2, len(str(programmes - 1)))
    faculties = [
        Faculty.objects.get_or_create(
            code=f"scale-faculty-{i}",
            defaults={"name_en": f"Faculty {i}", "name_nb": f"Fakultet {i}"},
        )[0]
        for i in range(5)
    ]
    progs = StudyProgramme.objects.bulk_create(
        [
            StudyProgramme(
                code=f"scale-{i:0{digits}d}",
                name_en=f"Programme {i:0{digits}d}",
                name_nb=f"Studieprogram {i:0{digits}d}",
                faculty=faculties[i % len(faculties)],
                min_abroad=0 if i % 3 == 0 else 1,
                career_course_required=i % 2 == 0,
            )
            for i in range(programmes)
        ]
    )
    unusable = "!"  # Django's "unusable password" marker
    central = User(
        email=CENTRAL_EMAIL, full_name="Central Staff", is_central_staff=True, password=unusable
    )
    staff = User.objects.bulk_create(
        [
            User(
                email=f"admin{i:0{digits}d}@scale.example",
                full_name=f"Administrator {i:0{digits}d}",
            )
            for i in range(programmes)
        ]
        + [
            User(
                email=f"reviewer{i:0{digits}d}@scale.example", full_name=f"Reviewer {i:0{digits}d}"
            )
            for i in range(programmes)
        ]
        + [central]
    )
    admins = [u.pk for u in staff[:programmes]]
    reviewers = [u.pk for u in staff[programmes : 2 * programmes]]
    ProgrammeRole.objects.bulk_create(
        [
            ProgrammeRole(user_id=admins[i], programme=p, role="administrator")
            for i, p in enumerate(progs)
        ]
        + [
            ProgrammeRole(user_id=reviewers[i], programme=p, role="reviewer")
            for i, p in enumerate(progs)
        ]
    )
    categories = list(Category.values)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                programme=p,
                title_en=f"Activity {j} of {p.code}",
                title_nb=f"Aktivitet {j} i {p.code}",
                description_en="An international activity.",
                description_nb="En internasjonal aktivitet.",
                location="abroad" if j % 3 == 2 else "home",
                category=categories[j % len(categories)],
            )
            for p in progs
            for j in range(ACTIVITIES_PER_PROGRAMME)
        ]
    )
    through = Activity.programmes.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, studyprogramme_id=a.programme_id) for a in activities]
    )
    activity_ids = [
        [
            a.pk
            for a in activities[i * ACTIVITIES_PER_PROGRAMME : (i + 1) * ACTIVITIES_PER_PROGRAMME]
        ]
        for i in range(programmes)
    ]
    rules = [json.dumps(p.ruleset().to_dict()) for p in progs]
    notice = PrivacyNotice.objects.order_by("-version").first()
    if notice is None:
        notice = PrivacyNotice.objects.create(
            version=1,
            text_en=TEXT_EN,
            text_nb=TEXT_NB,
            published_at=now - datetime.timedelta(days=1900),
        )
    PrivacyAcceptance.objects.bulk_create(
        [PrivacyAcceptance(user=u, notice=notice, occasion="sign_in") for u in staff]
    )
    sessions = _sessions(progs, admins, now)
    timings["programmes and staff"] = time.monotonic() - started
    say(f"{programmes} programmes, {len(staff)} staff: {timings['programmes and staff']:.1f} s")

    types: dict[type[models.Model], int] = {
        m: ContentType.objects.get_for_model(m).pk
        for m in (Enrolment, Entry, FinalReport, Diploma, ShareLink, Session)
    }
    tables = {
        "users": _Table(User, ["id", "email", "full_name", "password", "date_joined"], now),
        "enrolments": _Table(
            Enrolment,
            [
                "id",
                "student",
                "programme",
                "stage",
                "status",
                "rules",
                "expected_term",
                "expected_year",
                "terms_accepted_at",
                "created_at",
                "activities_requested_at",
                "activities_approved_at",
                "presented_on",
                "presentation_form",
                "withdrawn_at",
                "career_course_on",
            ],
            now,
        ),
        "acceptances": _Table(
            PrivacyAcceptance, ["user", "notice", "accepted_at", "occasion"], now
        ),
        "entries": _Table(
            Entry,
            [
                "id",
                "enrolment",
                "activity",
                "status",
                "started_on",
                "ended_on",
                "country",
                "city",
                "host",
                "description",
                "created_at",
                "updated_at",
                "submitted_at",
                "decided_at",
                "decided_by",
            ],
            now,
        ),
        "evidence": _Table(
            Evidence,
            [
                "id",
                "entry",
                "kind",
                "file",
                "content_type",
                "original_name",
                "size",
                "sha256",
                "uploaded_at",
            ],
            now,
        ),
        "reflections": _Table(Reflection, ["entry", "answers", "updated_at"], now),
        "diary notes": _Table(DiaryNote, ["entry", "written_on", "text", "created_at"], now),
        "confirmations": _Table(
            Confirmation,
            [
                "entry",
                "status",
                "token_hash",
                "organiser_name",
                "organiser_email",
                "language",
                "created_at",
                "expires_at",
                "answered_at",
                "withdrawn_at",
                "role",
                "organisation",
            ],
            now,
        ),
        "reports": _Table(
            FinalReport,
            ["id", "enrolment", "status", "summary", "sections", "updated_at", "submitted_at"],
            now,
        ),
        "diplomas": _Table(
            Diploma,
            [
                "enrolment",
                "number",
                "code",
                "content",
                "pdf",
                "sha256",
                "credential",
                "credential_sha256",
                "issued_at",
                "issued_by",
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "status_list",
                "status_index",
            ],
            now,
        ),
        "share links": _Table(
            ShareLink,
            [
                "enrolment",
                "key",
                "token_hash",
                "label",
                "language",
                "created_at",
                "expires_on",
                "revoked_at",
                "view_count",
                "last_viewed_at",
            ],
            now,
        ),
        "staff accesses": _Table(
            StaffAccess, ["at", "staff", "student", "enrolment", "kind", "object_id", "role"], now
        ),
        "session signups": _Table(
            SessionSignup, ["session", "enrolment", "created_at", "attended"], now
        ),
        "audit events": _Table(
            AuditEvent,
            [
                "created_at",
                "actor",
                "subject",
                "action",
                "content_type",
                "object_id",
                "from_state",
                "to_state",
                "programme_pk",
            ],
            now,
        ),
    }
    lists = _StatusLists(lists_rng)
    answers = json.dumps([{**q, "answer": REFLECTION_ANSWER} for q in default_activity_questions()])
    latest = now - datetime.timedelta(hours=1)  # nothing happens in the future
    statement = dict(DEFAULT_EMPLOYER_STATEMENT)
    signatories = list(settings.CIL_DIPLOMA_SIGNATORIES)
    institution = settings.CIL_INSTITUTION_NAME
    diploma_count = 0
    taken: dict[int, int] = {}  # places taken, by session
    phase = dict.fromkeys(tables, 0.0)
    plan_time = 0.0

    for first in range(0, students, CHUNK):
        t0 = time.monotonic()
        plans = [_plan(rng, programmes) for _i in range(first, min(first + CHUNK, students))]
        plan_time += time.monotonic() - t0
        n_entries = sum(len(p.entries) for p in plans)
        user0 = _reserve(User, len(plans))
        enrolment0 = _reserve(Enrolment, len(plans))
        entry0 = _reserve(Entry, n_entries)
        evidence0 = _reserve(Evidence, n_entries)
        report0 = _reserve(FinalReport, sum(1 for p in plans if p.report))
        rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in tables}
        entry_id, report_id = entry0, report0
        for n, p in enumerate(plans):
            i = first + n
            user_id, enrolment_id = user0 + n, enrolment0 + n
            signed_up = now - datetime.timedelta(days=p.days_ago)

            def at(days: float, signed_up: datetime.datetime = signed_up) -> datetime.datetime:
                return min(signed_up + datetime.timedelta(days=days), latest)

            programme_id = progs[p.programme].pk
            admin, reviewer = admins[p.programme], reviewers[p.programme]
            stage_at = STAGE_ORDER.index(p.stage)
            # Where the programme asks for the career course, the diploma waits for it.
            career_course = progs[p.programme].career_course_required and stage_at >= 3
            name = f"Student {i:06d}"
            rows["users"].append((user_id, f"student{i:06d}@scale.example", name, "!", signed_up))
            rows["acceptances"].append((user_id, notice.pk, signed_up, "signup"))
            status = (
                "withdrawn"
                if p.withdrawn
                else ("completed" if p.stage == Enrolment.Stage.CERTIFIED else "active")
            )
            signups = (
                _signups_for(p, stage_at, signed_up, sessions[p.programme], signing_up, taken)
                if status == "active"
                else []
            )
            presented_on = at(300).date() if stage_at >= 4 else None
            presentation_form = "poster" if stage_at >= 4 else ""
            career_course_on = at(250).date() if career_course else None
            for session, attended in signups:  # who came has the step recorded on its day
                if attended and session.is_career_course:
                    career_course_on = timezone.localdate(session.starts_at)
                elif attended:
                    presented_on = timezone.localdate(session.starts_at)
                    presentation_form = session.kind
            rows["enrolments"].append(
                (
                    enrolment_id,
                    user_id,
                    programme_id,
                    p.stage,
                    status,
                    rules[p.programme],
                    p.term,
                    now.year + p.year,
                    signed_up,
                    signed_up,
                    at(110) if stage_at >= 1 else None,
                    at(120) if stage_at >= 2 else None,
                    presented_on,
                    presentation_form,
                    at(90) if p.withdrawn else None,
                    career_course_on,
                )
            )

            def event(
                days: float,
                actor: int | None,
                action: str,
                model: type[models.Model],
                object_id: int,
                from_state: str = "",
                to_state: str = "",
                user_id: int = user_id,
                at: Callable[[float], datetime.datetime] = at,
                programme_id: int = programme_id,
                rows: dict[str, list[tuple[Any, ...]]] = rows,
            ) -> None:
                rows["audit events"].append(
                    (
                        at(days),
                        actor,
                        user_id,
                        action,
                        types[model],
                        str(object_id),
                        from_state,
                        to_state,
                        programme_id,
                    )
                )

            event(0, user_id, "enrolment.created", Enrolment, enrolment_id, "", "enrolled")
            for session, attended in signups:
                asked = min(max(session.starts_at - datetime.timedelta(days=30), signed_up), latest)
                rows["session signups"].append((session.pk, enrolment_id, asked, attended))
                rows["audit events"].append(
                    (
                        asked,
                        user_id,
                        user_id,
                        "session.signed_up",
                        types[Session],
                        str(session.pk),
                        "",
                        "",
                        programme_id,
                    )
                )
            entry_ids = []
            approved_entries = []
            for k, e in enumerate(p.entries):
                when = 30 * (k + 1)
                activity_id = activity_ids[p.programme][e.activity]
                submitted = e.status != "draft"
                approved = e.status == "approved"
                rows["entries"].append(
                    (
                        entry_id,
                        enrolment_id,
                        activity_id,
                        e.status,
                        at(when).date(),
                        at(when + 5).date() if approved else None,
                        e.country,
                        "Oslo" if e.country == "NO" else "",
                        "",
                        "Took part.",
                        at(when),
                        at(when + 7),
                        at(when) if submitted else None,
                        at(when + 7) if approved else None,
                        admin if approved else None,
                    )
                )
                rows["evidence"].append(
                    (
                        evidence0 + (entry_id - entry0),
                        entry_id,
                        "proof",
                        files["pdf"],
                        "application/pdf",
                        "proof.pdf",
                        1000,
                        files["pdf_sha256"],
                        at(when),
                    )
                )
                if e.reflection:
                    rows["reflections"].append((entry_id, answers, at(when + 3)))
                for n_note in range(e.notes):
                    rows["diary notes"].append(
                        (entry_id, at(when + n_note).date(), NOTE, at(when + n_note))
                    )
                if submitted:
                    event(when, user_id, "entry.submit", Entry, entry_id, "draft", "submitted")
                if approved:
                    event(
                        when + 7, admin, "entry.approve", Entry, entry_id, "submitted", "approved"
                    )
                    approved_entries.append((e, activity_id, when))
                if e.confirmation:
                    c_status, after = e.confirmation
                    asked = at(when + after)
                    answered = c_status in ("confirmed", "declined")
                    rows["confirmations"].append(
                        (
                            entry_id,
                            c_status,
                            _token_hash(tokens),
                            f"Organiser {i % 997}",
                            f"organiser{i % 997}@host{p.programme}.example",
                            "en",
                            asked,
                            asked + datetime.timedelta(days=30),
                            asked + datetime.timedelta(days=3) if answered else None,
                            asked + datetime.timedelta(days=5) if c_status == "withdrawn" else None,
                            "Coordinator" if answered else "",
                            "Host organisation" if answered else "",
                        )
                    )
                    event(when + after, user_id, "entry.confirmation_requested", Entry, entry_id)
                    if c_status == "confirmed":
                        event(
                            when + after + 3,
                            None,
                            "entry.confirmed_by_organiser",
                            Entry,
                            entry_id,
                            "open",
                            "confirmed",
                        )
                entry_ids.append(entry_id)
                entry_id += 1
            for action, days, actor, from_state, to_state in (
                ("request_activities", 110, user_id, "enrolled", "activities_requested"),
                ("confirm_activities", 120, admin, "activities_requested", "activities_approved"),
                ("approve_report", 230, reviewer, "activities_approved", "report_approved"),
                ("record_presentation", 300, admin, "report_approved", "presented"),
                ("issue_diploma", 400, admin, "presented", "certified"),
            ):
                if stage_at >= STAGE_ORDER.index(to_state):
                    event(
                        days,
                        actor,
                        f"enrolment.{action}",
                        Enrolment,
                        enrolment_id,
                        from_state,
                        to_state,
                    )
            if career_course:
                event(250, admin, "enrolment.career_course", Enrolment, enrolment_id)
            this_report = None
            if p.report:
                this_report = report_id
                submitted_at = at(200) if p.report != "draft" else None
                rows["reports"].append(
                    (
                        report_id,
                        enrolment_id,
                        p.report,
                        "- Three activities",
                        [],
                        at(210),
                        submitted_at,
                    )
                )
                if submitted_at:
                    event(
                        200, user_id, "report.submit", FinalReport, report_id, "draft", "submitted"
                    )
                if p.report == "approved":
                    event(
                        230,
                        reviewer,
                        "report.approve",
                        FinalReport,
                        report_id,
                        "submitted",
                        "approved",
                    )
                report_id += 1
            if p.stage == Enrolment.Stage.CERTIFIED:
                content = {
                    "holder": name,
                    "institution": institution,
                    "programme": {
                        "en": progs[p.programme].name_en,
                        "nb": progs[p.programme].name_nb,
                    },
                    "completed_on": at(400).date().isoformat(),
                    "activities": [
                        {
                            "title": {
                                "en": f"Activity {e.activity} of {progs[p.programme].code}",
                                "nb": f"Aktivitet {e.activity} i {progs[p.programme].code}",
                            },
                            "location": "abroad" if e.activity % 3 == 2 else "home",
                            "from": at(when).date().isoformat(),
                            "to": at(when + 5).date().isoformat(),
                            "place": {"en": e.country, "nb": e.country},
                        }
                        for e, _a, when in approved_entries
                    ],
                    "employer_statement": statement,
                    "signatories": signatories,
                }
                issues = [True, False] if p.revoked_diploma else [False]
                for n_issue, revoked in enumerate(issues):
                    list_id, index = lists.take(revoked)
                    issued = at(380 + 20 * n_issue)
                    rows["diplomas"].append(
                        (
                            enrolment_id,
                            f"SCALE-{enrolment_id:07d}" + ("-R" if revoked else ""),
                            _token(tokens),
                            content,
                            files["diploma"],
                            hashlib.sha256(
                                f"diploma {enrolment_id} {n_issue}".encode()
                            ).hexdigest(),
                            files["credential"],
                            files["credential_sha256"],
                            issued,
                            admin,
                            issued + datetime.timedelta(days=10) if revoked else None,
                            admin if revoked else None,
                            "Wrong name." if revoked else "",
                            list_id,
                            index,
                        )
                    )
                    diploma_count += 1
                for n_link, link in enumerate(p.links):
                    created = at(400 + link.days)
                    token_hash = sharing.hash_token(
                        base64.urlsafe_b64encode(
                            salted_hmac(sharing.SALT, link.key, algorithm="sha256").digest()
                        )
                        .rstrip(b"=")
                        .decode()
                    )
                    viewed = created + datetime.timedelta(days=2) if link.views else None
                    rows["share links"].append(
                        (
                            enrolment_id,
                            link.key,
                            token_hash,
                            f"Application {n_link + 1}",
                            link.language,
                            created,
                            (created + datetime.timedelta(days=90)).date(),
                            created + datetime.timedelta(days=30) if link.revoked else None,
                            link.views,
                            viewed,
                        )
                    )
                    event(400 + link.days, user_id, "share_link.created", Enrolment, enrolment_id)
            for kind, k, days in p.accesses:
                object_id = {
                    "entry": entry_ids[k],
                    "evidence": evidence0 + (entry_ids[k] - entry0),
                    "student": enrolment_id,
                    "report": this_report,
                }[kind]
                by, role = (reviewer, "reviewer") if kind == "report" else (admin, "administrator")
                rows["staff accesses"].append(
                    (at(days), by, user_id, enrolment_id, kind, object_id, role)
                )
        for name, table in tables.items():
            t0 = time.monotonic()
            table.write(rows[name])
            phase[name] += time.monotonic() - t0
        say(f"  {min(first + CHUNK, students)} students")

    past = [  # (session, its programme's index)
        (s, i)
        for i, plan in enumerate(sessions)
        for s in (plan.past_presentation, plan.past_career_course)
        if s is not None
    ]
    tables["audit events"].write(
        (
            s.attendance_recorded_at,
            admins[i],
            None,
            "session.attendance",
            types[Session],
            str(s.pk),
            "",
            "",
            progs[i].pk,
        )
        for s, i in past
    )
    upcoming.forget()  # the sessions went in without the signals that tell the home's cache
    home_cache.forget_all()  # and so did the enrolments, entries and files
    lists.save()
    timings["planning"] = plan_time
    timings.update(phase)
    return ScaleResult(
        programmes=len(progs),
        students=students,
        entries=tables["entries"].count,
        diplomas=diploma_count,
        share_links=tables["share links"].count,
        confirmations=tables["confirmations"].count,
        staff_accesses=tables["staff accesses"].count,
        audit_events=tables["audit events"].count,
        sessions=len(past)
        + sum(len(plan.presentations) + len(plan.career_courses) for plan in sessions),
        session_signups=tables["session signups"].count,
        timings=timings,
    )


def _signups_for(
    p: Plan,
    stage_at: int,
    signed_up: datetime.datetime,
    sessions: _ProgrammeSessions,
    rng: random.Random,
    taken: dict[int, int],
) -> list[tuple[Session, bool | None]]:
    """The sessions an active student signed up for, and whether they came (None: not yet),
    at the stage they are at; a student does not sign up for a session already full, nor for
    a past one before they had signed up for the certificate."""
    wanted: list[tuple[Session, bool | None]] = []
    presentation, career = rng.random(), rng.random()
    if p.stage == Enrolment.Stage.REPORT_APPROVED:
        if presentation < PRESENTATION_SIGNUP_SHARE:
            wanted.append((rng.choice(sessions.presentations), None))
        elif presentation < PRESENTATION_SIGNUP_SHARE + PRESENTATION_ABSENT_SHARE:
            wanted.append((sessions.past_presentation, False))
    elif p.stage == Enrolment.Stage.PRESENTED and presentation < PRESENTED_THERE_SHARE:
        wanted.append((sessions.past_presentation, True))
    if sessions.past_career_course is not None:
        if stage_at < 3:  # before report_approved: the course is ahead
            if career < CAREER_SIGNUP_SHARE:
                wanted.append((rng.choice(sessions.career_courses), None))
            elif career < CAREER_SIGNUP_SHARE + CAREER_ABSENT_SHARE:
                wanted.append((sessions.past_career_course, False))
        elif career < CAREER_THERE_SHARE:  # report_approved or presented (active): taken
            wanted.append((sessions.past_career_course, True))
    signups = []
    for session, attended in wanted:
        if session.starts_at - datetime.timedelta(days=1) < signed_up:
            continue
        if taken.get(session.pk, 0) >= session.capacity:
            continue
        taken[session.pk] = taken.get(session.pk, 0) + 1
        signups.append((session, attended))
    return signups


def _token_hash(rng: random.Random) -> str:
    """The SHA-256 of a link token nobody has: the raw token is never stored."""
    return hashlib.sha256(_token(rng).encode()).hexdigest()
