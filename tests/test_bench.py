"""The benchmark's own parts (`make bench` runs them for real; here, that they measure right)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
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


def _results(**changes: float) -> dict:
    page = {"median_ratio": 2.0, "p95_ratio": 3.0, "queries": 9}
    results: dict[str, Any] = {
        "sizes": [2000, 20000],
        "pages": {"floor": dict(page), "student home": dict(page)},
        "queries_small": {"floor": 9, "student home": 9},
        "diploma": {"signed_ratio": 2.0, "issue_ratio": 1.2},
        "upload": {"growth_mb": 5.0},
        "load": {"floor": {"errors": 0}, "student home": {"errors": 0}},
    }
    for key, value in changes.items():
        if key in page:
            results["pages"]["student home"][key] = value
        elif key == "errors":
            results["load"]["student home"]["errors"] = value
        else:
            results[key.split("_", 1)[0]][key.split("_", 1)[1]] = value
    return results


def test_budgets_met_are_not_reported() -> None:
    assert run.check(_results()) == []


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        ({"median_ratio": 4.2}, "student home: median 4.2x the floor"),
        ({"p95_ratio": 6.5}, "student home: p95 6.5x the floor"),
        ({"queries": 10}, "student home: 9 queries at 2000 students, 10 at 20000"),
        ({"diploma_signed_ratio": 3.5}, "diploma: signed 3.5x its text as paragraphs"),
        ({"diploma_issue_ratio": 1.6}, "diploma: issuing 1.60x rendering it unsigned"),
        ({"upload_growth_mb": 30.0}, "upload: memory grew 30.0 MB"),
        ({"errors": 1}, "load on student home: 1 errors"),
    ],
)
def test_each_budget_missed_is_reported(change: dict, missed: str) -> None:
    assert run.check(_results(**copy.deepcopy(change))) == [missed]


def test_the_diploma_ratios_are_signed_to_text_and_issuing_to_unsigned() -> None:
    renders = {
        "diploma": [100.0, 120.0, 110.0],
        "signed": [130.0, 120.0, 125.0],
        "issue": [150.0, 160.0, 140.0],
        "minimal": [10.0, 10.0, 10.0],
        "text_only": [50.0, 50.0, 50.0],
    }
    d = run.diploma_results(renders)
    assert d["signed_ratio"] == 125.0 / 50.0
    assert d["issue_ratio"] == 150.0 / 110.0
    assert d["renders"] == 3


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
