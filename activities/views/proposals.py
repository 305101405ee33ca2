"""Students propose activities they found themselves and follow the decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from activities import services
from activities.forms import ProposalForm
from activities.lookups import get_programme, proposals_of
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "HEAD", "POST"])
def propose(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    # Proposals come from the programme's own students (the service checks it again).
    signed_up = programme.enrolments.filter(student=request.user, status="active").exists()
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and signed_up and form.is_valid():
        try:
            services.propose_activity(
                student=request.user, programme=programme, values=form.cleaned_data
            )
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("activities:programme", code=programme.code)
        messages.success(
            request,
            _("Your proposal is sent to the certificate administrators of %(programme)s.")
            % {"programme": programme.name},
        )
        return redirect("activities:my_proposals")
    return render(
        request,
        "activities/propose.html",
        {"programme": programme, "form": form, "signed_up": signed_up},
    )


@require_safe
def my_proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "activities/my_proposals.html", {"proposals": proposals_of(request)})
