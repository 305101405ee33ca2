"""Shared fixtures: the personas every access test uses, and the browser set-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from pytest_django import Settings

from activities.models import ProgrammeRole, StudyProgramme
from cil import privacy
from cil.models import User
from demo.seal import DemoSeal, create_demo_seal
from tests.factories import ProgrammeFactory, ProgrammeRoleFactory, UserFactory

# The S3 server and a private bucket per test, for the tests of the object store.
from tests.support.s3 import s3_server, s3_storage  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# such a thread unless told that this is deliberate. The ORM calls in browser tests are the
# test's own set-up and assertions, never concurrent with the loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# live_server serves static files from the finders, which know no hashed (manifest) names.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    where = db.get("HOST") or db.get("OPTIONS", {}).get("host") or db.get("NAME")
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where})", f"chromium: {CHROMIUM}"]


@pytest.fixture(scope="session", autouse=True)
def _require_postgresql(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """The suite runs on PostgreSQL, as production does; `make test` starts one."""
    if connection.vendor != "postgresql" and not os.environ.get("CIL_ALLOW_SQLITE_TESTS"):
        pytest.exit(
            "The test suite needs PostgreSQL: run `make test`, or set DATABASE_URL.", returncode=3
        )


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """allauth keeps its rate limits in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_remembered_privacy_notice() -> Iterator[None]:
    """Each process remembers the current privacy notice's version for a while; a test's
    notice is rolled back with the test, so no test may inherit another's."""
    privacy.forget_current_version()
    yield
    privacy.forget_current_version()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings: Settings) -> None:
    settings.LANGUAGE_CODE = "en"


# --- Personas -------------------------------------------------------------------------------


@dataclass
class Personas:
    programme_p: StudyProgramme
    programme_q: StudyProgramme
    student_a: User
    student_b: User
    admin_p: User
    admin_q: User
    reviewer_p: User
    central: User
    superuser: User

    def as_dict(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "student_a": self.student_a,
            "student_b": self.student_b,
            "admin_p": self.admin_p,
            "admin_q": self.admin_q,
            "reviewer_p": self.reviewer_p,
            "central": self.central,
            "superuser": self.superuser,
        }


ROLE_NAMES = [
    "anonymous",
    "student_a",
    "student_b",
    "admin_p",
    "admin_q",
    "reviewer_p",
    "central",
    "superuser",
]


@pytest.fixture
def personas(db: None) -> Personas:
    programme_p = ProgrammeFactory(code="nursing", name_en="Nursing", name_nb="Sykepleie")
    programme_q = ProgrammeFactory(
        code="medicine", name_en="Medicine", name_nb="Medisin", min_abroad=0
    )
    admin_p = ProgrammeRoleFactory(
        programme=programme_p, role=ProgrammeRole.Role.ADMINISTRATOR, user__full_name="Admin P"
    ).user
    admin_q = ProgrammeRoleFactory(
        programme=programme_q, role=ProgrammeRole.Role.ADMINISTRATOR, user__full_name="Admin Q"
    ).user
    reviewer_p = ProgrammeRoleFactory(
        programme=programme_p, role=ProgrammeRole.Role.REVIEWER, user__full_name="Reviewer P"
    ).user
    return Personas(
        programme_p=programme_p,
        programme_q=programme_q,
        student_a=UserFactory(full_name="Student A"),
        student_b=UserFactory(full_name="Student B"),
        admin_p=admin_p,
        admin_q=admin_q,
        reviewer_p=reviewer_p,
        central=UserFactory(full_name="Central Staff", is_central_staff=True),
        superuser=UserFactory(full_name="Super User", is_superuser=True, is_staff=True),
    )


@dataclass
class TwoRoles:
    """Staff of programme P who are also students: an administrator and a reviewer of P. Each
    test enrols them in P where it needs (a student may sign up after getting a role, so the
    case is real even though a role is never granted to an active student)."""

    admin_student: User
    reviewer_student: User


TWO_ROLE_NAMES = ["admin_student", "reviewer_student"]

# The actors of the transition matrices. P's staff who are students too act on student A's row
# as P's staff; "<role>_own" acts on the persona's own row in P, where nobody decides, whatever
# roles they hold.
MATRIX_ROLES = [
    "student_a",
    "student_b",
    "admin_p",
    "admin_q",
    "reviewer_p",
    "central",
    "superuser",
    "admin_student",
    "reviewer_student",
    "admin_student_own",
    "reviewer_student_own",
    "superuser_own",
]


def acting(personas: Personas, two_roles: TwoRoles, role: str) -> tuple[User, User]:
    """The user who acts as a ``MATRIX_ROLES`` role, and the student whose row it is."""
    name = role.removesuffix("_own")
    user = getattr(two_roles, name, None) or getattr(personas, name)
    return user, user if role.endswith("_own") else personas.student_a


@pytest.fixture
def two_roles(personas: Personas) -> TwoRoles:
    def staff(role: str, name: str) -> User:
        return ProgrammeRoleFactory(
            programme=personas.programme_p, role=role, user__full_name=name
        ).user

    return TwoRoles(
        admin_student=staff(ProgrammeRole.Role.ADMINISTRATOR, "Admin Student"),
        reviewer_student=staff(ProgrammeRole.Role.REVIEWER, "Reviewer Student"),
    )


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, never a downloaded browser; quiet on a machine with no internet."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-gpu",
        ],
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs what the block queued for commit (mail) when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path: Path) -> None:
    """Uploaded files of one test never meet another's, nor the developer's media/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def _session_vc_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One credential signing key for the whole run (made once: every issued diploma signs)."""
    from cil.vc import keys

    directory = tmp_path_factory.mktemp("vc-keys")
    with override_settings(CIL_VC_KEYS_DIR=directory):
        keys.create_key()
    return directory


@pytest.fixture(autouse=True)
def _credential_keys_in_a_temporary_folder(settings, _session_vc_keys: Path) -> None:
    """Tests sign with a key of their own, never the developer's var/vc-keys/. A test that
    rotates keys sets a folder of its own."""
    settings.CIL_VC_KEYS_DIR = _session_vc_keys


@pytest.fixture
def seal(tmp_path, settings) -> DemoSeal:
    """A test CA and a seal certificate it issued, configured as the institution's seal."""
    demo = create_demo_seal(tmp_path / "seal", "Test University")
    settings.CIL_SEAL_P12_FILE = str(demo.p12)
    settings.CIL_SEAL_P12_PASSWORD_FILE = str(demo.password_file)
    return demo
