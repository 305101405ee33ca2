"""Every URL, requested with GET and with POST as every role, answers as these tables say.

The tables are written from the users' point of view and independently of cil/policy.py, so a
rule changed by mistake shows up here. A URL pattern missing from either table fails the suite,
and so does a pattern missing from the policy (see test_undeclared_url_is_caught_everywhere).

- ``EXPECTED`` (GET) and ``POST_EXPECTED`` (POST, with a valid CSRF token and the body in
  ``POST_BODY``): student A's objects in programme P. Adding a URL means a row in each.
- ``test_another_programmes_objects_...``: programme Q's objects, under P's addresses where
  the address names a programme: nobody reaches them there, and P's staff nowhere.
- ``OWN_EXPECTED``: the two-role personas (an administrator and a reviewer of P who are
  students in P) with their own objects: they use their portfolio as students and may read
  their own enrolment's staff page, but decide nothing on it.
"""

from __future__ import annotations

import copy
import datetime
import fnmatch
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client, override_settings
from django.utils import timezone

from activities.models import ProgrammeRole, StudyProgramme
from certificates import sharing
from certificates.models import (
    Diploma,
    DiplomaBatch,
    FinalReport,
    Session,
    SessionSignup,
    StatusList,
)
from cil.models import User
from cil.policy import iter_urls
from retention.models import ErasureRequest
from tests.conftest import ROLE_NAMES, TWO_ROLE_NAMES, Personas, TwoRoles
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
NOT_ALLOWED = "not allowed"  # 405: a POST-only address opened with GET, or the reverse
BAD_REQUEST = "bad request"  # 400: a form with mistakes
REDIRECT = "redirect"  # sent on to another page, not the login page
MISSING = "missing"  # 404: not yours, and no hint that it exists
BAD_REQUEST = "bad request"  # 400
STAFF_OK = "admin"  # Django admin answered as it does for staff (page, 302 or 404; never 403)
# POST only:
ALLOWED = "allowed"  # the view did its work or said what was wrong (200, 400, a redirect)
REFUSED = "refused"  # 403 or 404

STUDENTS = ("student_a", "student_b")
STAFF = ("admin_p", "admin_q", "reviewer_p", "central", "superuser")


@dataclass(frozen=True)
class Expect:
    outcomes: dict[str, str]

    @classmethod
    def of(cls, default: str, anonymous: str | None = None, **per_role: str) -> Expect:
        """``default`` for every role but those named. On student A's objects, P's staff who
        are students too (admin_student, reviewer_student) are P's staff: they answer as
        admin_p and reviewer_p unless named."""
        outcomes = dict.fromkeys(ROLE_NAMES, default)
        if anonymous is not None:
            outcomes["anonymous"] = anonymous
        outcomes.update(per_role)
        outcomes.setdefault("admin_student", outcomes["admin_p"])
        outcomes.setdefault("reviewer_student", outcomes["reviewer_p"])
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
# Changing a local resource group: superusers (central staff only where a setting allows it).
SUPERUSER_POST = Expect.of(DENIED, anonymous=LOGIN, superuser=NOT_ALLOWED)
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
    # Monitoring's pages: no user, whatever their role, finds them (tests/cil/test_health.py)
    "healthz_ready": Expect.of(MISSING),
    "metrics": Expect.of(MISSING),
    "did_document": PUBLIC_PAGE,
    "set_language": Expect.of(REDIRECT),  # GET changes nothing and goes back
    "home": Expect.of(REDIRECT, anonymous=LOGIN),
    "portfolio:home": SIGNED_IN_PAGE,
    "activities:manage": ADMIN_HOME,
    "portfolio:signup": SIGNED_IN_PAGE,
    "portfolio:withdraw": OWN_PORTFOLIO,
    "portfolio:export": OWN_PORTFOLIO,
    "portfolio:history": SIGNED_IN_PAGE,  # each sees their own history
    "portfolio:staff_accesses": SIGNED_IN_PAGE,  # each sees who opened their own portfolio
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
    "portfolio:confirmation_request": OWN_PORTFOLIO,
    "portfolio:confirmation_withdraw": OWN_PORTFOLIO,  # GET asks for confirmation
    # The organiser's pages, by token: an unknown token gets the one plain "can no longer be
    # used" page (404), as do the thanks without an answer just given in this browser.
    "portfolio:organiser_answer": Expect.of(MISSING),
    "portfolio:organiser_thanks": Expect.of(MISSING),
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
    "activities:group_add": SUPERUSER_POST,
    "activities:group_remove": SUPERUSER_POST,
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
    "certificates:status_list": PUBLIC_PAGE,  # the sample status list
    "certificates:verify_credential": PUBLIC_PAGE,  # no e-mail in it, only a salted hash
    "certificates:diploma_credential": Expect.of(
        MISSING, anonymous=LOGIN, student_a=OK, admin_p=OK, superuser=OK
    ),
    "certificates:share_links": OWN_PORTFOLIO,
    "certificates:share_link_create": OWN_PORTFOLIO,
    "certificates:share_link_revoke": PORTFOLIO_POST,
    # The sample share link's token is the permission: anyone holding it reads the page, and
    # the photo it shows (tests/certificates/test_sharing.py: nothing else, and "not available"
    # for an unknown, expired or stopped link).
    "certificates:shared": PUBLIC_PAGE,
    "certificates:shared_photo": PUBLIC_PAGE,
    "certificates:check_pdf": PUBLIC_PAGE,
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
    "account_email_undo": PUBLIC_PAGE,  # an unknown key says the link can no longer be used
    "usersessions_list": SIGNED_IN_PAGE,
    # Central staff: a person's institutional sign-in (student A's page; the unlink address names
    # a login A does not have, so it is not found).
    "people": CENTRAL_HOME,
    "person_sign_in": CENTRAL_HOME,
    "person_sign_in_link": Expect.of(
        DENIED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "person_sign_in_unlink": Expect.of(DENIED, anonymous=LOGIN, central=MISSING, superuser=MISSING),
    # The privacy notice: no version is published here, so the page says so, and the page
    # that asks to accept sends everyone on; central staff publish versions.
    "privacy": PUBLIC_PAGE,
    "privacy_accept": Expect.of(REDIRECT, anonymous=LOGIN),
    "privacy_edit": CENTRAL_HOME,
    # Erasure (student A asked): A's own request page; central staff's queue, A's request and the
    # retention periods.
    "retention:ask": SIGNED_IN_PAGE,
    "retention:queue": CENTRAL_HOME,
    "retention:erase": CENTRAL_HOME,
    "retention:periods": CENTRAL_HOME,
    # The mailed unlock link; an unknown token says "expired or already used".
    "account_unlock": Expect.of(BAD_REQUEST),
    # After graduation: the signed-in user's own address; asking for a sign-in link is open to
    # all, and an unknown link token says "expired or already used".
    "account_graduation_address": SIGNED_IN_PAGE,
    "account_link_request": PUBLIC_PAGE,
    "account_link_signin": Expect.of(BAD_REQUEST),
    # Institutional sign-in: the sample provider id names no configured provider (404).
    "openid_connect_login": Expect.of(MISSING),
    "openid_connect_callback": Expect.of(MISSING),
    # SAML: the sample organisation names no configured provider (404). The assertion consumer
    # service keeps whatever was sent for its second step and goes on to it, where the provider
    # is looked up.
    "saml_login": Expect.of(MISSING),
    "saml_acs": Expect.of(REDIRECT),
    "saml_finish_acs": Expect.of(MISSING),
    "saml_sls": Expect.of(MISSING),
    "saml_metadata": Expect.of(MISSING),
    "socialaccount_login_cancelled": PUBLIC_PAGE,
    "socialaccount_login_error": Expect.of("HTTP 401"),  # allauth's "sign-in failed" page
    "socialaccount_signup": Expect.of(LOGIN),  # no institutional login under way: sign in
    "socialaccount_connections": SIGNED_IN_PAGE,
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
    # Share links are made and stopped only by their student; the admin shows them read-only.
    "admin:certificates_sharelink_add": Expect.of(DENIED, anonymous=LOGIN),
    "admin:certificates_sharelink_delete": Expect.of(DENIED, anonymous=LOGIN),
    "admin:*": DJANGO_ADMIN,
}

# --- POST ---------------------------------------------------------------------------------
# Every URL again, posted with a valid CSRF token (and the body in POST_BODY) on student A's
# objects in P. A page that only shows answers 405 to those its GET lets in; the rest are
# refused as by GET, or sent to sign in.
SHOWS_ANYONE = Expect.of(NOT_ALLOWED)
SHOWS_SIGNED_IN = Expect.of(NOT_ALLOWED, anonymous=LOGIN)
FORM_ANYONE = Expect.of(ALLOWED)
FORM_SIGNED_IN = Expect.of(ALLOWED, anonymous=LOGIN)
P_ADMIN_SHOWS = Expect.of(REFUSED, anonymous=LOGIN, admin_p=NOT_ALLOWED, superuser=NOT_ALLOWED)
P_ADMIN_ACTS = Expect.of(REFUSED, anonymous=LOGIN, admin_p=ALLOWED, superuser=ALLOWED)
OWN_PORTFOLIO_ACTS = Expect.of(REFUSED, anonymous=LOGIN, student_a=ALLOWED)
SUPERUSER_ACTS = Expect.of(REFUSED, anonymous=LOGIN, superuser=ALLOWED)
DJANGO_ADMIN_POST = Expect.of(REFUSED, anonymous=LOGIN, superuser=STAFF_OK)
NOBODY_POSTS = Expect.of(REFUSED, anonymous=LOGIN)

POST_EXPECTED: dict[str, Expect] = {
    "landing": SHOWS_ANYONE,
    "healthz": SHOWS_ANYONE,
    "healthz_ready": SHOWS_ANYONE,
    "metrics": SHOWS_ANYONE,
    "did_document": SHOWS_ANYONE,
    "set_language": FORM_ANYONE,
    "home": SHOWS_SIGNED_IN,
    "portfolio:home": SHOWS_SIGNED_IN,
    "activities:manage": Expect.of(
        REFUSED, anonymous=LOGIN, admin_p=NOT_ALLOWED, admin_q=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "portfolio:signup": FORM_SIGNED_IN,  # already signed up, or not: the page says so
    "portfolio:withdraw": OWN_PORTFOLIO_ACTS,
    # GET-only pages of a student's own: the method is refused before anything is looked up.
    "portfolio:export": SHOWS_SIGNED_IN,
    "portfolio:history": SHOWS_SIGNED_IN,
    "portfolio:staff_accesses": SHOWS_SIGNED_IN,
    "portfolio:entry_create": OWN_PORTFOLIO_ACTS,
    "portfolio:entry": SHOWS_SIGNED_IN,
    "portfolio:entry_edit": OWN_PORTFOLIO_ACTS,
    "portfolio:entry_delete": OWN_PORTFOLIO_ACTS,
    "portfolio:entry_submit": OWN_PORTFOLIO_ACTS,
    "portfolio:reflection": OWN_PORTFOLIO_ACTS,
    "portfolio:note_add": OWN_PORTFOLIO_ACTS,
    "portfolio:note_delete": OWN_PORTFOLIO_ACTS,
    "portfolio:evidence_add": OWN_PORTFOLIO_ACTS,
    "portfolio:evidence_delete": OWN_PORTFOLIO_ACTS,
    "portfolio:confirmation_request": OWN_PORTFOLIO_ACTS,
    "portfolio:confirmation_withdraw": OWN_PORTFOLIO_ACTS,
    "portfolio:organiser_answer": Expect.of(REFUSED),  # an unknown token: the plain 404 page
    "portfolio:organiser_thanks": SHOWS_ANYONE,
    "portfolio:evidence_file": SHOWS_SIGNED_IN,
    "portfolio:evidence_thumbnail": SHOWS_SIGNED_IN,
    "portfolio:programme_students": P_ADMIN_SHOWS,
    "activities:programmes": SHOWS_ANYONE,
    "activities:programme": SHOWS_ANYONE,
    "activities:catalogue": SHOWS_ANYONE,
    "activities:activity": SHOWS_ANYONE,
    "activities:propose": FORM_SIGNED_IN,  # a student not signed up in P is told to sign up
    "activities:my_proposals": SHOWS_SIGNED_IN,
    "activities:manage_programme": P_ADMIN_SHOWS,
    "activities:edit_rules": P_ADMIN_ACTS,
    "activities:edit_questions": P_ADMIN_ACTS,
    "activities:edit_page": P_ADMIN_ACTS,
    "activities:activity_create": P_ADMIN_ACTS,
    "activities:activity_edit": P_ADMIN_ACTS,
    "activities:activity_archive": P_ADMIN_ACTS,
    "activities:activity_restore": P_ADMIN_ACTS,
    "activities:other_catalogues": NOBODY_POSTS,  # the body names no activity to offer: 404
    "activities:activity_unoffer": NOBODY_POSTS,  # P's own activity: nothing to take out
    "activities:proposals": P_ADMIN_SHOWS,
    "activities:proposal": P_ADMIN_ACTS,
    "activities:proposal_decline": P_ADMIN_ACTS,
    "activities:group": Expect.of(
        REFUSED, anonymous=LOGIN, admin_p=NOT_ALLOWED, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "activities:groups": Expect.of(
        REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "activities:group_add": SUPERUSER_ACTS,
    "activities:group_remove": SUPERUSER_ACTS,
    "certificates:review_home": Expect.of(
        REFUSED, anonymous=LOGIN, reviewer_p=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "certificates:overview": Expect.of(
        REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "certificates:overview_export": Expect.of(
        REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "certificates:programme_figures": P_ADMIN_SHOWS,
    "certificates:follow_up": P_ADMIN_ACTS,
    "certificates:programme_export": P_ADMIN_SHOWS,
    "certificates:entry_queue": P_ADMIN_SHOWS,
    "certificates:entry_review": P_ADMIN_ACTS,
    "certificates:entry_approve_many": P_ADMIN_ACTS,
    "certificates:student": P_ADMIN_ACTS,
    "certificates:request_activities": OWN_PORTFOLIO_ACTS,
    "certificates:report": OWN_PORTFOLIO_ACTS,
    "certificates:report_autosave": OWN_PORTFOLIO_ACTS,
    "certificates:report_submit": OWN_PORTFOLIO_ACTS,
    "certificates:report_review": Expect.of(
        REFUSED, anonymous=LOGIN, reviewer_p=ALLOWED, superuser=ALLOWED
    ),
    "certificates:issue_diplomas": P_ADMIN_ACTS,
    "certificates:batch": P_ADMIN_SHOWS,
    "certificates:diploma_pdf": SHOWS_SIGNED_IN,
    "certificates:sessions": P_ADMIN_ACTS,
    "certificates:session": P_ADMIN_ACTS,
    "certificates:session_signup": OWN_PORTFOLIO_ACTS,
    "certificates:session_cancel": OWN_PORTFOLIO_ACTS,
    "certificates:verify": SHOWS_ANYONE,
    "certificates:status_list": SHOWS_ANYONE,
    "certificates:verify_credential": SHOWS_ANYONE,
    "certificates:diploma_credential": SHOWS_SIGNED_IN,
    "certificates:share_links": SHOWS_SIGNED_IN,
    "certificates:share_link_create": OWN_PORTFOLIO_ACTS,
    "certificates:share_link_revoke": OWN_PORTFOLIO_ACTS,
    "certificates:shared": SHOWS_ANYONE,
    "certificates:shared_photo": SHOWS_ANYONE,
    "certificates:check_pdf": FORM_ANYONE,  # without a file: the form again, saying why (400)
    "account_login": FORM_ANYONE,  # signed-in users are sent on
    "account_signup": FORM_ANYONE,
    "account_logout": FORM_ANYONE,
    "account_inactive": SHOWS_ANYONE,
    "account_email_verification_sent": SHOWS_ANYONE,
    "account_confirm_email": Expect.of(REFUSED),  # an unknown key: 404
    "account_confirm_login_code": FORM_SIGNED_IN,
    "account_reset_password": FORM_ANYONE,
    "account_reset_password_done": SHOWS_ANYONE,
    "account_reset_password_from_key": FORM_ANYONE,
    "account_reset_password_from_key_done": SHOWS_ANYONE,
    "account_reauthenticate": FORM_SIGNED_IN,
    "account_change_password": FORM_SIGNED_IN,
    "account_set_password": FORM_SIGNED_IN,
    "account_email": FORM_SIGNED_IN,
    "account_email_undo": FORM_ANYONE,  # an unknown key: the page says it can no longer be used
    "usersessions_list": FORM_SIGNED_IN,
    "people": Expect.of(REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED),
    "person_sign_in": Expect.of(
        REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "person_sign_in_link": Expect.of(REFUSED, anonymous=LOGIN, central=ALLOWED, superuser=ALLOWED),
    "person_sign_in_unlink": Expect.of(REFUSED, anonymous=LOGIN),
    "privacy": SHOWS_ANYONE,
    "privacy_accept": FORM_SIGNED_IN,  # no version published: sent on, nothing recorded
    "privacy_edit": Expect.of(REFUSED, anonymous=LOGIN, central=ALLOWED, superuser=ALLOWED),
    "retention:ask": FORM_SIGNED_IN,
    "retention:queue": Expect.of(
        REFUSED, anonymous=LOGIN, central=NOT_ALLOWED, superuser=NOT_ALLOWED
    ),
    "retention:erase": Expect.of(REFUSED, anonymous=LOGIN, central=ALLOWED, superuser=ALLOWED),
    "retention:periods": Expect.of(REFUSED, anonymous=LOGIN, central=ALLOWED, superuser=ALLOWED),
    "account_unlock": FORM_ANYONE,  # an unknown token: "expired or already used" (400)
    "account_graduation_address": FORM_SIGNED_IN,
    "account_link_request": FORM_ANYONE,  # the same answer whether or not the address is known
    "account_link_signin": FORM_ANYONE,  # an unknown token: "expired or already used" (400)
    "openid_connect_login": Expect.of(REFUSED),  # no such provider: 404
    "openid_connect_callback": Expect.of(REFUSED),
    "saml_login": Expect.of(REFUSED),  # no such provider: 404
    "saml_acs": FORM_ANYONE,  # on to the second step (a redirect), as an identity provider posts
    "saml_finish_acs": SHOWS_ANYONE,  # the second step is a GET
    "saml_sls": Expect.of(REFUSED),
    "saml_metadata": Expect.of(REFUSED),
    "socialaccount_login_cancelled": SHOWS_ANYONE,
    "socialaccount_login_error": SHOWS_ANYONE,
    "socialaccount_signup": Expect.of(LOGIN),  # no login under way: sent to sign in
    "socialaccount_connections": FORM_SIGNED_IN,  # the body names no linked login
    # Two-factor sign-in: without a recent password check the forms send the user to give it.
    "mfa_authenticate": FORM_SIGNED_IN,
    "mfa_login_webauthn": FORM_SIGNED_IN,
    "mfa_reauthenticate": FORM_SIGNED_IN,
    "mfa_index": SHOWS_SIGNED_IN,
    "mfa_activate_totp": FORM_SIGNED_IN,
    "mfa_deactivate_totp": Expect.of(
        ALLOWED, anonymous=LOGIN, student_a=REFUSED, student_b=REFUSED
    ),
    "mfa_view_recovery_codes": SHOWS_SIGNED_IN,
    "mfa_generate_recovery_codes": FORM_SIGNED_IN,
    "mfa_download_recovery_codes": Expect.of(REFUSED, anonymous=LOGIN),
    "mfa_list_webauthn": SHOWS_SIGNED_IN,
    "mfa_add_webauthn": FORM_SIGNED_IN,
    "mfa_reauthenticate_webauthn": FORM_SIGNED_IN,
    "mfa_remove_webauthn": FORM_SIGNED_IN,
    "mfa_edit_webauthn": FORM_SIGNED_IN,
    "admin:login": SUPERUSER_ACTS,  # allauth's sign-in (with the second factor) in its place
    "admin:axes_*_add": NOBODY_POSTS,
    "admin:django_tasks_database_dbtaskresult_add": NOBODY_POSTS,
    "admin:django_tasks_database_dbtaskresult_delete": NOBODY_POSTS,
    "admin:cil_auditevent_add": NOBODY_POSTS,
    "admin:cil_auditevent_delete": NOBODY_POSTS,
    "admin:activities_activityproposal_add": NOBODY_POSTS,
    "admin:portfolio_*_add": NOBODY_POSTS,
    "admin:portfolio_*_delete": NOBODY_POSTS,
    "admin:certificates_sharelink_add": NOBODY_POSTS,
    "admin:certificates_sharelink_delete": NOBODY_POSTS,
    # Shown read-only in the admin, so a change is refused to superusers too.
    "admin:cil_auditevent_change": NOBODY_POSTS,
    "admin:activities_activityproposal_change": NOBODY_POSTS,
    "admin:portfolio_*_change": NOBODY_POSTS,
    "admin:certificates_sharelink_change": NOBODY_POSTS,
    "admin:django_tasks_database_dbtaskresult_change": NOBODY_POSTS,
    "admin:*": DJANGO_ADMIN_POST,
}

# What a POST carries, by URL: names of sample objects (see sample_objects) or plain values.
# A decision on a row in the wrong state still reaches the view, which says so (ALLOWED).
POST_BODY: dict[str, dict[str, Any]] = {
    "certificates:student": {"action": "confirm_activities"},
    "certificates:entry_review": {"action": "approve"},
    "certificates:report_review": {"action": "approve", "comment": ""},
    "certificates:entry_approve_many": {"entries": ["entry"]},
    "certificates:issue_diplomas": {"enrolments": ["enrolment"], "language": "en"},
    "certificates:session": {"attended": ["signup"]},
    "activities:proposal_decline": {"decline-reason": "Not international."},
}


@dataclass(frozen=True)
class Own:
    """What admin_student and reviewer_student get, by GET and by POST, with their own objects."""

    get: dict[str, str]
    post: dict[str, str]

    @classmethod
    def of(cls, get: str, post: str, **per_role: tuple[str, str]) -> Own:
        both = {role: per_role.get(role, (get, post)) for role in TWO_ROLE_NAMES}
        return cls({r: g for r, (g, _) in both.items()}, {r: p for r, (_, p) in both.items()})


# P's staff who are students in P, with their own enrolment, entry, report, diploma, proposal,
# session place (and P's activity and group member). As students they use their portfolio; as
# staff they may read their own enrolment's pages, but decide nothing on them.
AS_STUDENT = Own.of(OK, ALLOWED)
STUDENT_SHOWS = Own.of(OK, NOT_ALLOWED)
STUDENT_POSTS = Own.of(NOT_ALLOWED, ALLOWED)
ADMIN_READS_OWN = Own.of(OK, REFUSED, reviewer_student=(DENIED, REFUSED))
OWN_EXPECTED: dict[str, Own] = {
    "portfolio:withdraw": AS_STUDENT,
    "portfolio:export": STUDENT_SHOWS,
    "portfolio:entry_create": AS_STUDENT,
    "portfolio:entry": STUDENT_SHOWS,
    "portfolio:entry_edit": AS_STUDENT,
    "portfolio:entry_delete": AS_STUDENT,
    "portfolio:entry_submit": AS_STUDENT,
    "portfolio:reflection": AS_STUDENT,
    "portfolio:note_add": STUDENT_POSTS,
    "portfolio:note_delete": STUDENT_POSTS,
    "portfolio:evidence_add": STUDENT_POSTS,
    "portfolio:evidence_delete": STUDENT_POSTS,
    "portfolio:confirmation_request": AS_STUDENT,
    "portfolio:confirmation_withdraw": AS_STUDENT,
    "portfolio:evidence_file": STUDENT_SHOWS,
    "portfolio:evidence_thumbnail": STUDENT_SHOWS,
    "certificates:request_activities": AS_STUDENT,
    "certificates:report": AS_STUDENT,
    "certificates:report_autosave": STUDENT_POSTS,
    "certificates:report_submit": AS_STUDENT,
    "certificates:session_signup": STUDENT_POSTS,
    "certificates:session_cancel": STUDENT_POSTS,
    "certificates:diploma_pdf": STUDENT_SHOWS,
    "certificates:diploma_credential": STUDENT_SHOWS,
    "certificates:share_links": STUDENT_SHOWS,
    "certificates:share_link_create": AS_STUDENT,
    "certificates:share_link_revoke": STUDENT_POSTS,
    # Their own enrolment's staff pages: read, never decide.
    "certificates:student": ADMIN_READS_OWN,
    "certificates:entry_review": ADMIN_READS_OWN,
    "activities:proposal": ADMIN_READS_OWN,
    "activities:proposal_decline": Own.of(NOT_ALLOWED, REFUSED, reviewer_student=(DENIED, REFUSED)),
    # Only those who decide on a report open its review page: nobody for their own.
    "certificates:report_review": Own.of(DENIED, REFUSED, reviewer_student=(MISSING, REFUSED)),
    # The session page answers, but their own place has no box and is not recorded
    # (tests/certificates/test_own_certificate.py); likewise their batch.
    "certificates:session": Own.of(OK, ALLOWED, reviewer_student=(DENIED, REFUSED)),
    "certificates:batch": Own.of(OK, NOT_ALLOWED, reviewer_student=(DENIED, REFUSED)),
    # P's activity and group member are not theirs: as P's staff.
    "activities:activity": Own.of(OK, NOT_ALLOWED),
    "activities:activity_edit": Own.of(OK, ALLOWED, reviewer_student=(DENIED, REFUSED)),
    "activities:activity_archive": Own.of(OK, ALLOWED, reviewer_student=(DENIED, REFUSED)),
    "activities:activity_restore": Own.of(OK, ALLOWED, reviewer_student=(DENIED, REFUSED)),
    "activities:activity_unoffer": Own.of(MISSING, REFUSED, reviewer_student=(DENIED, REFUSED)),
    "activities:group_remove": Own.of(DENIED, REFUSED),
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
    "provider_id": "no-such-provider",
    "organization_slug": "no-such-provider",
    "pk": "999999",
    "login": "999999",  # no institutional login of that number
}


def sample_objects(
    programme: StudyProgramme, student: User, admin: User, stage: str = "activities_approved"
) -> dict[str, str]:
    """``programme`` with an activity, a proposal and a group member (``admin``'s role);
    ``student``'s enrolment in it with an entry, a diary note, a photo, a final report, a
    diploma and a place in a session; a diploma batch."""
    activity = ActivityFactory(programme=programme)
    proposal = ProposalFactory(programme=programme, student=student)
    member = ProgrammeRole.objects.get(programme=programme, user=admin)
    enrolment = EnrolmentFactory(student=student, programme=programme, stage=stage)
    entry = EntryFactory(enrolment=enrolment, activity=activity)
    note = entry.notes.create(written_on=entry.started_on, text="First day.")
    evidence = EvidenceFactory(entry=entry)
    confirmation = entry.confirmations.create(
        organiser_name="Olga Organiser",
        organiser_email="olga@host.example",
        language="en",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    report = FinalReport.objects.create(
        enrolment=enrolment, summary="Three activities.", sections=[]
    )
    diploma = Diploma.objects.create(
        enrolment=enrolment,
        number=f"CIL-2026-{enrolment.pk:06d}",
        content={"holder": student.full_name, "programme": {"en": "Nursing"}, "activities": []},
        pdf=default_storage.save("diplomas/sample.pdf", ContentFile(tiny_pdf())),
        sha256="0" * 64,
        credential=default_storage.save("diplomas/sample.json", ContentFile(b"{}")),
        issued_at=timezone.now(),
        issued_by=admin,
    )
    status_list = StatusList.objects.create()
    erasure = ErasureRequest.objects.create(user=student)
    batch = DiplomaBatch.objects.create(
        programme=programme, language="en", enrolment_ids=[enrolment.pk]
    )
    session = Session.objects.create(kind="ceremony", starts_at=timezone.now(), place="Aula")
    session.programmes.add(programme)
    signup = SessionSignup.objects.create(session=session, enrolment=enrolment)
    # A share link showing a photo of an approved activity (the entry above is a draft).
    approved = EntryFactory(enrolment=enrolment, activity=activity, status="approved")
    photo = EvidenceFactory(entry=approved)
    link = sharing.create_link(
        enrolment=enrolment,
        by=student,
        label="Application",
        language="en",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        show_activities=True,
        photos=[photo],
    )
    return {
        "person": str(student.pk),
        "erasure": str(erasure.pk),
        "link": str(link.pk),
        "share": sharing.token_for(link),  # the token is the permission: not an object id
        "photo": str(photo.pk),
        "session": str(session.pk),
        "signup": str(signup.pk),  # not in any address: for POST_BODY
        "diploma": str(diploma.pk),
        "status_list": str(status_list.pk),
        "verification": diploma.code,
        "batch": str(batch.pk),
        "report": str(report.pk),
        "enrolment": str(enrolment.pk),
        "entry": str(entry.pk),
        "note": str(note.pk),
        "evidence": str(evidence.pk),
        "confirmation": str(confirmation.pk),
        "code": programme.code,
        "activity": str(activity.pk),
        "proposal": str(proposal.pk),
        "member": str(member.pk),
    }


def expectation_for(view_name: str, table: dict[str, Expect] = EXPECTED) -> Expect | None:
    if view_name in table:
        return table[view_name]
    for pattern, expect in table.items():
        if "*" in pattern and fnmatch.fnmatchcase(view_name, pattern):
            return expect
    return None


def unlisted_urls(urlconf: str | None = None, table: dict[str, Expect] = EXPECTED) -> list[str]:
    return sorted(
        {e.view_name for e in iter_urls(urlconf) if expectation_for(e.view_name, table) is None}
    )


def sample_path(route: str, kwargs: dict[str, str]) -> str:
    """A concrete path for a route, its parameters filled from ``kwargs``."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def route_parameters(route: str) -> set[str]:
    return set(re.findall(r"\(\?P<(\w+)>", route)) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def outcome_of(response: HttpResponseBase, login_urls: tuple[str, ...]) -> str:
    status = response.status_code
    if status in (301, 302):
        return LOGIN if response["Location"].startswith(login_urls) else REDIRECT
    outcomes = {200: OK, 400: BAD_REQUEST, 403: DENIED, 404: MISSING, 405: NOT_ALLOWED}
    return outcomes.get(status, f"HTTP {status}")


def matches(wanted: str, got: str) -> bool:
    if wanted == STAFF_OK:
        return got not in (DENIED, LOGIN)
    if wanted == ALLOWED:
        return got in (OK, REDIRECT, BAD_REQUEST)
    if wanted == REFUSED:
        return got in (DENIED, MISSING)
    return got == wanted


LOGIN_URLS = ("/accounts/login/", "/admin/login/")  # ours, and the Django admin's own


class Visitor:
    """One persona's browser: signed in (or not), with the CSRF cookie a page gave it.

    ``post`` sends the token as a browser does (form field and header) and undoes what the
    request changed, in the database and in the browser's cookies (signing out, say), so
    every request finds the same objects and the same session.
    """

    def __init__(self, user: User | None) -> None:
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if user is not None:
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        self.client.get("/")  # the landing page's language form sets the CSRF cookie
        self.token = self.client.cookies["csrftoken"].value

    def get(self, path: str) -> str:
        cache.clear()  # every request of the walk is the first: no throttle counts the others
        return outcome_of(self.client.get(path), LOGIN_URLS)

    def head(self, path: str) -> str:
        return outcome_of(self.client.head(path), LOGIN_URLS)

    def post(self, path: str, body: dict[str, Any]) -> str:
        cookies = copy.deepcopy(self.client.cookies)
        cache.clear()
        with transaction.atomic():
            response = self.client.post(
                path, {**body, "csrfmiddlewaretoken": self.token}, HTTP_X_CSRFTOKEN=self.token
            )
            transaction.set_rollback(True)
        self.client.cookies = cookies
        return outcome_of(response, LOGIN_URLS)


def visitors(personas: Personas, two_roles: TwoRoles) -> dict[str, Visitor]:
    users = {
        **personas.as_dict(),
        "admin_student": two_roles.admin_student,
        "reviewer_student": two_roles.reviewer_student,
    }
    return {role: Visitor(user) for role, user in users.items()}


def post_body(view_name: str, kwargs: dict[str, str]) -> dict[str, Any]:
    return {
        field: [kwargs[v] for v in value] if isinstance(value, list) else kwargs.get(value, value)
        for field, value in POST_BODY.get(view_name, {}).items()
    }


def test_every_url_is_in_both_tables() -> None:
    assert unlisted_urls() == [], "Add these URLs to EXPECTED in tests/test_authorization.py"
    assert unlisted_urls(table=POST_EXPECTED) == [], "Add these URLs to POST_EXPECTED"


@pytest.mark.django_db
def test_every_url_answers_every_role_as_declared(personas: Personas, two_roles: TwoRoles) -> None:
    people = visitors(personas, two_roles)
    kwargs = {
        **SAMPLE_KWARGS,
        **sample_objects(personas.programme_p, personas.student_a, personas.admin_p),
    }
    mismatches = []
    checked = 0
    for entry in iter_urls():
        path = sample_path(entry.route, kwargs)
        body = post_body(entry.view_name, kwargs)
        for method, table in (("GET", EXPECTED), ("POST", POST_EXPECTED)):
            expect = expectation_for(entry.view_name, table)
            assert expect is not None, f"{entry.view_name} has no {method} expectation"
            for role, visitor in people.items():
                wanted = expect.outcomes[role]
                got = visitor.get(path) if method == "GET" else visitor.post(path, body)
                if not matches(wanted, got):
                    mismatches.append(
                        f"{method} {entry.view_name} {path} as {role}: wanted {wanted}, got {got}"
                    )
                checked += 1
                # HEAD is answered wherever GET is (link checkers and monitors send it); Django's
                # admin login page redirects only a GET from a signed-in user, so it is left out.
                if method == "GET" and not entry.view_name.startswith("admin:"):
                    head = visitor.head(path)
                    if head != got:
                        mismatches.append(
                            f"{entry.view_name} {path} as {role}: HEAD {head}, GET {got}"
                        )
    assert not mismatches, "\n".join(mismatches)
    assert checked >= 2 * 10 * 20  # every role against every URL, twice; not an empty walk


# Programme Q's objects: what may reach them. Everyone else, under any address, and everyone
# under P's address (/manage/nursing/students/<a Medicine enrolment>/), finds nothing.
OBJECT_PARAMETERS = {
    "link",
    "session",
    "diploma",
    "batch",
    "report",
    "enrolment",
    "entry",
    "note",
    "evidence",
    "confirmation",
    "activity",
    "proposal",
    "member",
}
# Those who may reach student B's objects in Q where the address does not name a programme (the
# GET table of student A's in P says how). P's staff, student A and the two-role personas never.
Q_SIDE = {"anonymous", "student_b", "admin_q", "central", "superuser"}
# They pass the rule of P's addresses (where the GET table lets them in), so it is the lookup
# that must find nothing.
P_ADMINS = {"admin_p", "admin_student", "superuser"}


def passes_rule(view_name: str, role: str) -> bool:
    expect = expectation_for(view_name, EXPECTED)
    return expect is not None and expect.outcomes[role] not in (DENIED, LOGIN)


@pytest.mark.django_db
def test_another_programmes_objects_are_not_reached_through_a_programmes_address(
    personas: Personas, two_roles: TwoRoles
) -> None:
    people = visitors(personas, two_roles)
    q = sample_objects(personas.programme_q, personas.student_b, personas.admin_q)
    kwargs = {**SAMPLE_KWARGS, **q, "code": personas.programme_p.code}
    reached = []
    checked = 0
    for entry in iter_urls():
        parameters = route_parameters(entry.route)
        if not parameters & OBJECT_PARAMETERS or entry.view_name.startswith("admin:"):
            continue
        under_p = "code" in parameters
        path = sample_path(entry.route, kwargs)
        body = post_body(entry.view_name, kwargs)
        for role, visitor in people.items():
            if not under_p and role in Q_SIDE:
                continue
            for method, got in (("GET", visitor.get(path)), ("POST", visitor.post(path, body))):
                if got in (OK, REDIRECT, BAD_REQUEST):
                    reached.append(f"{method} {entry.view_name} {path} as {role}: {got}")
                # P's administrators pass the address's rule: the object itself is not found
                # (or a GET-only page refuses the method first).
                elif (
                    under_p
                    and role in P_ADMINS
                    and passes_rule(entry.view_name, role)
                    and got not in (MISSING, NOT_ALLOWED)
                ):
                    reached.append(f"{method} {entry.view_name} {path} as {role}: {got}, not 404")
                checked += 1
    assert not reached, "\n".join(reached)
    assert checked >= 2 * 20


@pytest.mark.django_db
def test_staff_who_are_students_use_their_own_objects_as_students_only(
    personas: Personas, two_roles: TwoRoles
) -> None:
    people = visitors(personas, two_roles)
    mismatches = []
    checked = 0
    for role in TWO_ROLE_NAMES:
        me = getattr(two_roles, role)
        own = sample_objects(
            personas.programme_p, me, personas.admin_p, stage="activities_requested"
        )
        kwargs = {**SAMPLE_KWARGS, **own}
        for entry in iter_urls():
            if not route_parameters(entry.route) & OBJECT_PARAMETERS or entry.view_name.startswith(
                "admin:"
            ):
                continue
            expect = OWN_EXPECTED.get(entry.view_name)
            assert expect is not None, f"{entry.view_name} has no row in OWN_EXPECTED"
            path = sample_path(entry.route, kwargs)
            body = post_body(entry.view_name, kwargs)
            for method, got in (
                ("GET", people[role].get(path)),
                ("POST", people[role].post(path, body)),
            ):
                wanted = expect.get[role] if method == "GET" else expect.post[role]
                if not matches(wanted, got):
                    mismatches.append(
                        f"{method} {entry.view_name} {path} as {role} (own): wanted {wanted}, "
                        f"got {got}"
                    )
                checked += 1
    assert not mismatches, "\n".join(mismatches)
    assert checked >= 2 * 2 * 20


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
