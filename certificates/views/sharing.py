"""Share links: the student's list of links, a new link, stopping one; and the shared page an
employer opens (anonymous, by the token in the address) with the photos it shows."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certificates import sharing
from certificates.forms import ShareLinkForm
from certificates.models import ShareLink
from cil import ratelimit
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.responses import no_store, private_file
from portfolio.selectors import own_enrolment


@require_safe
def share_links(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    """The student's links on one enrolment: views, copy, QR code, stop."""
    instance = own_enrolment(request.user, enrolment)
    links = [
        {
            "link": link,
            "live": sharing.is_live(link),
            "url": sharing.share_url(link),
            "qr": sharing.qr_svg(link) if sharing.is_live(link) else "",
        }
        for link in sharing.links_of(instance)
    ]
    return render(
        request,
        "certificates/share_links.html",
        {"enrolment": instance, "links": links, "may_share": sharing.may_share(instance)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def share_link_create(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    if not sharing.may_share(instance):
        messages.info(
            request,
            _("There is nothing to share yet: a link needs a diploma or an approved activity."),
        )
        return redirect("certificates:share_links", enrolment=instance.pk)
    form = ShareLinkForm(request.POST or None, enrolment=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing.create_link(
                enrolment=instance,
                by=request.user,
                label=data["label"],
                language=data["language"],
                expires_on=data["expires_on"],
                show_activities=data["show_activities"],
                reflections=data["reflections"],
                photos=data["photos"],
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The link is ready: copy it or show its QR code."))
            return redirect("certificates:share_links", enrolment=instance.pk)
    return render(
        request,
        "certificates/share_link_form.html",
        {
            "enrolment": instance,
            "form": form,
            "has_diploma": sharing.current_diploma(instance) is not None,
        },
    )


@require_POST
def share_link_revoke(request: AuthenticatedHttpRequest, link: int) -> HttpResponse:
    """Stop sharing at once (the button is the confirmation: stopping harms nothing)."""
    instance = get_object_or_404(ShareLink, pk=link, enrolment__student=request.user)
    sharing.revoke_link(link=instance, by=request.user)
    messages.success(request, _("“%(label)s” is no longer shared.") % {"label": instance.label})
    return redirect("certificates:share_links", enrolment=instance.enrolment_id)


def _not_available(request: HttpRequest) -> HttpResponse:
    """One answer for unknown, expired and stopped links: nothing says which it was."""
    response = render(request, "certificates/share_unavailable.html", status=404)
    response["X-Robots-Tag"] = "noindex"
    return no_store(response)


@login_not_required
@require_safe
@ratelimit.per_minute(lambda: settings.CIL_VERIFY_RATE_PER_MINUTE, scope="share")
def shared(request: HttpRequest, share: str) -> HttpResponse:
    """What the student chose to show, in the link's language, with the diploma's live status."""
    link = sharing.find_link(share, for_page=True)
    if link is None:
        return _not_available(request)
    if request.method == "GET":
        sharing.count_view(link)
    with translation.override(link.language):
        response = render(
            request,
            "certificates/shared.html",
            {"page": sharing.shared_page(link), "token": share, "lang": link.language},
        )
        response["Content-Language"] = link.language
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return no_store(response)


@login_not_required
@require_safe
@ratelimit.per_minute(lambda: 4 * settings.CIL_VERIFY_RATE_PER_MINUTE, scope="share-photo")
def shared_photo(request: HttpRequest, share: str, photo: int) -> FileResponse:
    """A photo the link shows; any other is not found."""
    link = sharing.find_link(share)
    instance = sharing.shared_photo(link, photo) if link is not None else None
    if instance is None or not instance.is_image:
        raise Http404
    response = private_file(
        default_storage.open(cast(str, instance.file.name), "rb"),  # stored, so named
        content_type=instance.content_type,
        filename=instance.download_name,
        inline=True,
        sandbox=True,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
