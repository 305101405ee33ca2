"""Students propose activities they found themselves and follow the decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities import services
from activities.forms import ProposalForm
from activities.lookups import get_programme, proposals_of


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.propose_activity(
            student=request.user, programme=programme, values=form.cleaned_data
        )
        messages.success(
            request,
            _("Your proposal is sent to the certificate administrators of %(programme)s.")
            % {"programme": programme.name},
        )
        return redirect("activities:my_proposals")
    return render(request, "activities/propose.html", {"programme": programme, "form": form})


@require_GET
def my_proposals(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/my_proposals.html", {"proposals": proposals_of(request)})
