"""Project-level pages: the public landing page, the role dispatcher, health and errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.i18n import set_language as django_set_language

from activities.models import StudyProgramme
from activities.roles import roles_of
from cil import accounts, monitoring
from cil import metrics as project_metrics
from cil.models import User
from cil.vc import keys as vc_keys


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """What the certificate is, for anyone, and the programmes that offer it."""
    programmes = StudyProgramme.objects.select_related("faculty").order_by("name_en")
    return render(request, "cil/landing.html", {"programmes": programmes})


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a signed-in user's mail."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to the home page of their main role."""
    roles = roles_of(request.user)
    if roles.administers_any:
        return redirect("activities:manage")
    if roles.reviews_any:
        return redirect("certificates:review_home")
    if roles.is_central_staff:
        return redirect("certificates:overview")
    return redirect("portfolio:home")


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers. Touches nothing else (no database, no
    file store), so a busy database never gets every process restarted; /healthz/ready
    checks those."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Readiness for monitoring: the database, the file store and the task queue
    (cil/monitoring.py), 200 when all are well and 503 with what failed when not.

    Only monitoring may ask (a bearer token or an allowed address): the checks write to the
    file store, and their details name the backends. Anyone else finds nothing here.
    """
    if not monitoring.is_monitoring(request):
        raise Http404
    ready, checks = monitoring.readiness()
    body = {"status": "ok" if ready else "error", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (cil/metrics.py) when CIL_METRICS is on, for monitoring only."""
    if not settings.CIL_METRICS or not monitoring.is_monitoring(request):
        raise Http404
    return HttpResponse(project_metrics.exposition(), content_type=project_metrics.CONTENT_TYPE)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def undo_email_change(request: HttpRequest, key: str) -> HttpResponse:
    """The link in the notice to the old address: a page that asks, and a POST that makes the
    old address primary again and signs out every session (cil.accounts.undo_email_change)."""
    try:
        change = accounts.read_undo_key(key)
        if request.method == "POST":
            accounts.undo_email_change(key=key)
            logout(request)  # this browser too, whoever was signed in here
            messages.success(
                request,
                _(
                    "%(email)s is your primary e-mail address again, and every session of "
                    "your account is signed out. Choose a new password now."
                )
                % {"email": change["from"]},
            )
            return redirect("account_reset_password")
    except accounts.UndoRefused:
        change = None
    return render(
        request,
        "account/email_undo.html",
        {"change": change, "hours": settings.CIL_EMAIL_CHANGE_UNDO_HOURS},
    )


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
@require_safe
def did_document(request: HttpRequest) -> JsonResponse:
    """The issuer's DID document (did:web): every credential key, current and retired, so that
    credentials signed before a rotation still verify. Public and cacheable."""
    response = JsonResponse(vc_keys.did_document(), content_type="application/did+ld+json")
    response["Cache-Control"] = "public, max-age=300"
    # Verifiers in a browser (a wallet, a web verifier) read it from another origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response
