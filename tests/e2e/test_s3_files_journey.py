"""A student uploads a photo from a phone and sees it, with the portal's files in an S3 bucket
(moto's server on 127.0.0.1): the page, the thumbnail and the photo all come through the portal,
and the bucket holds what the student sees. In English and in bokmål."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import FilePayload, expect

from portfolio.models import Evidence
from tests.conftest import Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import EnrolmentFactory, EntryFactory, tiny_jpeg
from tests.support.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"file": "File", "photo": "Photo", "caption": "Caption (optional)", "upload": "Upload"},
    "nb": {
        "file": "Fil",
        "photo": "Bilde",
        "caption": "Bildetekst (valgfritt)",
        "upload": "Last opp",
    },
}


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_photo_uploaded_on_a_phone_is_shown_from_the_bucket(
    phone: Visit, personas: Personas, s3_storage: S3Store, language: str
) -> None:
    t = TEXT[language]
    prefer_language(phone, language)
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    entry = EntryFactory(enrolment=enrolment)
    page = phone.page
    sign_in_as(phone, personas.student_a)

    phone.goto(reverse("portfolio:entry", args=[entry.pk]))
    page.get_by_label(t["file"]).set_input_files(
        files=[
            FilePayload(name="IMG_0042.jpg", mimeType="image/jpeg", buffer=tiny_jpeg((900, 600)))
        ]
    )
    page.get_by_label(t["photo"], exact=True).check()
    page.get_by_label(t["caption"]).fill("Our table")
    page.get_by_role("button", name=t["upload"]).click()
    phone.check()

    thumbnail = page.get_by_role("img", name="Our table")
    expect(thumbnail).to_be_visible()
    # Drawn from the bytes the portal streamed from the bucket: a broken image has no width.
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 480

    photo = Evidence.objects.get()
    assert s3_storage.object_keys() == sorted(filter(None, [photo.file.name, photo.thumbnail.name]))
    shown = page.request.get(phone.base_url + reverse("portfolio:evidence_file", args=[photo.pk]))
    assert shown.status == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.body() == s3_storage.read(photo.file.name)
