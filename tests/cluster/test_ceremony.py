"""A ceremony's diplomas, worked through by two workers at once: each diploma issued once, its
PDF and credential in the private bucket, downloaded through either app server as stored.

The administrator starts the ceremony in several batches, and by mistake starts the first one
twice (a double click, or two administrators at once), so that both workers hold tasks for the
same students at the same moment.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from activities.models import ProgrammeRole
from certificates import workflow
from certificates.models import Diploma, DiplomaBatch
from tests.cluster.conftest import INSTANCE, Bucket, client_from, sign_in
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    EnrolmentFactory,
    EntryFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.cluster

STUDENTS = 50
BATCH = 10
PLACES = ("home", "home", "abroad")  # what every test programme's rules ask for


def test_fifty_diplomas_through_two_workers_are_each_issued_once(bucket: Bucket) -> None:
    run = uuid.uuid4().hex[:8]
    programme = ProgrammeFactory(code=f"ceremony-{run}")
    admin = ProgrammeRoleFactory(
        programme=programme,
        role=ProgrammeRole.Role.ADMINISTRATOR,
        user=UserFactory(email=f"admin-{run}@uni.example"),
        second_factor=False,  # the cluster runs with CIL_MFA_REQUIRED_FOR_STAFF=false
    ).user
    activities = [ActivityFactory(programme=programme, location=where) for where in PLACES]
    ids = []
    for n in range(STUDENTS):
        enrolment = EnrolmentFactory(
            student=UserFactory(email=f"graduate-{run}-{n}@uni.example"),
            programme=programme,
            stage="report_approved",
        )
        for activity in activities:
            EntryFactory(enrolment=enrolment, activity=activity, status="approved")
        workflow.advance(
            enrolment=enrolment, by=admin, action="record_presentation", form="ceremony"
        )
        ids.append(enrolment.pk)

    path = f"/manage/{programme.code}/diplomas/"
    with client_from("127.0.3.1") as client:
        assert sign_in(client, admin.email, PASSWORD).status_code == 302
        client.get(path).raise_for_status()
        started_on = set()
        groups = [ids[i : i + BATCH] for i in range(0, STUDENTS, BATCH)]
        for group in [groups[0], *groups]:  # the first group twice
            response = client.post(
                path,
                data={
                    "enrolments": [str(pk) for pk in group],
                    "language": "en",
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            assert response.status_code == 302, response.text
            assert "/batches/" in response.headers["location"]
            started_on.add(response.headers[INSTANCE])
    batches = list(DiplomaBatch.objects.filter(programme=programme))
    assert len(batches) == len(groups) + 1

    deadline = time.monotonic() + 600
    while DiplomaBatch.objects.filter(programme=programme).exclude(status="done").exists():
        assert time.monotonic() < deadline, "the workers did not finish the ceremony in time"
        time.sleep(2)

    issued = list(Diploma.objects.filter(enrolment__programme=programme))
    assert len(issued) == STUDENTS
    assert sorted(d.enrolment_id for d in issued) == sorted(ids)
    batches = list(DiplomaBatch.objects.filter(programme=programme))
    assert sum(b.done for b in batches) == STUDENTS
    refused = [f for b in batches for f in b.failed]
    # Only the students of the batch started twice were refused, once each, with a reason
    # from the workflow (never the "unexpected error" of a clash between the workers).
    assert {f["enrolment"] for f in refused} <= set(groups[0])
    assert len(refused) == len({f["enrolment"] for f in refused})
    assert not [f for f in refused if "unexpected" in f["reason"]], refused

    tasks = DBTaskResult.objects.filter(
        task_path="certificates.tasks.issue_batch",
        args_kwargs__kwargs__batch_id__in=[b.pk for b in batches],
    )
    assert tasks.count() == len(batches)
    assert {t.status for t in tasks} == {"SUCCESSFUL"}
    assert all(len(t.worker_ids) == 1 for t in tasks)  # each task ran once
    workers = {t.worker_ids[0] for t in tasks}
    assert len(workers) == 2, workers  # and both workers took part
    assert started_on == {"web1", "web2"}

    # Every diploma's PDF and credential are objects in the bucket, private.
    stored = bucket.object_keys()
    for diploma in issued:
        assert {diploma.pdf.name, diploma.credential.name} <= stored, diploma.number
    first = issued[0]
    assert bucket.anonymous_get(first.pdf.name) == 403
    assert bucket.anonymous_get(first.credential.name) == 403
    # Downloaded through nginx from either app server (consecutive requests alternate), byte
    # for byte as stored.
    with client_from("127.0.3.1") as client:
        assert sign_in(client, admin.email, PASSWORD).status_code == 302
        for path, key in (
            (f"/diplomas/{first.pk}/pdf/", first.pdf.name),
            (f"/diplomas/{first.pk}/credential/", first.credential.name),
        ):
            served_by = set()
            for _ in range(2):
                response = client.get(path)
                assert response.status_code == 200, path
                assert response.content == bucket.read(key), path
                served_by.add(response.headers[INSTANCE])
            assert served_by == {"web1", "web2"}, path
