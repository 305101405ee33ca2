"""Central staff's pages for a person's institutional sign-in: find the person, see their linked
logins, unlink one or record a pending link (cil/institutional.py). Who may open them is
declared in cil/policy.py (central staff)."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cil import institutional
from cil.forms import LinkLoginForm, PersonSearchForm, UnlinkLoginForm
from cil.http import AuthenticatedHttpRequest
from cil.identity import institutional_id
from cil.models import User

SEARCH_LIMIT = 25


@require_safe
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person by name or e-mail address."""
    form = PersonSearchForm(request.GET or None)
    found: list[User] = []
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        found = list(
            User.objects.filter(Q(full_name__icontains=q) | Q(email__icontains=q)).order_by(
                "full_name", "email"
            )[:SEARCH_LIMIT]
        )
    return render(
        request,
        "cil/people/search.html",
        {"form": form, "found": found, "limit": SEARCH_LIMIT, "searched": form.is_bound},
    )


def _page(
    request: AuthenticatedHttpRequest,
    person: User,
    form: LinkLoginForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "cil/people/sign_in.html",
        {
            "person": person,
            "own_account": person.pk == request.user.pk,
            "logins": institutional.linked_logins(person),
            "pending": [
                {"link": link, "provider": institutional.provider_name(link.provider)}
                for link in institutional.open_links(person)
            ],
            "form": form or LinkLoginForm(),
            "providers": settings.CIL_OIDC_PROVIDERS,
            "days": settings.CIL_PENDING_LINK_DAYS,
        },
        status=status,
    )


@require_safe
def person_sign_in(request: AuthenticatedHttpRequest, person: int) -> HttpResponse:
    return _page(request, get_object_or_404(User, pk=person))


@require_POST
def person_sign_in_link(request: AuthenticatedHttpRequest, person: int) -> HttpResponse:
    target = get_object_or_404(User, pk=person)
    form = LinkLoginForm(request.POST)
    if not form.is_valid():
        return _page(request, target, form, status=400)
    try:
        institutional.record_link(
            person=target,
            provider=form.cleaned_data["provider"],
            institutional_id=form.cleaned_data["institutional_id"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except institutional.LinkRefused as error:
        messages.error(request, str(error))
        return _page(request, target, form, status=400)
    messages.success(
        request,
        _(
            "The link is recorded: %(name)s's next sign-in as %(id)s comes to this account. "
            "We have e-mailed them."
        )
        % {"name": target.full_name, "id": form.cleaned_data["institutional_id"]},
    )
    return redirect("person_sign_in", person=target.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def person_sign_in_unlink(
    request: AuthenticatedHttpRequest, person: int, login: int
) -> HttpResponse:
    """Asks, with the reason, before unlinking; the POST unlinks."""
    target = get_object_or_404(User, pk=person)
    account = get_object_or_404(SocialAccount, pk=login, user=target)
    form = UnlinkLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institutional.unlink(
                account=account, by=request.user, reason=form.cleaned_data["reason"]
            )
        except institutional.LinkRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The %(provider)s login is unlinked. We have e-mailed %(name)s.")
                % {
                    "provider": institutional.provider_name(account.provider),
                    "name": target.full_name,
                },
            )
        return redirect("person_sign_in", person=target.pk)
    others = SocialAccount.objects.filter(user=target).exclude(pk=account.pk).exists()
    return render(
        request,
        "cil/people/unlink.html",
        {
            "person": target,
            "account": account,
            "provider": institutional.provider_name(account.provider),
            "institutional_id": institutional_id(account),
            "form": form,
            "leaves_no_way_in": not others and not target.has_usable_password(),
        },
        status=400 if form.is_bound else 200,
    )
