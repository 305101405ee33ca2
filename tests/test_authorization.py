"""Every URL, requested as every role, answers as this table says.

The table is written from the users' point of view and independently of cil/policy.py, so a
rule changed by mistake shows up here. A URL pattern missing from the table fails the suite,
and so does a pattern missing from the policy (see test_undeclared_url_is_caught_everywhere).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import ProgrammeRole
from certificates.models import Diploma, DiplomaBatch, FinalReport, Session
from cil.policy import iter_urls
from tests.conftest import ROLE_NAMES, Personas
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    EvidenceFactory,
    ProposalFactory,
    tiny_pdf,
)

OK = "ok"  # 200
LOGIN = "login"  # redirected to the login page
DENIED = "denied"  # 403
NOT_ALLOWED = "not allowed"  # 405: a POST-only address opened with GET
REDIRECT = "redirect"  # sent on to another page, not the login page
MISSING = "missing"  # 404: not yours, and no hint that it exists
BAD_REQUEST = "bad request"  # 400
STAFF_OK = "admin"  # Django admin answered as it does for staff (page, 302 or 404; never 403)

STUDENTS = ("student_a", "student_b")
STAFF = ("admin_p", "admin_q", "reviewer_p", "central", "superuser")


@dataclass(frozen=True)
class Expect:
    outcomes: dict[str, str]

    @classmethod
    def of(cls, default: str, anonymous: str | None = None, **per_role: str) -> Expect:
        outcomes = dict.fromkeys(ROLE_NAMES, default)
        if anonymous is not None:
            outcomes["anonymous"] = anonymous
        outcomes.update(per_role)
        return cls(outcomes)


PUBLIC_PAGE = Expect.of(OK)
SIGNED_IN_PAGE = Expect.of(OK, anonymous=LOGIN)
ADMIN_HOME = Expect.of(DENIED, anonymous=LOGIN, admin_p=OK, admin_q=OK, superuser=OK)
REVIEWER_HOME = Expect.of(DENIED, anonymous=LOGIN, reviewer_p=OK, superuser=OK)
CENTRAL_HOME = Expect.of(DENIED, anonymous=LOGIN, central=OK, superuser=OK)
DJANGO_ADMIN = Expect.of(DENIED, anonymous=LOGIN, superuser=STAFF_OK)
# Pages of programme P (the URL names P; its objects belong to P).
P_ADMIN_PAGE = Expect.of(DENIED, anonymous=LOGIN, admin_p=OK, superuser=OK)
P_ADMIN_POST = Expect.of(DENIED, anonymous=LOGIN, admin_p=NOT_ALLOWED, superuser=NOT_ALLOWED)
CENTRAL_POST = Expect.of(DENIED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED)
# Student A's own portfolio: everyone else, superusers too, finds nothing there.
OWN_PORTFOLIO = Expect.of(MISSING, anonymous=LOGIN, student_a=OK)
PORTFOLIO_POST = Expect.of(NOT_ALLOWED, anonymous=LOGIN)  # a GET never reaches the lookup
# Student A's evidence: A, and the administrators and reviewers of A's programme.
EVIDENCE = Expect.of(
    MISSING, anonymous=LOGIN, student_a=OK, admin_p=OK, reviewer_p=OK, superuser=OK
)
# allauth sends signed-in users away from the entrance pages (sign in, sign up).
ENTRANCE_PAGE = Expect.of(REDIRECT, anonymous=OK)

EXPECTED: dict[str, Expect] = {
    "landing": PUBLIC_PAGE,
    "healthz": PUBLIC_PAGE,
    "set_language": Expect.of(REDIRECT),  # GET changes nothing and goes back
    "home": Expect.of(REDIRECT, anonymous=LOGIN),
    "portfolio:home": SIGNED_IN_PAGE,
    "activities:manage": ADMIN_HOME,
    "portfolio:signup": SIGNED_IN_PAGE,
    "portfolio:withdraw": OWN_PORTFOLIO,
    "portfolio:export": OWN_PORTFOLIO,
    "portfolio:entry_create": OWN_PORTFOLIO,
    "portfolio:entry": OWN_PORTFOLIO,
    "portfolio:entry_edit": OWN_PORTFOLIO,
    "portfolio:entry_delete": OWN_PORTFOLIO,  # GET asks for confirmation
    "portfolio:entry_submit": OWN_PORTFOLIO,
    "portfolio:reflection": OWN_PORTFOLIO,
    "portfolio:note_add": PORTFOLIO_POST,
    "portfolio:note_delete": PORTFOLIO_POST,
    "portfolio:evidence_add": PORTFOLIO_POST,
    "portfolio:evidence_delete": PORTFOLIO_POST,
    "portfolio:evidence_file": EVIDENCE,
    "portfolio:evidence_thumbnail": EVIDENCE,
    "portfolio:programme_students": P_ADMIN_PAGE,
    "activities:programmes": PUBLIC_PAGE,
    "activities:programme": PUBLIC_PAGE,
    "activities:catalogue": PUBLIC_PAGE,
    "activities:activity": PUBLIC_PAGE,
    "activities:propose": SIGNED_IN_PAGE,
    "activities:my_proposals": SIGNED_IN_PAGE,
    "activities:manage_programme": P_ADMIN_PAGE,
    "activities:edit_rules": P_ADMIN_PAGE,
    "activities:edit_questions": P_ADMIN_PAGE,
    "activities:edit_page": P_ADMIN_PAGE,
    "activities:activity_create": P_ADMIN_PAGE,
    "activities:activity_edit": P_ADMIN_PAGE,
    "activities:activity_archive": P_ADMIN_PAGE,  # GET asks for confirmation
    "activities:activity_restore": P_ADMIN_PAGE,
    "activities:other_catalogues": P_ADMIN_PAGE,
    # The sample activity is P's own, not borrowed from another programme: nothing to take out.
    "activities:activity_unoffer": Expect.of(
        DENIED, anonymous=LOGIN, admin_p=MISSING, superuser=MISSING
    ),
    "activities:proposals": P_ADMIN_PAGE,
    "activities:proposal": P_ADMIN_PAGE,
    "activities:proposal_decline": P_ADMIN_POST,
    "activities:group": Expect.of(DENIED, anonymous=LOGIN, admin_p=OK, central=OK, superuser=OK),
    "activities:groups": CENTRAL_HOME,
    "activities:group_add": CENTRAL_POST,
    "activities:group_remove": CENTRAL_POST,
    "certificates:review_home": REVIEWER_HOME,
    "certificates:overview": CENTRAL_HOME,
    "certificates:overview_export": CENTRAL_HOME,
    "certificates:programme_figures": P_ADMIN_PAGE,
    "certificates:follow_up": P_ADMIN_PAGE,
    "certificates:programme_export": P_ADMIN_PAGE,
    "certificates:entry_queue": P_ADMIN_PAGE,
    "certificates:entry_review": P_ADMIN_PAGE,
    "certificates:entry_approve_many": P_ADMIN_POST,
    "certificates:student": P_ADMIN_PAGE,
    "certificates:request_activities": OWN_PORTFOLIO,  # GET asks for confirmation
    "certificates:report": OWN_PORTFOLIO,
    "certificates:report_autosave": PORTFOLIO_POST,
    "certificates:report_submit": OWN_PORTFOLIO,
    "certificates:report_review": REVIEWER_HOME,  # reviewers of P; see test_report for Q's
    "certificates:issue_diplomas": P_ADMIN_PAGE,
    "certificates:batch": P_ADMIN_PAGE,
    "certificates:diploma_pdf": Expect.of(
        MISSING, anonymous=LOGIN, student_a=OK, admin_p=OK, superuser=OK
    ),
    "certificates:sessions": P_ADMIN_PAGE,
    "certificates:session": P_ADMIN_PAGE,
    "certificates:session_signup": PORTFOLIO_POST,
    "certificates:session_cancel": PORTFOLIO_POST,
    "certificates:verify": PUBLIC_PAGE,  # the sample diploma's code; unknown codes are 404
    "account_login": ENTRANCE_PAGE,
    "account_signup": ENTRANCE_PAGE,
    "account_logout": Expect.of(OK, anonymous=REDIRECT),  # a confirmation page; logout is a POST
    "account_inactive": PUBLIC_PAGE,
    "account_email_verification_sent": PUBLIC_PAGE,
    "account_confirm_email": PUBLIC_PAGE,  # an unknown key shows "link expired or invalid"
    # Login by code is off: allauth sends everyone on (anonymous visitors to the login page).
    "account_confirm_login_code": Expect.of(REDIRECT, anonymous=LOGIN),
    "account_reset_password": PUBLIC_PAGE,
    "account_reset_password_done": PUBLIC_PAGE,
    "account_reset_password_from_key": PUBLIC_PAGE,  # an unknown key shows "bad token"
    "account_reset_password_from_key_done": PUBLIC_PAGE,
    "account_reauthenticate": SIGNED_IN_PAGE,
    "account_change_password": SIGNED_IN_PAGE,
    "account_set_password": Expect.of(REDIRECT, anonymous=LOGIN),  # users have a password
    "account_email": SIGNED_IN_PAGE,
    # The mailed unlock link; an unknown token says "expired or already used".
    "account_unlock": Expect.of(BAD_REQUEST),
    # Two-factor sign-in. Every persona signed in without a recent password check (as after
    # force_login), so the pages that add or remove an authenticator first ask for one
    # (redirect). Staff have an authenticator app (tests/factories.py), students none.
    "mfa_authenticate": Expect.of(REDIRECT, anonymous=LOGIN),  # needs a first step
    "mfa_login_webauthn": Expect.of(REDIRECT, anonymous=LOGIN),  # a POST from the sign-in page
    "mfa_reauthenticate": Expect.of(REDIRECT, anonymous=LOGIN, **dict.fromkeys(STAFF, OK)),
    "mfa_index": SIGNED_IN_PAGE,
    "mfa_activate_totp": Expect.of(REDIRECT, anonymous=LOGIN),
    "mfa_deactivate_totp": Expect.of(
        REDIRECT, anonymous=LOGIN, student_a=MISSING, student_b=MISSING
    ),
    "mfa_view_recovery_codes": Expect.of(MISSING, anonymous=LOGIN),  # none generated yet
    "mfa_generate_recovery_codes": Expect.of(REDIRECT, anonymous=LOGIN),
    "mfa_download_recovery_codes": Expect.of(MISSING, anonymous=LOGIN),
    "mfa_list_webauthn": SIGNED_IN_PAGE,
    "mfa_add_webauthn": Expect.of(REDIRECT, anonymous=LOGIN),
    "mfa_reauthenticate_webauthn": Expect.of(REDIRECT, anonymous=LOGIN),  # no keys to check
    "mfa_remove_webauthn": Expect.of(REDIRECT, anonymous=LOGIN),  # then only one's own keys
    "mfa_edit_webauthn": Expect.of(REDIRECT, anonymous=LOGIN),
    "admin:login": Expect.of(DENIED, anonymous=LOGIN, superuser=REDIRECT),
    "admin:logout": Expect.of(DENIED, anonymous=LOGIN, superuser=NOT_ALLOWED),
    # Without its query parameters the admin's autocomplete refuses everyone, staff included.
    "admin:autocomplete": Expect.of(DENIED, anonymous=LOGIN),
    # django-axes keeps its records read-only in the admin: nobody may add one by hand.
    "admin:axes_*_add": Expect.of(DENIED, anonymous=LOGIN),
    # Nor may anyone add or delete background task results (django-tasks-db).
    "admin:django_tasks_database_dbtaskresult_add": Expect.of(DENIED, anonymous=LOGIN),
    "admin:django_tasks_database_dbtaskresult_delete": Expect.of(DENIED, anonymous=LOGIN),
    # The audit trail is never written or deleted by hand, and proposals come from students.
    "admin:cil_auditevent_add": Expect.of(DENIED, anonymous=LOGIN),
    "admin:cil_auditevent_delete": Expect.of(DENIED, anonymous=LOGIN),
    "admin:activities_activityproposal_add": Expect.of(DENIED, anonymous=LOGIN),
    # Portfolios are changed only in the portal; the admin shows them read-only.
    "admin:portfolio_*_add": Expect.of(DENIED, anonymous=LOGIN),
    "admin:portfolio_*_delete": Expect.of(DENIED, anonymous=LOGIN),
    "admin:*": DJANGO_ADMIN,
}

# Values for the URL parameters of every pattern. The portal's own parameters name real objects
# of programme P (see sample_objects); the others name nothing.
SAMPLE_KWARGS = {
    "kind": "enrolments",
    "fmt": "csv",
    "app_label": "cil",
    "object_id": "999999",
    "id": "999999",
    "content_type_id": "1",
    "url": "no-such-page",
    "key": "no-such-key",
    "uidb36": "0",
    "token": "no-such-token",
    "pk": "999999",
}


def sample_objects(personas: Personas) -> dict[str, str]:
    """Programme P with an activity, a proposal and a group member; student A's enrolment in P
    with an entry, a diary note, a photo, a final report and a diploma; a diploma batch."""
    p = personas.programme_p
    activity = ActivityFactory(programme=p)
    proposal = ProposalFactory(programme=p, student=personas.student_a)
    member = ProgrammeRole.objects.get(programme=p, user=personas.admin_p)
    enrolment = EnrolmentFactory(
        student=personas.student_a, programme=p, stage="activities_approved"
    )
    entry = EntryFactory(enrolment=enrolment, activity=activity)
    note = entry.notes.create(written_on=entry.started_on, text="First day.")
    evidence = EvidenceFactory(entry=entry)
    report = FinalReport.objects.create(
        enrolment=enrolment, summary="Three activities.", sections=[]
    )
    diploma = Diploma.objects.create(
        enrolment=enrolment,
        number="CIL-2026-000001",
        content={"holder": "Student A", "programme": {"en": "Nursing"}, "activities": []},
        pdf=default_storage.save("diplomas/sample.pdf", ContentFile(tiny_pdf())),
        sha256="0" * 64,
        issued_at=timezone.now(),
        issued_by=personas.admin_p,
    )
    batch = DiplomaBatch.objects.create(programme=p, language="en", enrolment_ids=[enrolment.pk])
    session = Session.objects.create(kind="ceremony", starts_at=timezone.now(), place="Aula")
    session.programmes.add(p)
    return {
        "session": str(session.pk),
        "diploma": str(diploma.pk),
        "verification": diploma.code,
        "batch": str(batch.pk),
        "report": str(report.pk),
        "enrolment": str(enrolment.pk),
        "entry": str(entry.pk),
        "note": str(note.pk),
        "evidence": str(evidence.pk),
        "code": p.code,
        "activity": str(activity.pk),
        "proposal": str(proposal.pk),
        "member": str(member.pk),
    }


def expectation_for(view_name: str) -> Expect | None:
    if view_name in EXPECTED:
        return EXPECTED[view_name]
    for pattern, expect in EXPECTED.items():
        if "*" in pattern and fnmatch.fnmatchcase(view_name, pattern):
            return expect
    return None


def unlisted_urls(urlconf: str | None = None) -> list[str]:
    return sorted({e.view_name for e in iter_urls(urlconf) if expectation_for(e.view_name) is None})


def sample_path(route: str, kwargs: dict[str, str]) -> str:
    """A concrete path for a route, its parameters filled from ``kwargs``."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def outcome_of(response, login_urls: tuple[str, ...]) -> str:
    status = response.status_code
    if status in (301, 302):
        return LOGIN if response["Location"].startswith(login_urls) else REDIRECT
    return {200: OK, 400: BAD_REQUEST, 403: DENIED, 404: MISSING, 405: NOT_ALLOWED}.get(
        status, f"HTTP {status}"
    )


def test_every_url_is_in_the_table() -> None:
    assert unlisted_urls() == [], "Add these URLs to EXPECTED in tests/test_authorization.py"


@pytest.mark.django_db
def test_every_url_answers_every_role_as_declared(personas: Personas) -> None:
    # Django's admin sends anonymous visitors to its own login page, the rest of the site to ours.
    login_urls = (reverse("account_login"), reverse("admin:login"))
    clients = {}
    for role, user in personas.as_dict().items():
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[role] = client

    kwargs = {**SAMPLE_KWARGS, **sample_objects(personas)}
    mismatches = []
    checked = 0
    for entry in iter_urls():
        expect = expectation_for(entry.view_name)
        path = sample_path(entry.route, kwargs)
        for role, client in clients.items():
            wanted = expect.outcomes[role]
            got = outcome_of(client.get(path), login_urls)
            ok = got not in (DENIED, LOGIN) if wanted == STAFF_OK else got == wanted
            if not ok:
                mismatches.append(f"{entry.view_name} {path} as {role}: wanted {wanted}, got {got}")
            checked += 1
    assert not mismatches, "\n".join(mismatches)
    assert checked >= 8 * 20  # every role against every URL; guards against an empty walk


def _undeclared_view(request):  # pragma: no cover - the policy refuses it before it runs
    raise AssertionError("an undeclared view must never run")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urls_with_undeclared")
def test_undeclared_url_is_caught_everywhere(personas: Personas) -> None:
    # The table test would fail ...
    assert unlisted_urls() == ["undeclared-page"]
    # ... the system check reports it ...
    errors = [e for e in checks.run_checks(tags=[checks.Tags.urls]) if e.id == "cil.E002"]
    assert [e.msg for e in errors] == ["URL 'undeclared-page' (undeclared/) has no access rule."]
    # ... and at run time it is refused even to a superuser.
    client = Client()
    client.force_login(personas.superuser, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/undeclared/").status_code == 403
