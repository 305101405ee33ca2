from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portfolio.models import Enrolment


def floor(request: HttpRequest) -> HttpResponse:
    """The least a signed-in page can do: one indexed query and a small template.

    It runs behind the same middleware as every page (session, user, access policy), so a key
    page's ratio to it is the cost of the page's own work.
    """
    enrolment = Enrolment.objects.filter(student_id=request.user.pk).values("pk", "stage").first()
    return render(request, "bench/floor.html", {"enrolment": enrolment})
