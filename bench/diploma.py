"""Time the diploma against the least WeasyPrint can do (``python -m bench.diploma``).

Renders one certified student's diploma exactly as issuing does (``render_pdf``, default
language: both), and a minimal one-page document through the same WeasyPrint, alternately, in
this one process; prints the times in milliseconds as JSON. The first render of each is a
warm-up (fonts load once per process) and is not counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolment", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    django.setup()
    from weasyprint import HTML

    from certificates import diploma
    from certificates.models import Diploma
    from portfolio.models import Enrolment

    enrolment = Enrolment.objects.get(pk=args.enrolment)
    content = diploma.snapshot(enrolment)
    fetcher = diploma.inline_only_fetcher()

    def render_diploma() -> bytes:
        return diploma.render_pdf(
            content=content, number="BENCH-1", code="b" * 43, language=Diploma.Language.BOTH
        )

    def render_minimal() -> bytes:
        html = "<!doctype html><html lang=en><title>Minimal</title><p>A minimal document.</p>"
        return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()

    times: dict[str, list[float]] = {"diploma": [], "minimal": []}
    for i in range(args.repeat + 1):
        for name, render in (("diploma", render_diploma), ("minimal", render_minimal)):
            started = time.perf_counter()
            pdf = render()
            took = (time.perf_counter() - started) * 1000
            if not pdf.startswith(b"%PDF-"):
                raise SystemExit(f"bench.diploma: {name} did not render a PDF")
            if i:
                times[name].append(took)
    json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()
