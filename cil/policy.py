"""Who may open what: the one place where access to the portal is declared.

Every named URL pattern has a rule in ``URL_RULES`` (or its namespace in ``NAMESPACE_RULES``).
``AccessPolicyMiddleware`` applies the rule before the view runs; a URL without a rule is
refused for everyone, and the system check in ``cil/checks.py`` reports it at start-up.

Rules decide on the *kind* of user and, for programme pages, on the programme named in the
URL. Object-level access (this student's entry, that file) is decided by the role predicates
of ``activities/roles.py``, called from scoped lookups such as ``get_entry_for_user``; those
never fetch by a bare id.

This module sits beside ``urls.py`` at the top of the project: it names every app's URLs, so
no app imports it (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver

from activities.roles import is_central_staff, is_programme_admin, may_assign_roles, roles_of

# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may open a URL. ``check`` is None for public pages."""

    label: str
    check: Callable[[Any, dict[str, Any]], bool] | None

    @property
    def public(self) -> bool:
        return self.check is None

    def allows(self, user: Any, kwargs: dict[str, Any]) -> bool:
        if self.check is None:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return self.check(user, kwargs)


PUBLIC = Rule("anyone, signed in or not", None)
SIGNED_IN = Rule("any signed-in user", lambda user, kw: True)
ANY_PROGRAMME_ADMIN = Rule(
    "a certificate administrator of some programme", lambda user, kw: roles_of(user).administers_any
)
ANY_REVIEWER = Rule("a reviewer of some programme", lambda user, kw: roles_of(user).reviews_any)
CENTRAL_STAFF = Rule("central staff", lambda user, kw: is_central_staff(user))
ROLE_GRANTERS = Rule(
    "a superuser, or central staff where CIL_CENTRAL_STAFF_ASSIGN_ROLES is on",
    lambda user, kw: may_assign_roles(user),
)
STAFF = Rule("Django admin staff", lambda user, kw: bool(user.is_staff))


def programme_admin(kwarg: str = "code") -> Rule:
    """Administrator of the programme whose code is the URL's ``kwarg``."""
    return Rule(
        f"administrator of the programme in <{kwarg}>",
        lambda user, kw: is_programme_admin(user, kw[kwarg]),
    )


def programme_admin_or_central(kwarg: str = "code") -> Rule:
    """Administrator of the programme in the URL, or central staff (who build the groups)."""
    return Rule(
        f"administrator of the programme in <{kwarg}>, or central staff",
        lambda user, kw: is_programme_admin(user, kw[kwarg]) or is_central_staff(user),
    )


PROGRAMME_ADMIN = programme_admin()

# Every named URL of the portal and the rule that guards it. Keep this table sorted by app.
URL_RULES: dict[str, Rule] = {
    # Project-level pages
    "landing": PUBLIC,
    "healthz": PUBLIC,
    # Monitoring: the views answer only the bearer token or an allowed address (cil/monitoring.py),
    # 404 for everyone else, signed in or not.
    "healthz_ready": PUBLIC,
    "metrics": PUBLIC,
    "did_document": PUBLIC,  # the issuer's public keys, for verifiers of its credentials
    "set_language": PUBLIC,
    "home": SIGNED_IN,
    # Role home pages
    "portfolio:home": SIGNED_IN,
    # A student's own portfolio: the views look everything up within the signed-in user's own
    # enrolments (portfolio/selectors.py), so another user's objects are simply not found.
    "portfolio:signup": SIGNED_IN,
    "portfolio:withdraw": SIGNED_IN,
    "portfolio:export": SIGNED_IN,
    "portfolio:history": SIGNED_IN,  # what happened concerning the signed-in user, their own
    "portfolio:staff_accesses": SIGNED_IN,  # who opened the signed-in student's own portfolio
    "portfolio:entry_create": SIGNED_IN,
    "portfolio:entry": SIGNED_IN,
    "portfolio:entry_edit": SIGNED_IN,
    "portfolio:entry_delete": SIGNED_IN,
    "portfolio:entry_submit": SIGNED_IN,
    "portfolio:reflection": SIGNED_IN,
    "portfolio:note_add": SIGNED_IN,
    "portfolio:note_delete": SIGNED_IN,
    "portfolio:evidence_add": SIGNED_IN,
    "portfolio:evidence_delete": SIGNED_IN,
    "portfolio:confirmation_request": SIGNED_IN,
    "portfolio:confirmation_withdraw": SIGNED_IN,  # the student's own requests only
    # An activity's organiser, without an account: the token in the address is the key
    # (rate limited; every unusable link gets the same page).
    "portfolio:organiser_answer": PUBLIC,
    "portfolio:organiser_thanks": PUBLIC,  # only the browser that has just answered
    # Evidence files: the student, and the administrators and reviewers of their programme
    # (portfolio.selectors.viewable_evidence); 404 for everyone else.
    "portfolio:evidence_file": SIGNED_IN,
    "portfolio:evidence_thumbnail": SIGNED_IN,
    "portfolio:programme_students": PROGRAMME_ADMIN,
    "activities:manage": ANY_PROGRAMME_ADMIN,
    # Programmes and the catalogue, for everyone
    "activities:programmes": PUBLIC,
    "activities:programme": PUBLIC,
    "activities:catalogue": PUBLIC,
    "activities:activity": PUBLIC,
    # Students' proposals; each view shows only the signed-in student's own
    "activities:propose": SIGNED_IN,
    "activities:my_proposals": SIGNED_IN,
    # A programme's administrators; the objects in the URL are looked up within the programme
    "activities:manage_programme": PROGRAMME_ADMIN,
    "activities:edit_rules": PROGRAMME_ADMIN,
    "activities:edit_questions": PROGRAMME_ADMIN,
    "activities:edit_page": PROGRAMME_ADMIN,
    "activities:activity_create": PROGRAMME_ADMIN,
    "activities:activity_edit": PROGRAMME_ADMIN,
    "activities:activity_archive": PROGRAMME_ADMIN,
    "activities:activity_restore": PROGRAMME_ADMIN,
    "activities:other_catalogues": PROGRAMME_ADMIN,  # offers another programme's activity
    "activities:activity_unoffer": PROGRAMME_ADMIN,
    "activities:proposals": PROGRAMME_ADMIN,
    "activities:proposal": PROGRAMME_ADMIN,
    "activities:proposal_decline": PROGRAMME_ADMIN,
    # Local resource groups: central staff and a programme's administrators see them; superusers
    # (and central staff where the institution allows it) change them
    "activities:group": programme_admin_or_central(),
    "activities:groups": CENTRAL_STAFF,
    "activities:group_add": ROLE_GRANTERS,
    "activities:group_remove": ROLE_GRANTERS,
    "certificates:review_home": ANY_REVIEWER,
    "certificates:overview": CENTRAL_STAFF,
    "certificates:overview_export": CENTRAL_STAFF,
    "certificates:programme_figures": PROGRAMME_ADMIN,
    "certificates:follow_up": PROGRAMME_ADMIN,
    "certificates:programme_export": PROGRAMME_ADMIN,
    # Reviewing activities: the programme's administrators; entries are looked up within it
    "certificates:entry_queue": PROGRAMME_ADMIN,
    "certificates:entry_review": PROGRAMME_ADMIN,
    "certificates:entry_approve_many": PROGRAMME_ADMIN,
    "certificates:student": PROGRAMME_ADMIN,
    "certificates:request_activities": SIGNED_IN,  # the student's own enrolment only
    "certificates:report": SIGNED_IN,  # the student's own report only
    "certificates:report_autosave": SIGNED_IN,
    "certificates:report_submit": SIGNED_IN,
    # Final reports: whoever decides on it by REPORT_TRANSITIONS (certificates decisions_for)
    "certificates:report_review": ANY_REVIEWER,
    "certificates:issue_diplomas": PROGRAMME_ADMIN,
    "certificates:batch": PROGRAMME_ADMIN,
    "certificates:diploma_pdf": SIGNED_IN,  # the holder, or the programme's administrators
    "certificates:diploma_credential": SIGNED_IN,  # the holder, or the programme's admins
    "certificates:verify": PUBLIC,  # rate limited; shows only what the diploma says
    # The revocation status list: one bit per diploma at a random index, nothing else.
    "certificates:status_list": PUBLIC,
    # The signed credential: no more than the verification page (the e-mail only hashed)
    "certificates:verify_credential": PUBLIC,
    # Share links: the student's own enrolment and links only (404 for anyone else's) ...
    "certificates:share_links": SIGNED_IN,
    "certificates:share_link_create": SIGNED_IN,
    "certificates:share_link_revoke": SIGNED_IN,
    # ... and for anyone holding a live link's token: rate limited, only what the student chose
    "certificates:shared": PUBLIC,
    "certificates:shared_photo": PUBLIC,
    # Anyone checks a PDF they were sent (rate limited, read in memory, never stored).
    "certificates:check_pdf": PUBLIC,
    "certificates:sessions": PROGRAMME_ADMIN,
    "certificates:session": PROGRAMME_ADMIN,
    "certificates:session_signup": SIGNED_IN,  # the student's own enrolment only
    "certificates:session_cancel": SIGNED_IN,
    # Accounts (django-allauth): the entrance is public, managing an account needs a login.
    "account_signup": PUBLIC,
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_inactive": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "account_email": SIGNED_IN,
    # The link in the notice to the old address; the signed key in the URL is the permission.
    "account_email_undo": PUBLIC,
    "usersessions_list": SIGNED_IN,  # the user's own sessions
    # Two-factor sign-in (allauth.mfa). The second step of signing in, and signing in with a
    # passkey, come before the user is signed in; managing one's authenticators needs a login.
    "mfa_authenticate": PUBLIC,
    "mfa_login_webauthn": PUBLIC,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_index": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_add_webauthn": SIGNED_IN,
    "mfa_reauthenticate_webauthn": SIGNED_IN,
    "mfa_remove_webauthn": SIGNED_IN,  # the signed-in user's own keys only (allauth's lookup)
    "mfa_edit_webauthn": SIGNED_IN,
    # Institutional sign-in (allauth.socialaccount, OpenID Connect). Starting a sign-in and the
    # provider's answer come before the user is signed in; so do the pages allauth shows when
    # the person cancels or the provider fails, and the form for an address the provider did
    # not give. Linking and unlinking one's own logins needs a login.
    "openid_connect_login": PUBLIC,
    "openid_connect_callback": PUBLIC,
    # SAML (cil/saml.py): starting a sign-in, the provider's answer (the assertion consumer
    # service, in two steps), single logout and the portal's own metadata come before, or
    # without, signing in.
    "saml_login": PUBLIC,
    "saml_acs": PUBLIC,
    "saml_finish_acs": PUBLIC,
    "saml_sls": PUBLIC,
    "saml_metadata": PUBLIC,
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": PUBLIC,
    "socialaccount_signup": PUBLIC,
    "socialaccount_connections": SIGNED_IN,  # the signed-in user's own linked logins only
    # Central staff link or unlink a person's institutional login at their request (never their
    # own: the service refuses that); cil/people.py.
    "people": CENTRAL_STAFF,
    "person_sign_in": CENTRAL_STAFF,
    "person_sign_in_link": CENTRAL_STAFF,
    "person_sign_in_unlink": CENTRAL_STAFF,
    # The privacy notice: anyone reads it; a signed-in person accepts the current version (the
    # middleware sends them there); central staff publish a new one (cil/privacy.py).
    "privacy": PUBLIC,
    "privacy_accept": SIGNED_IN,
    "privacy_edit": CENTRAL_STAFF,
    # Erasure on request and retention periods (retention/): the student asks for their own
    # account only; central staff see the queue, erase (never themselves: the view refuses)
    # and set how long each kind of data is kept.
    "retention:ask": SIGNED_IN,
    "retention:queue": CENTRAL_STAFF,
    "retention:erase": CENTRAL_STAFF,
    "retention:periods": CENTRAL_STAFF,
    # The link mailed to the owner of an account locked by failed sign-ins (cil/lockout.py).
    "account_unlock": PUBLIC,
    # After graduation (cil/graduation.py, cil/signin_link.py): choosing the private address
    # needs a login; asking for a sign-in link and opening it come before signing in (the
    # signed token in the URL is the permission).
    "account_graduation_address": SIGNED_IN,  # the signed-in user's own address only
    "account_link_request": PUBLIC,  # rate limited; the same answer for any address
    "account_link_signin": PUBLIC,
    # The Django admin's own login page; the rest of the site is the namespace rule below.
    "admin:login": PUBLIC,
    # The benchmark's floor page, served only by bench.settings (bench/urls.py).
    "bench:floor": SIGNED_IN,
}

NAMESPACE_RULES: dict[str, Rule] = {
    "admin": STAFF,
}


def rule_for(view_name: str | None) -> Rule | None:
    """The declared rule for a view name, or None when it has none (and is refused)."""
    if not view_name:
        return None
    if view_name in URL_RULES:
        return URL_RULES[view_name]
    namespace = view_name.rpartition(":")[0]
    while namespace:
        if namespace in NAMESPACE_RULES:
            return NAMESPACE_RULES[namespace]
        namespace = namespace.rpartition(":")[0]
    return None


# --- URL inventory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlEntry:
    view_name: str  # as request.resolver_match.view_name gives it
    named: bool
    route: str
    callback: Callable[..., Any]


def _func_path(callback: Callable[..., Any]) -> str:
    """The dotted path Django's resolver uses as the view name of an unnamed pattern."""
    func = getattr(callback, "view_class", callback)
    if not hasattr(func, "__name__"):
        return f"{func.__class__.__module__}.{func.__class__.__name__}"
    return f"{func.__module__}.{func.__name__}"


def iter_urls(urlconf: Any = None) -> Iterator[UrlEntry]:
    """Every URL pattern the resolver knows, with its full view name ('ns:name')."""

    def walk(resolver: URLResolver, namespace: str | None, prefix: str) -> Iterator[UrlEntry]:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(pattern, inner, route)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or _func_path(pattern.callback)
                view_name = f"{namespace}:{name}" if namespace else name
                yield UrlEntry(view_name, bool(pattern.name), route, pattern.callback)

    yield from walk(get_resolver(urlconf), None, "")


def undeclared_urls(urlconf: Any = None) -> list[UrlEntry]:
    """URL patterns that have no access rule: each is a bug (and is refused at run time)."""
    return [entry for entry in iter_urls(urlconf) if rule_for(entry.view_name) is None]


# --- Enforcement ---------------------------------------------------------------------------------


class AccessPolicyMiddleware:
    """Applies URL_RULES to every request that reaches a view.

    Runs after Django's LoginRequiredMiddleware, which sends anonymous visitors of non-public
    views to the login page. This middleware refuses what the declared rule does not allow,
    and anything without a rule at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> Any:
        match = request.resolver_match
        rule = rule_for(match.view_name if match else None)
        if rule is None:
            raise PermissionDenied("No access rule is declared for this address.")
        if rule.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rule.allows(request.user, view_kwargs):
            raise PermissionDenied
        return None
