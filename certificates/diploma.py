"""Diplomas: what one says, the PDF (WeasyPrint), and the verification address (segno QR).

The PDF is made once, when the diploma is issued, from a snapshot of the facts; the stored
bytes are what every later download returns. WeasyPrint is given everything it needs inline
(the stylesheet, the logo and the QR code as data) and a URL fetcher that reads only data:
URIs, so nothing a user typed can make the server fetch an address.

The PDF is tagged PDF/UA-1: a structure tree for screen readers, the document's language and
title, and each language's page marked with its own language.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import threading
import uuid
from typing import Any

import pydyf
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from PIL import ImageFile
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from activities.models import ProgrammePage
from certificates import credential, seal, status_list
from certificates.models import Diploma
from cil.markdown import render_markdown
from cil.models import User
from portfolio.models import Enrolment, Entry

# Importing WeasyPrint tells Pillow to accept truncated images everywhere in the process. The
# diploma embeds only our own SVGs, so put Pillow back to refusing them (uploads rely on it).
ImageFile.LOAD_TRUNCATED_IMAGES = False

DEFAULT_EMPLOYER_STATEMENT = {
    "en": "The holder has taken part in international activities at home and abroad, reflected "
    "on them in a portfolio and a final report approved by academic staff, and presented the "
    "experience to fellow students. The certificate documents international and intercultural "
    "competence relevant to working life.",
    "nb": "Innehaveren har deltatt i internasjonale aktiviteter hjemme og i utlandet, reflektert "
    "over dem i en portefølje og en avsluttende refleksjonsrapport godkjent av fagpersoner, og "
    "presentert erfaringene for medstudenter. Sertifikatet dokumenterer internasjonal og "
    "interkulturell kompetanse som er relevant for arbeidslivet.",
}


def inline_only_fetcher() -> URLFetcher:
    """A fetcher for WeasyPrint that reads data: URIs (our own inlined logo and QR code) and
    refuses every other scheme: no http(s), no file, whatever a text might contain."""
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def verification_url(code: str) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("certificates:verify", args=[code])


def snapshot(enrolment: Enrolment) -> dict[str, Any]:
    """What the diploma says, fixed at issue time."""
    programme = enrolment.programme
    page = ProgrammePage.objects.filter(programme=programme).first()
    entries = (
        Entry.objects.filter(enrolment=enrolment, status=Entry.Status.APPROVED)
        .select_related("activity")
        .order_by("started_on", "pk")
    )
    return {
        "holder": enrolment.student.full_name,
        "institution": settings.CIL_INSTITUTION_NAME,
        "programme": {"en": programme.name_en, "nb": programme.name_nb or programme.name_en},
        "completed_on": timezone.localdate().isoformat(),
        "activities": [
            {
                "title": {
                    "en": e.activity.title_en,
                    "nb": e.activity.title_nb or e.activity.title_en,
                },
                "location": e.activity.location,
                "from": e.started_on.isoformat(),
                "to": e.ended_on.isoformat() if e.ended_on else None,
                "place": {lang: _place(e, lang) for lang in ("en", "nb")},
            }
            for e in entries
        ],
        "employer_statement": {
            lang: (getattr(page, f"employer_statement_{lang}", "") if page else "")
            or DEFAULT_EMPLOYER_STATEMENT[lang]
            for lang in ("en", "nb")
        },
        "signatories": list(settings.CIL_DIPLOMA_SIGNATORIES),
    }


def _place(entry: Entry, language: str) -> str:
    """Host, city and country, the country named in ``language``."""
    with translation.override(language):
        return ", ".join(p for p in (entry.host, entry.city, str(entry.country.name)) if p)


def _data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"Static file {path!r} not found for the diploma.")
    with open(found, "rb") as handle:
        return handle.read()


def render_pdf(*, content: dict[str, Any], number: str, code: str, language: str) -> bytes:
    """The diploma as PDF bytes: one page per language."""
    html = render_html(content=content, number=number, code=code, language=language)
    fetcher = inline_only_fetcher()
    pdf: bytes = HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(
        stylesheets=[_stylesheet()],
        pdf_variant="pdf/ua-1",
        finisher=_mark_page_languages,
        font_config=_font_config(),
    )
    return pdf


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """The fonts, loaded once per thread and kept: Fontconfig's configuration and Pango's font
    map with every face and size the diploma has used.

    Without it WeasyPrint makes a new configuration for each document (reading Fontconfig's
    configuration and font list again) and, in the new font map, opens each face again for
    each size and language the diploma uses: about 40 of them, each costing over a
    millisecond the first time and nothing after. The diploma loads no web fonts
    (no ``@font-face``), so the configuration never changes. Per thread, because a Pango font
    map must not be used by two threads at once."""
    config: FontConfiguration | None = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def _mark_page_languages(document: Document, pdf: pydyf.PDF) -> None:
    """Give each language's section in the structure tree its own /Lang.

    WeasyPrint tags the whole document with the root element's language only; a screen reader
    would then read the bokmål page of a bilingual diploma with an English voice. Each section
    starts with an anchor ``diploma-<lang>``; a page without one continues the page before."""
    language = None
    page_language = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("diploma-"):
                language = anchor.removeprefix("diploma-")
        page_language[pdf.page_references[number]] = language
    sections = (
        obj
        for obj in pdf.objects
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem" and obj.get("S") == "/Sect"
    )
    for section in sections:
        if lang := page_language.get(section.get("Pg")):
            section["Lang"] = pydyf.String(lang)


def render_html(*, content: dict[str, Any], number: str, code: str, language: str) -> str:
    """The diploma's HTML, one ``<section class="diploma">`` per language, images inline."""
    url = verification_url(code)
    images = {
        "logo": _logo(),
        # A PNG of one pixel per module, scaled up by the stylesheet and drawn without
        # smoothing (``image-rendering: pixelated``: /Interpolate false): as sharp as SVG,
        # far quicker for WeasyPrint than a path of hundreds of squares, and a 41-pixel
        # image is decoded and re-encoded by WeasyPrint in a fraction of the time of an
        # image of 8 pixels per module.
        "qr": segno.make(url, error="m").png_data_uri(scale=1, border=2),
    }
    pages = []
    languages = ("en", "nb") if language == Diploma.Language.BOTH else (language,)
    for lang in languages:
        with translation.override(lang):
            statement = render_markdown(content["employer_statement"][lang])
            pages.append(
                render_to_string(
                    "certificates/diploma/page.html",
                    {
                        "c": content,
                        "lang": lang,
                        "number": number,
                        "url": url,
                        "statement": statement,
                        **images,
                    },
                )
            )
    # The document's language and title are the first page's: what a reader opens it on.
    with translation.override(languages[0]):
        return render_to_string(
            "certificates/diploma/diploma.html",
            {"pages": pages, "number": number, "holder": content["holder"], "lang": languages[0]},
        )


@functools.cache
def _logo() -> str:
    """The institution's logo as a data URI, read once per process."""
    return _data_uri(_static_bytes(settings.CIL_INSTITUTION_LOGO), "image/svg+xml")


@functools.cache
def _stylesheet() -> CSS:
    """The diploma's stylesheet, parsed once per process (it changes only with a release)."""
    return CSS(string=_static_bytes("css/diploma.css").decode(), url_fetcher=inline_only_fetcher())


def create(*, enrolment: Enrolment, by: User, language: str) -> tuple[Diploma, list[str]]:
    """Render and store a new diploma and its signed credential; returns the diploma and the
    stored files' names (to delete if the transaction that records it fails). Call inside that
    transaction."""
    content = snapshot(enrolment)
    diploma = Diploma.objects.create(
        enrolment=enrolment,
        language=language,
        content=content,
        issued_at=timezone.now(),
        issued_by=by,
        number=f"pending-{uuid.uuid4().hex}",  # unique until the real number below
    )
    # Numbers run per institution and never repeat: the row's id makes them unique.
    diploma.number = f"{settings.CIL_DIPLOMA_NUMBER_PREFIX}-{diploma.issued_at:%Y}-{diploma.pk:06d}"
    pdf = render_pdf(content=content, number=diploma.number, code=diploma.code, language=language)
    # The institution's seal, when one is configured; the stored file is the signed one.
    pdf = seal.sign_pdf(pdf)
    diploma.signature = seal.signature_level()
    name = default_storage.save(
        f"diplomas/{enrolment.programme.code}/{diploma.code}.pdf", ContentFile(pdf)
    )
    diploma.pdf = name
    diploma.sha256 = hashlib.sha256(pdf).hexdigest()
    diploma.save(update_fields=["number", "pdf", "sha256", "signature"])
    # The credential names the diploma's place in the status list. Late, so that the list's
    # row lock is held only from here to the commit.
    status_list.allocate(diploma)
    try:
        credential_name = credential.issue(diploma)
    except BaseException:
        default_storage.delete(name)
        raise
    return diploma, [name, credential_name]
