"""Demo data for `make run`: realistic programmes, people in every role, documented logins.

Kept apart from the command so later features can add their own stages of students.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from activities.models import Faculty, ProgrammeRole, StudyProgramme
from cil.models import User
from demo.catalogue import seed_catalogue
from demo.organisers import seed_confirmations, seed_share_link
from demo.portfolios import seed_portfolios
from demo.privacy import seed_privacy_notice
from demo.stages import seed_stages

DEMO_PASSWORD = "cil-demo-2026"  # noqa: S105 - documented in README; seed_demo refuses to run unless DEBUG  # nosec B105
# Staff sign in with a second factor (cil/mfa.py): every demo staff account has an authenticator
# app with this published secret. Add it to an app, or compute a code with `oathtool --totp -b`.
DEMO_TOTP_SECRET = "CILDEMOSTAFFCODECILDEMOSTAFFCODE"  # noqa: S105  # nosec B105 - published demo secret, as the password


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    description: str
    is_central_staff: bool = False
    is_superuser: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # (programme code, role)

    @property
    def is_staff_role(self) -> bool:
        return bool(self.roles) or self.is_central_staff or self.is_superuser


FACULTIES = [
    ("health", "Faculty of Health Sciences", "Fakultet for helsevitenskap"),
    ("social", "Faculty of Social Sciences", "Fakultet for samfunnsvitenskap"),
    ("humanities", "Faculty of Humanities", "Det humanistiske fakultet"),
]

# Three programmes with different rules, as real ones differ.
PROGRAMMES: list[dict[str, Any]] = [
    {
        # Like OsloMet: at home *and* abroad, CIL career course and presentation required.
        "code": "nursing",
        "faculty": "health",
        "name_en": "Bachelor's Programme in Nursing",
        "name_nb": "Bachelorstudium i sykepleie",
        "min_activities": 3,
        "min_home": 1,
        "min_abroad": 1,
        "career_course_required": True,
        "presentation_required": True,
    },
    {
        # Like Lund's Faculty of Medicine: going abroad is optional.
        "code": "medicine",
        "faculty": "health",
        "name_en": "Medical Programme",
        "name_nb": "Profesjonsstudium i medisin",
        "min_activities": 3,
        "min_home": 1,
        "min_abroad": 0,
        "career_course_required": False,
        "presentation_required": True,
    },
    {
        "code": "social-work",
        "faculty": "social",
        "name_en": "Bachelor's Programme in Social Work",
        "name_nb": "Bachelorstudium i sosialt arbeid",
        "min_activities": 4,
        "min_home": 2,
        "min_abroad": 1,
        "career_course_required": False,
        "presentation_required": False,
        "signup_open": False,
    },
    {
        # Like Lund's humanities: sized activities, one A and two B; three C replace one B.
        "code": "languages",
        "faculty": "humanities",
        "name_en": "Bachelor's Programme in Languages and Cultures",
        "name_nb": "Bachelorprogram i språk og kultur",
        "min_activities": 3,
        "min_home": 1,
        "min_abroad": 0,
        "career_course_required": False,
        "presentation_required": True,
        "size_requirements": {"A": 1, "B": 2},
        "size_substitutions": [{"size": "C", "count": 3, "replaces": "B"}],
    },
]

ADMIN = ProgrammeRole.Role.ADMINISTRATOR
REVIEWER = ProgrammeRole.Role.REVIEWER

ACCOUNTS = [
    DemoAccount("ada.student@uni.example", "Ada Lovelace Hansen", "student"),
    DemoAccount("ben.student@uni.example", "Ben Okafor", "student"),
    DemoAccount("chloe.student@uni.example", "Chloé Dubois", "student"),
    DemoAccount(
        "dina.student@uni.example",
        "Dina Rahimi",
        "student, Nursing: activities sent for final approval",
    ),
    DemoAccount(
        "emil.student@uni.example",
        "Emil Johansen",
        "student, Medicine: final report awaiting review",
    ),
    DemoAccount(
        "farah.student@uni.example",
        "Farah Ali",
        "student, Nursing: report approved, presentation next",
    ),
    DemoAccount("gustav.student@uni.example", "Gustav Lie", "student, Nursing: diploma issued"),
    DemoAccount("hanna.student@uni.example", "Hanna Sæther", "student, Medicine: diploma revoked"),
    DemoAccount(
        "kari.admin@uni.example",
        "Kari Nordmann",
        "certificate administrator, Nursing and Languages",
        roles=(("nursing", ADMIN), ("languages", ADMIN)),
    ),
    DemoAccount(
        "lars.admin@uni.example",
        "Lars Svensson",
        "certificate administrator, Medicine and Social Work",
        roles=(("medicine", ADMIN), ("social-work", ADMIN)),
    ),
    DemoAccount(
        "nina.reviewer@uni.example",
        "Nina Berg",
        "reviewer, Nursing",
        roles=(("nursing", REVIEWER),),
    ),
    DemoAccount(
        "omar.reviewer@uni.example",
        "Omar Haddad",
        "reviewer, Medicine",
        roles=(("medicine", REVIEWER),),
    ),
    DemoAccount(
        "siri.central@uni.example",
        "Siri Dahl",
        "central staff (central resource group)",
        is_central_staff=True,
    ),
    DemoAccount("super@uni.example", "Site Superuser", "superuser", is_superuser=True),
]


@transaction.atomic
def seed() -> list[DemoAccount]:
    """Create or update the demo data. Running it twice changes nothing the second time."""
    faculties = {}
    for code, name_en, name_nb in FACULTIES:
        faculties[code], _ = Faculty.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_nb": name_nb}
        )
    programmes = {}
    for spec in PROGRAMMES:
        fields = {k: v for k, v in spec.items() if k not in {"code", "faculty"}}
        fields.setdefault("signup_open", True)
        programmes[spec["code"]], _ = StudyProgramme.objects.update_or_create(
            code=spec["code"], defaults={**fields, "faculty": faculties[spec["faculty"]]}
        )
    for account in ACCOUNTS:
        user, created = User.objects.update_or_create(
            email=account.email,
            defaults={
                "full_name": account.full_name,
                "is_central_staff": account.is_central_staff,
                "is_superuser": account.is_superuser,
                "is_staff": account.is_superuser,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        for code, role in account.roles:
            ProgrammeRole.objects.get_or_create(user=user, programme=programmes[code], role=role)
        if account.is_staff_role and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
    # The catalogue reads as entered by an administrator, as real ones are; None would only
    # mean the account was taken out of ACCOUNTS.
    author = User.objects.filter(email="kari.admin@uni.example").first()
    seed_catalogue(programmes, created_by=author)
    seed_portfolios(programmes)
    seed_stages(programmes)
    seed_confirmations()
    seed_share_link()
    seed_privacy_notice()
    return ACCOUNTS
