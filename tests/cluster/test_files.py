"""A file uploaded through one app server is there for the other: both keep their files in one
private S3 bucket, which nobody reads without the portal's keys."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from portfolio.models import Evidence
from tests.cil.test_s3_storage import large_pdf
from tests.cluster.conftest import INSTANCE, Bucket
from tests.factories import PASSWORD, EnrolmentFactory, EntryFactory, UserFactory

pytestmark = pytest.mark.cluster


def test_evidence_uploaded_on_one_server_downloads_from_the_other(
    page: Page, cluster_url: str, bucket: Bucket, cluster_media_root: Path
) -> None:
    student = UserFactory(email=f"student-{uuid.uuid4().hex[:8]}@uni.example")
    entry = EntryFactory(enrolment=EnrolmentFactory(student=student))
    page.set_default_timeout(20_000)

    page.goto(f"{cluster_url}/accounts/login/")
    page.locator("input[name=login]").fill(student.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In", exact=True).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))

    page.goto(f"{cluster_url}/portfolio/entries/{entry.pk}/")
    # Large enough to pass through nginx's temporary file and to come back through the app
    # server's spool file on disk; below the 5 MB from which the portal uploads in parts. (The
    # local S3 server, moto 5.2, stores an object completed from a multipart upload without
    # any ACL and then serves it to anyone, where S3 keeps it private, so the anonymous GET
    # below would say nothing about the portal. The multipart upload has its own test in
    # tests/cil/test_s3_storage.py.)
    content = large_pdf(4)
    page.get_by_label("File").set_input_files(
        files=[FilePayload(name="programme.pdf", mimeType="application/pdf", buffer=content)]
    )
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Upload").click()
    uploaded_on = posted.value.headers[INSTANCE]
    expect(page.locator("#evidence")).to_contain_text("programme.pdf")
    evidence = Evidence.objects.get(entry=entry)

    # The upload is an object in the bucket, byte for byte, and not on any server's disk.
    key = evidence.file.name
    assert key in bucket.object_keys()
    assert bucket.read(key) == content
    assert not [p for p in cluster_media_root.rglob("*") if p.is_file()]
    # The bucket is private: its plain address answers no one without the portal's keys.
    assert bucket.anonymous_get(key) == 403

    # nginx takes the app servers in turn: a few downloads reach both.
    served_by = set()
    for _ in range(4):
        response = page.request.get(f"{cluster_url}/portfolio/evidence/{evidence.pk}/")
        assert response.status == 200
        assert response.body() == content
        served_by.add(response.headers[INSTANCE])
    assert served_by == {"web1", "web2"}, served_by
    assert uploaded_on in served_by

    # Static files come from nginx itself (STATIC_ROOT), with a long cache life.
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet and stylesheet.startswith("/static/")
    response = page.request.get(cluster_url + stylesheet)
    assert response.status == 200
    assert INSTANCE not in response.headers
    assert "immutable" in response.headers["cache-control"]
