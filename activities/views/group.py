"""Local resource groups: who assigns administrators and reviewers is ``may_assign_roles``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from activities import services
from activities.forms import MemberForm
from activities.lookups import get_group_member, get_programme
from activities.models import ProgrammeRole, StudyProgramme
from activities.roles import is_central_staff, may_assign_roles
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest


@require_safe
def groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every programme with the size of its group, for central staff."""
    programmes = (
        StudyProgramme.objects.select_related("faculty").with_group_counts().order_by("name_en")
    )
    return render(request, "activities/groups.html", {"programmes": programmes})


@require_safe
def group(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    members = (
        ProgrammeRole.objects.filter(programme=programme)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    can_manage = may_assign_roles(request.user)
    return render(
        request,
        "activities/group.html",
        {
            "programme": programme,
            "members": members,
            "can_manage": can_manage,
            "from_groups": is_central_staff(request.user),
            "form": MemberForm() if can_manage else None,
        },
    )


@require_POST
def group_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.assign_role(
                programme=programme,
                user=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": member.user.full_name, "role": member.get_role_display()},
            )
        return redirect("activities:group", code=programme.code)
    members = (
        ProgrammeRole.objects.filter(programme=programme)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "activities/group.html",
        {
            "programme": programme,
            "members": members,
            "can_manage": True,
            "from_groups": is_central_staff(request.user),
            "form": form,
        },
        status=400,
    )


@require_POST
def group_remove(request: AuthenticatedHttpRequest, code: str, member: int) -> HttpResponse:
    programme = get_programme(code)
    instance = get_group_member(programme, member)
    try:
        services.remove_role(member=instance, by=request.user)
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": instance.user.full_name, "role": instance.get_role_display()},
        )
    return redirect("activities:group", code=programme.code)
