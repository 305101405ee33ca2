"""Time the diploma against the least WeasyPrint can do (``python -m bench.diploma``).

Renders, in turn, in this one process:

* one certified student's diploma as issuing renders it (``render_pdf``, default language:
  both, one page each), unsigned;
* the same, sealed (``render_pdf`` then ``seal.sign_pdf``): the signed diploma;
* the signed diploma with its credential (``render_pdf``, ``seal.sign_pdf``, then
  ``credential.build`` and ``credential.sign`` of the student's diploma with a status list
  entry): what issuing computes, without the database and storage around it. Its budget is
  a multiple of the text alone (below);
* issuing it (``certificates.diploma.create``: snapshot, render, seal, status list entry, the
  signed credential, both files stored) inside a transaction that is rolled back, the student's
  valid diploma revoked inside it first, so the database is left as it was; only
  ``create`` is timed, not that revocation nor reading the stored file back and deleting it;
* a minimal one-page document through the same WeasyPrint (the budget's yardstick);
* the diploma's own text with no design at all: each block of it a plain paragraph, one page
  per language, no table, image, QR code or stylesheet. It shows how much of the diploma's
  time is the amount of text, which no layout can avoid. The budget of the signed diploma
  with its credential is a multiple of it.

It needs a seal (``CIL_SEAL_P12_FILE``) and a credential key (``CIL_VC_KEYS_DIR``): bench/run.py
makes a demo seal and a key in its temporary folder.

Prints the times in milliseconds as JSON. The first render of each is a warm-up (fonts load
once per process) and is not counted.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from typing import Any

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolment", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    django.setup()
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone
    from weasyprint import HTML

    from certificates import credential, diploma, seal
    from certificates.models import Diploma
    from cil.models import User
    from cil.vc import keys
    from portfolio.models import Enrolment

    if seal.current_seal() is None:
        raise SystemExit("bench.diploma: no seal configured (CIL_SEAL_P12_FILE)")
    keys.current_private_key()  # fails here, not half way, without a credential key
    enrolment = Enrolment.objects.get(pk=args.enrolment)
    issuer = User.objects.filter(is_active=True).order_by("pk")[0]
    content = diploma.snapshot(enrolment)
    fetcher = diploma.inline_only_fetcher()

    def render_diploma() -> bytes:
        return diploma.render_pdf(
            content=content, number="BENCH-1", code="b" * 43, language=Diploma.Language.BOTH
        )

    def render_signed() -> bytes:
        return seal.sign_pdf(render_diploma())

    # The diploma as issuing makes it (certificates.diploma.create), with a place in the
    # status list; not saved.
    valid = Diploma(
        enrolment=enrolment,
        language=Diploma.Language.BOTH,
        content=content,
        issued_at=timezone.now(),
        issued_by=issuer,
        number="BENCH-1",
        status_list=status_list_row(),
        status_index=0,
    )

    def render_signed_credential() -> bytes:
        pdf = render_signed()
        signed = credential.sign(credential.build(valid))
        if not signed.get("proof"):
            raise SystemExit("bench.diploma: the credential was not signed")
        return pdf

    class RollBack(Exception):
        pass

    issue_took: list[float] = []

    def issue() -> bytes:
        """Timed from diploma.create's call to its return (issue_took): revoking the earlier
        diploma first, reading the stored file back and deleting it are this benchmark's own
        setup, check and cleanup, not issuing."""
        pdf = b""
        try:
            with transaction.atomic():
                Diploma.objects.filter(enrolment=enrolment, revoked_at__isnull=True).update(
                    revoked_at=timezone.now()
                )
                started = time.perf_counter()
                issued, names = diploma.create(
                    enrolment=enrolment, by=issuer, language=Diploma.Language.BOTH
                )
                issue_took.append((time.perf_counter() - started) * 1000)
                with issued.pdf.open("rb") as stored:
                    pdf = stored.read()
                for name in names:
                    default_storage.delete(name)
                raise RollBack
        except RollBack:
            pass
        return pdf

    def render_minimal() -> bytes:
        page = "<!doctype html><html lang=en><title>Minimal</title><p>A minimal document.</p>"
        pdf: bytes = HTML(string=page, url_fetcher=fetcher, base_url=None).write_pdf()
        return pdf

    text_only = _text_only(
        diploma.render_html(
            content=content, number="BENCH-1", code="b" * 43, language=Diploma.Language.BOTH
        )
    )

    def render_text_only() -> bytes:
        pdf: bytes = HTML(string=text_only, url_fetcher=fetcher, base_url=None).write_pdf()
        return pdf

    renders = (
        ("diploma", render_diploma),
        ("signed", render_signed),
        ("signed_credential", render_signed_credential),
        ("issue", issue),
        ("minimal", render_minimal),
        ("text_only", render_text_only),
    )
    times: dict[str, list[float]] = {name: [] for name, _ in renders}
    for i in range(args.repeat + 1):
        for name, render in renders:
            started = time.perf_counter()
            pdf = render()
            took = (time.perf_counter() - started) * 1000
            if name == "issue":
                took = issue_took[-1]
            if not pdf.startswith(b"%PDF-"):
                raise SystemExit(f"bench.diploma: {name} did not render a PDF")
            if name in ("signed", "signed_credential", "issue") and b"/ByteRange" not in pdf:
                raise SystemExit(f"bench.diploma: {name} made a PDF without the seal")
            if i:
                times[name].append(took)
    json.dump(times, sys.stdout)


def status_list_row() -> Any:
    """A revocation list to name in the credential: the first, or a new one."""
    from certificates.models import StatusList

    found = StatusList.objects.order_by("pk").first()
    return found or StatusList.objects.create(purpose=StatusList.Purpose.REVOCATION)


_BLOCK_END = re.compile(r"</(p|h1|h2|h3|li|tr|div|header|footer)>|<br>", re.I)


def _text_only(page_html: str) -> str:
    """The diploma's text, each block a plain paragraph, one page per language."""
    pages = []
    for section in re.findall(r'<section class="diploma".*?</section>', page_html, re.S):
        text = re.sub(r"<[^>]+>", " ", _BLOCK_END.sub("\n", section))
        lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
        pages.append("".join(f"<p>{html.escape(line)}</p>" for line in lines if line))
    body = '<div style="break-before: page"></div>'.join(pages)
    return f"<!doctype html><html lang=en><title>Text</title>{body}"


if __name__ == "__main__":
    main()
