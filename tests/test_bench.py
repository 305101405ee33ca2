"""The benchmark's own parts (`make bench` runs them for real; here, that they measure right)."""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from bench import run
from bench.middleware import HEADER
from tests.conftest import Personas
from tests.factories import EnrolmentFactory
from tests.support.clients import client_for

BENCH = override_settings(
    ROOT_URLCONF="bench.urls",
    MIDDLEWARE=["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE],
)


@pytest.mark.django_db
@BENCH
def test_the_floor_is_a_signed_in_page_with_one_query_of_its_own(personas: Personas) -> None:
    enrolment = EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    client = client_for(personas.student_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert f"{enrolment.pk} enrolled" in response.content.decode()
    # The header counts every query of the request, the middleware's included.
    assert int(response[HEADER]) == len(queries)
    own = [q for q in queries.captured_queries if "portfolio_enrolment" in q["sql"]]
    assert len(own) == 1
    # Like every page that is not public, it sends visitors to sign in.
    assert Client().get("/bench/floor/").status_code == 302


@BENCH
@pytest.mark.django_db
def test_the_query_count_header_is_on_the_portal_pages_too(personas: Personas) -> None:
    response = client_for(personas.admin_p).get("/manage/nursing/review/")
    assert response.status_code == 200
    assert int(response[HEADER]) >= 4  # session, user, roles, programme, entries


def test_the_upload_is_a_real_pdf_of_the_size_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    run.write_big_pdf(path, 3)
    assert path.stat().st_size > 3 * 1024 * 1024
    with path.open("rb") as f:
        assert len(PdfReader(f, strict=True).pages) == 1


def _results(**changes: Any) -> dict:
    page = {"median_ratio": 2.0, "p95_ratio": 3.0, "queries": 9}
    upload = {"growth_mb": 5.0}
    results: dict[str, Any] = {
        "sizes": [2000, 20000, 200000],
        "pages": {"floor": dict(page), "student home": dict(page)},
        "queries": {size: {"floor": 4, "student home": 9} for size in ("2000", "20000", "200000")},
        "diploma": {"signed_ratio": 1.8, "issue_ratio": 1.2},
        "upload": {"local folder": dict(upload), "S3 bucket": dict(upload)},
        "load": {
            "floor": {"errors": 0, "rps": 400.0},
            "student home": {"errors": 0, "rps": 200.0},
        },
        "ceremony": {"students": 200, "seconds": 40.0, "problems": []},
        "minutes": 12.0,
    }
    for key, value in changes.items():
        if key in page:
            results["pages"]["student home"][key] = value
        elif key == "queries_at_20000":
            results["queries"]["20000"]["student home"] = value
        elif key in ("errors", "rps"):
            results["load"]["student home"][key] = value
        elif key.startswith("upload_"):
            results["upload"][value[0]] = value[1]
        elif key.startswith("ceremony_"):
            results["ceremony"][key.removeprefix("ceremony_")] = value
        elif key == "minutes":
            results["minutes"] = value
        else:
            results[key.split("_", 1)[0]][key.split("_", 1)[1]] = value
    return results


def test_budgets_met_are_not_reported() -> None:
    assert run.check(_results()) == []


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        ({"median_ratio": 3.2}, "student home: median 3.2x the floor"),
        ({"p95_ratio": 4.5}, "student home: p95 4.5x the floor"),
        (
            {"queries_at_20000": 10},
            "student home: 9 queries at 2000, 10 queries at 20000, 9 queries at 200000",
        ),
        (
            {"diploma_signed_ratio": 2.5},
            "diploma: signed with its credential 2.5x its text as paragraphs",
        ),
        ({"diploma_issue_ratio": 1.6}, "diploma: issuing 1.60x rendering it unsigned"),
        (
            {"upload_local": ("local folder", {"growth_mb": 30.0})},
            "upload to the local folder: memory grew 30.0 MB",
        ),
        (
            {"upload_s3": ("S3 bucket", {"growth_mb": 31.5})},
            "upload to the S3 bucket: memory grew 31.5 MB",
        ),
        ({"upload_s3": ("S3 bucket", None)}, "upload to the S3 bucket: not measured"),
        ({"errors": 1}, "load on student home: 1 errors"),
        ({"rps": 150.0}, "load on student home: 0.38x the floor's requests"),
        ({"ceremony_seconds": 61.0}, "ceremony: 200 diplomas took 61 s"),
        (
            {"ceremony_problems": ["3 students got more than one diploma"]},
            "ceremony: 3 students got more than one diploma",
        ),
        ({"minutes": 15.5}, "the benchmark took 15.5 minutes"),
    ],
)
def test_each_budget_missed_is_reported(change: dict, missed: str) -> None:
    assert run.check(_results(**copy.deepcopy(change))) == [missed]


def test_the_budgets_are_those_of_national_scale() -> None:
    assert run.BUDGETS["median_ratio"] == 3.0
    assert run.BUDGETS["p95_ratio"] == 4.0
    assert run.BUDGETS["load_ratio"] == 0.4
    assert run.BUDGETS["diploma_signed_ratio"] == 2.0
    assert run.BUDGETS["ceremony_seconds"] == 60.0
    assert run.DEFAULT_SIZES == (2000, 20000, 200000)


def test_the_diploma_budget_is_the_signed_diploma_with_its_credential_to_its_text() -> None:
    renders = {
        "diploma": [100.0, 120.0, 110.0],
        "signed": [130.0, 120.0, 125.0],
        "signed_credential": [140.0, 150.0, 145.0],
        "issue": [150.0, 160.0, 140.0],
        "minimal": [10.0, 10.0, 10.0],
        "text_only": [50.0, 50.0, 50.0],
    }
    d = run.diploma_results(renders)
    assert d["signed_ratio"] == 145.0 / 50.0
    assert d["issue_ratio"] == 150.0 / 110.0
    assert d["renders"] == 3


@pytest.mark.parametrize(
    ("text", "sizes"),
    [("2000,20000", [2000, 20000]), ("200000, 2000", [2000, 200000]), ("300", [300])],
)
def test_sizes_are_read_smallest_first(text: str, sizes: list[int]) -> None:
    assert run.parse_sizes(text) == sizes


@pytest.mark.parametrize("text", ["", "2000,many", "0,2000", ","])
def test_sizes_that_make_no_sense_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        run.parse_sizes(text)


def test_the_csrf_token_and_cookie_are_found_among_several_cookies() -> None:
    headers = {"set-cookie": "sessionid=abc; HttpOnly\ncsrftoken=xyz; Path=/; SameSite=Lax"}
    body = b'<input type="hidden" name="csrfmiddlewaretoken" value="tok123">'
    assert run.csrf_of(headers, body) == ("tok123", "xyz")


def test_a_form_without_csrf_says_what_was_missing() -> None:
    with pytest.raises(SystemExit, match="missing the form's CSRF token and the csrftoken cookie"):
        run.csrf_of({"set-cookie": "sessionid=abc; HttpOnly"}, b"<form></form>")
    with pytest.raises(SystemExit, match=r"missing the csrftoken cookie \(cookies set: none\)"):
        run.csrf_of({}, b'name="csrfmiddlewaretoken" value="t"')


def test_the_multipart_body_is_what_django_reads_as_a_form_with_a_file() -> None:
    boundary, head, tail = run.multipart(
        {"csrfmiddlewaretoken": "tok", "kind": "proof"}, "pdf", "diploma.pdf"
    )
    body = head + b"%PDF-1.4 bytes" + tail
    request = RequestFactory().generic(
        "POST", "/", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert request.POST["csrfmiddlewaretoken"] == "tok"
    assert request.POST["kind"] == "proof"
    upload = request.FILES["pdf"]
    assert isinstance(upload, UploadedFile)
    assert upload.name == "diploma.pdf"
    assert upload.read() == b"%PDF-1.4 bytes"


def test_p95_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert run.percentile(values, 95) == 95.0
    assert run.percentile([7.0], 95) == 7.0


def test_every_cookie_a_page_sets_reaches_the_benchmark() -> None:
    """A page that renews the session (once a minute) sets two cookies; the upload needs the
    CSRF one, which the last Set-Cookie header alone used to hide."""
    import http.server
    import threading

    class TwoCookies(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
            self.send_header("Set-Cookie", "sessionid=xyz; Path=/; HttpOnly")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), TwoCookies)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, headers, body = run.Http(server.server_address[1]).get("/")
    finally:
        server.shutdown()
        server.server_close()
    assert (status, body) == (200, b"ok")
    assert "csrftoken=abc" in headers["set-cookie"]
    assert "sessionid=xyz" in headers["set-cookie"]


def test_a_page_s_load_runs_count_as_one() -> None:
    """Each page is loaded in more than one run; its throughput is that of all its runs
    together, its errors all of theirs, its p99 the worst."""

    def run_of(requests: int, p50: float, p99: float, timeouts: int) -> dict[str, Any]:
        kinds = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": timeouts}
        return {
            "requests": requests,
            "seconds": 60.0,
            "rps": requests / 60.0,
            "errors": timeouts,
            "error_kinds": kinds,
            "p50_ms": p50,
            "p99_ms": p99,
        }

    load = run.combine_load([run_of(9000, 200.0, 900.0, 0), run_of(12000, 150.0, 400.0, 2)])
    assert load["requests"] == 21000
    assert load["rps"] == pytest.approx(175.0)
    assert load["errors"] == 2 and load["error_kinds"]["timeout"] == 2
    assert (load["p50_ms"], load["p99_ms"]) == (175.0, 900.0)
    assert [r["rps"] for r in load["runs"]] == [150.0, 200.0]
