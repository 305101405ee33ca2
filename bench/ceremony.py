"""A ceremony's diplomas issued in the background (``python -m bench.ceremony --students N``).

bench/run.py starts the task workers first (``manage.py db_worker``, as
deploy/systemd/cil-worker.service runs them); this then does what administrators do on the
"Issue diplomas" page (``certificates.views.diplomas.issue_diplomas``), through the same code:
for programmes in turn, the students ready for a diploma that the programme's administrator
may issue (``workflow.moves_for``), until N are chosen; one ``DiplomaBatch`` per programme,
each enqueued (``tasks.issue_batch``) when its transaction commits. The clock starts before
the first batch is made and stops when every batch is done; then it checks that each chosen
student got exactly one diploma, that no batch failed anyone, and that each batch counted all
of its students.

The scale data's students whose report is approved carry neither the presentation, the
career course nor a confirmed address for after graduation, all of which a diploma waits for.
Before the clock starts, they get them as in the portal: the administrator records the
presentation (``workflow.advance``) and the course (``workflow.record_career_course``), and
the student's address is a verified one chosen for after graduation (the rows
``cil.graduation`` reads). Students whose stage says "presented" without a date stay out.

Prints JSON: how many, seconds, batches, and what went wrong (``problems``, empty if nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from typing import Any

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone

    from activities.models import ProgrammeRole, StudyProgramme
    from certificates import tasks
    from certificates import workflow as certificate_workflow
    from certificates.forms import PRESENTATION_FORMS
    from certificates.models import Diploma, DiplomaBatch
    from cil.graduation import confirmed_graduation_email
    from cil.models import GraduationAddress, User
    from portfolio.models import Enrolment

    def make_ready(enrolment: Enrolment, admin: Any) -> None:
        if enrolment.stage == Enrolment.Stage.REPORT_APPROVED and not enrolment.presented_on:
            certificate_workflow.advance(
                enrolment=enrolment,
                by=admin,
                action=certificate_workflow.StageAction.RECORD_PRESENTATION,
                comment="",
                presented_on=timezone.localdate(),
                form=PRESENTATION_FORM,
            )
        if certificate_workflow.career_course_wanted(enrolment) is None:
            certificate_workflow.record_career_course(
                enrolment=enrolment, by=admin, completed_on=timezone.localdate()
            )
        student = enrolment.student
        if not confirmed_graduation_email(student):
            address = EmailAddress.objects.create(
                user=student, email=f"after-{student.pk}@private.example", verified=True
            )
            GraduationAddress.objects.update_or_create(
                user=student, defaults={"email_address": address}
            )

    PRESENTATION_FORM = PRESENTATION_FORMS[0][0]
    ready_stages = [Enrolment.Stage.REPORT_APPROVED, Enrolment.Stage.PRESENTED]
    programmes = (
        StudyProgramme.objects.filter(code__startswith="scale-")
        .annotate(
            ready=Count(
                "enrolments",
                filter=Q(
                    enrolments__status=Enrolment.Status.ACTIVE,
                    enrolments__stage__in=ready_stages,
                ),
            )
        )
        .filter(ready__gt=0)
        .order_by("code")
    )
    chosen: list[tuple[StudyProgramme, User, list[int]]] = []
    total = 0
    for programme in programmes:
        if total >= args.students:
            break
        admin = (
            ProgrammeRole.objects.filter(programme=programme, role=ProgrammeRole.Role.ADMINISTRATOR)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if admin is None:
            continue
        ready = Enrolment.objects.filter(
            programme=programme, status=Enrolment.Status.ACTIVE, stage__in=ready_stages
        ).select_related("student", "programme")
        for enrolment in ready.order_by("student__full_name")[: args.students - total]:
            make_ready(enrolment, admin.user)
        ids = [
            e.pk
            for e in ready.order_by("student__full_name")
            if certificate_workflow.moves_for(e, admin.user).allows(
                certificate_workflow.StageAction.ISSUE_DIPLOMA
            )
        ][: args.students - total]
        if ids:
            chosen.append((programme, admin.user, ids))
            total += len(ids)
    if total < args.students:
        raise SystemExit(
            f"bench.ceremony: only {total} students are ready for a diploma, not {args.students}"
        )

    started_at = timezone.now()
    started = time.monotonic()
    batches = []
    for programme, issuer, ids in chosen:
        with transaction.atomic():
            batch = DiplomaBatch.objects.create(
                programme=programme, created_by=issuer, language="both", enrolment_ids=ids
            )
            transaction.on_commit(partial(tasks.issue_batch.enqueue, batch_id=batch.pk))
        batches.append(batch.pk)
    deadline = started + args.timeout
    while time.monotonic() < deadline:
        waiting = (
            DiplomaBatch.objects.filter(pk__in=batches)
            .exclude(status=DiplomaBatch.Status.DONE)
            .count()
        )
        if not waiting:
            break
        time.sleep(0.1)
    took = time.monotonic() - started

    problems = []
    ids = [pk for _, _, chosen_ids in chosen for pk in chosen_ids]
    issued = dict(
        Diploma.objects.filter(enrolment_id__in=ids, issued_at__gte=started_at)
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment_id", "n")
    )
    missing = [pk for pk in ids if pk not in issued]
    twice = [pk for pk, n in issued.items() if n != 1]
    if missing:
        problems.append(f"{len(missing)} of {len(ids)} students got no diploma")
    if twice:
        problems.append(f"{len(twice)} students got more than one diploma")
    for batch in DiplomaBatch.objects.filter(pk__in=batches).order_by("pk"):
        if batch.status != DiplomaBatch.Status.DONE:
            problems.append(f"batch {batch.pk} not done after {args.timeout:.0f} s")
        if batch.failed:
            problems.append(f"batch {batch.pk} failed {len(batch.failed)}: {batch.failed[0]}")
        if batch.done != len(batch.enrolment_ids):
            problems.append(
                f"batch {batch.pk} counted {batch.done} of {len(batch.enrolment_ids)} done"
            )
    json.dump(
        {
            "students": len(ids),
            "batches": len(batches),
            "seconds": took,
            "issued": sum(issued.values()),
            "problems": problems,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
