"""The benchmark behind ``make bench``: how fast the portal is at institution and national scale.

Against a PostgreSQL server (``--pg-host``, a socket folder; scripts/bench.sh starts a
throwaway one) it:

1. builds a database per size with ``seed_scale`` (demo/scale.py): by default 2,000, 20,000
   and 200,000 students (``--sizes``);
2. serves each with gunicorn (gunicorn.conf.py, as in production, DEBUG off) under
   bench.settings, which adds only the floor page and a query-count response header;
3. requests every key page and the floor page in turn, over and over, at the largest size,
   and reports median and p95 latency and SQL queries, each page as a ratio to the floor
   measured in the same run; at the other sizes it reads the query counts only, which must be
   the same at every size;
4. puts 50 concurrent connections for 60 s on the student home, the review queue and the
   floor with wrk, at the largest size, in two rounds (floor, home, queue, then again): each
   page's throughput is that of its two minutes together;
5. uploads a 100 MB PDF and watches the server's memory, once to the local folder and once to
   the local S3 server that scripts/bench.sh starts (``BENCH_S3_STORAGE_URL``);
6. renders a diploma (unsigned, sealed, sealed with its credential), issues one in a
   rolled-back transaction, and renders a minimal WeasyPrint document and the diploma's text
   alone, in turn (bench/diploma.py), with a demo seal and a credential key made for the run;
7. starts two task workers (``manage.py db_worker``, as deploy/systemd/cil-worker.service
   does) and times a ceremony of 200 diplomas issued in the background (bench/ceremony.py);

then writes bench/results.json, prints a table and exits 1 if any budget is missed.
Only the standard library is used here: the portal's code runs in the server, the workers
and the ``bench.prepare``, ``bench.diploma`` and ``bench.ceremony`` subprocesses.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess  # nosec B404 - the benchmark starts local tools
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))

BUDGETS = {
    # At the largest size: every key page at most 3x the floor at the median, 4x at p95.
    "median_ratio": 3.0,
    "p95_ratio": 4.0,
    # Under load, each of LOAD_PAGES serves at least this share of the floor's throughput.
    "load_ratio": 0.4,
    "load_errors": 0,  # errors under load
    # The signed diploma with its credential (rendering + seal + credential signing) at most
    # 2x the diploma's own text as plain paragraphs.
    "diploma_signed_ratio": 2.0,
    # Issuing (render, seal, status list entry, signed credential, storing) at most 1.5x
    # rendering the diploma unsigned: what issuing adds to the rendering stays small.
    "diploma_issue_ratio": 1.5,
    "upload_growth_mb": 30.0,  # server memory growth while a 100 MB file is uploaded
    "ceremony_seconds": 60.0,  # a ceremony's diplomas issued in the background
    "bench_minutes": 15.0,  # the whole run, databases included
}
DEFAULT_SIZES = (2000, 20000, 200000)
LOAD_PAGES = ("student home", "review queue")
# More programmes at national scale, so that a programme stays the size of one.
PROGRAMMES = {200000: 400}
CEREMONY_STUDENTS = 200
# At the smaller sizes, rounds after the warm-up whose query counts are read.
QUERY_ROUNDS = 8
WARM_UP_MB = 12  # the upload before the measured one
TASK_WORKERS = 2


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_sizes(text: str) -> list[int]:
    """``--sizes 2000,20000``: the student counts, smallest first, each once."""
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes are numbers separated by commas: {text!r}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"at least one size, each above 0: {text!r}")
    return sizes


# --- The databases ------------------------------------------------------------------------------


class Postgres:
    def __init__(self, host: str) -> None:
        self.host = host

    def url(self, name: str) -> str:
        return f"postgres://postgres@/{name}?host={self.host}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        subprocess.run(  # nosec B603 B607 - the benchmark runs its own tools with arguments it builds; tools found on PATH, as a developer runs them
            ["psql", "-q", "-h", self.host, "-U", "postgres", "-d", database, "-c", statement],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def version(self) -> str:
        out = subprocess.run(  # nosec B603 B607 - the benchmark runs its own tools with arguments it builds; tools found on PATH, as a developer runs them
            [
                "psql",
                "-tA",
                "-h",
                self.host,
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                "show server_version",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()


def base_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-" + uuid.uuid4().hex,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_HSTS_PRELOAD="false",
        DATABASE_CONN_MAX_AGE="60",
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        # The benchmark asks the verification page (and the share page, under the same
        # limit), the PDF check and the organiser's page far more often than their rate limits
        # allow one visitor, and uploads a file bigger than a student may.
        CIL_VERIFY_RATE_PER_MINUTE="1000000",
        CIL_VERIFY_CHECK_RATE_PER_MINUTE="1000000",
        CIL_ORGANISER_RATE_PER_MINUTE="1000000",
        CIL_UPLOAD_MAX_MB="200",
        CIL_STUDENT_QUOTA_MB="1000",
        # The benchmark signs staff in by session, without a second factor; the pages, not
        # the sign-in, are measured.
        CIL_MFA_REQUIRED_FOR_STAFF="false",
        LOG_LEVEL="WARNING",
        # Mail (a diploma's notice, an organiser's request) is kept in memory: no mail server
        # on loopback, and its time is the relay's.
        EMAIL_URL="memorymail://",
        # Diplomas sealed with a demo seal (PAdES B-B: no timestamp authority, whose answer
        # time is the network's) and credentials signed with a key, both made for the run
        # (prepare_signing); the key also signs the status list and is in the DID document.
        CIL_SEAL_P12_FILE=str(work / "seal" / "seal.p12"),
        CIL_SEAL_P12_PASSWORD_FILE=str(work / "seal" / "seal.password"),
        CIL_SEAL_TSA_URL="",
        CIL_VC_KEYS_DIR=str(work / "keys"),
    )
    return env


def prepare_signing(env: dict[str, str]) -> None:
    """The demo seal and the credential key that base_env names, in the run's own folder."""
    manage(env, "create_demo_seal", str(Path(env["CIL_SEAL_P12_FILE"]).parent))
    manage(env, "vc_create_key", "--if-missing")


def python(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # nosec B603 - the benchmark runs its own tools with arguments it builds
        [PY, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench: python {' '.join(args)} failed ({done.returncode}):\n{tail}")
    return done.stdout


def manage(env: dict[str, str], *args: str, debug: bool = False) -> str:
    run_env = dict(env, DJANGO_DEBUG="true" if debug else "false")
    out = subprocess.run(  # nosec B603 - the benchmark runs its own tools with arguments it builds
        [PY, "manage.py", *args], cwd=ROOT, env=run_env, check=True, capture_output=True, text=True
    )
    return out.stdout


def build_databases(
    pg: Postgres, env: dict[str, str], sizes: list[int], reuse: bool = False
) -> dict[int, str]:
    if reuse:  # while working on a page: the databases of the previous run, as they are
        return {size: pg.url(f"bench_{size}") for size in sizes}
    log("migrating a template database")
    pg.sql("DROP DATABASE IF EXISTS bench_template")
    pg.sql("CREATE DATABASE bench_template")
    manage(dict(env, DATABASE_URL=pg.url("bench_template")), "migrate", "--noinput", "-v", "0")
    manage(dict(env, DATABASE_URL=pg.url("bench_template")), "createcachetable")
    urls = {}
    for size in sizes:
        name = f"bench_{size}"
        pg.sql(f"DROP DATABASE IF EXISTS {name}")
        pg.sql(f"CREATE DATABASE {name} TEMPLATE bench_template")
        urls[size] = pg.url(name)
        started = time.monotonic()
        seed = ["seed_scale", "--students", str(size)]
        if size in PROGRAMMES:
            seed += ["--programmes", str(PROGRAMMES[size])]
        out = manage(dict(env, DATABASE_URL=urls[size]), *seed, debug=True)
        log(f"{' '.join(seed)}: {out.strip()} ({time.monotonic() - started:.1f} s)")
        # As autovacuum would after a bulk load: fresh statistics for the planner, and the
        # visibility map that index-only scans need.
        started = time.monotonic()
        pg.sql("VACUUM ANALYZE", database=name)
        log(f"VACUUM ANALYZE bench_{size}: {time.monotonic() - started:.1f} s")
    return urls


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """gunicorn serving the portal, configured by gunicorn.conf.py as in production."""

    def __init__(self, env: dict[str, str], database_url: str, workers: int | None = None) -> None:
        self.port = free_port()
        self.env = dict(env, DATABASE_URL=database_url, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        if workers:
            self.env["GUNICORN_WORKERS"] = str(workers)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # nosec B603 - the benchmark runs its own tools with arguments it builds
            [GUNICORN, "-c", "gunicorn.conf.py", "cil.wsgi:application"],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = Http(self.port).get("/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit("bench: gunicorn exited before it answered")
            time.sleep(0.2)
        raise SystemExit("bench: gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc: object) -> None:
        assert self.process  # nosec B101 - a benchmark sanity check, not a guard
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def threads(self) -> int:
        """Threads per worker, as gunicorn.conf.py makes them from the server's environment."""
        read = "import runpy; print(runpy.run_path('gunicorn.conf.py')['threads'])"
        out = subprocess.run(  # nosec B603 - the benchmark runs its own tools with arguments it builds
            [PY, "-c", read], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return int(out.stdout)

    def workers(self) -> list[int]:
        assert self.process  # nosec B101 - a benchmark sanity check, not a guard
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


class Http:
    """One keep-alive connection, as a browser has. Headers come back lower-cased; several
    Set-Cookie headers are joined by newlines (the session's and the CSRF cookie can come
    together)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, cookie)

    def request(
        self,
        method: str,
        path: str,
        cookie: str = "",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Accept-Language": "en", **(headers or {})}
        if cookie:
            sent["Cookie"] = cookie
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        data = response.read()
        got: dict[str, str] = {}
        for key, value in response.getheaders():
            key = key.lower()
            got[key] = f"{got[key]}\n{value}" if key in got else value
        return response.status, got, data


def csrf_of(headers: dict[str, str], body: bytes) -> tuple[str, str]:
    """The form's CSRF token and the CSRF cookie a GET of it set; SystemExit saying which is
    missing."""
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cookie = re.search(r"csrftoken=([^;\s]+)", headers.get("set-cookie", ""))
    missing = [
        what
        for what, found in (("the form's CSRF token", token), ("the csrftoken cookie", cookie))
        if not found
    ]
    if missing:
        cookies = [c.split("=", 1)[0] for c in headers.get("set-cookie", "").splitlines()]
        raise SystemExit(
            f"missing {' and '.join(missing)} (cookies set: {', '.join(cookies) or 'none'})"
        )
    assert token and cookie  # nosec B101 - for the type checker: both were found above
    return token.group(1).decode(), cookie.group(1)


def multipart(fields: dict[str, str], file_field: str, filename: str) -> tuple[str, bytes, bytes]:
    """The boundary, and the multipart body before and after the file's bytes."""
    boundary = "bench" + uuid.uuid4().hex
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    return boundary, head.encode(), f"\r\n--{boundary}--\r\n".encode()


def timed_get(browser: Http, target: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    status, headers, _ = browser.get(target["path"], target["cookie"])
    took = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"bench: {target['path']} answered {status}, not 200")
    return took, int(headers["x-bench-queries"])


class PdfCheck:
    """The verification page's check of a diploma PDF, as a visitor's browser sends it: the
    form is loaded once (the CSRF cookie and token), then each file is POSTed as multipart
    form data. Only the POST is timed; the answer must say the file is genuine."""

    def __init__(self, browser: Http) -> None:
        self.browser = browser
        self.csrf: dict[str, tuple[str, str]] = {}
        self.files: dict[str, bytes] = {}

    def __call__(self, target: dict[str, str]) -> tuple[float, int]:
        path = target["path"]
        if path not in self.csrf:
            status, headers, body = self.browser.get(path, target["cookie"])
            if status != 200:
                raise SystemExit(f"bench: the form of {path} answered {status}, not 200")
            try:
                self.csrf[path] = csrf_of(headers, body)
            except SystemExit as missing:
                raise SystemExit(f"bench: the form of {path}: {missing}") from None
        token, csrf_cookie = self.csrf[path]
        if target["file"] not in self.files:
            self.files[target["file"]] = Path(target["file"]).read_bytes()
        boundary, head, tail = multipart({"csrfmiddlewaretoken": token}, "pdf", "diploma.pdf")
        body = head + self.files[target["file"]] + tail
        cookie = "; ".join(c for c in (target["cookie"], f"csrftoken={csrf_cookie}") if c)
        started = time.perf_counter()
        status, headers, page = self.browser.request(
            "POST",
            path,
            cookie,
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        took = (time.perf_counter() - started) * 1000
        if status != 200 or b"Genuine and valid." not in page:
            raise SystemExit(f"bench: checking {target['file']} answered {status}, not genuine")
        return took, int(headers["x-bench-queries"])


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def measure_pages(port: int, targets: dict[str, Any], rounds: int, warmup: int) -> dict[str, Any]:
    """Every page and the floor in turn, each round a different student or programme."""
    browser = Http(port)
    pdf_check = PdfCheck(browser)
    names = ["floor", *targets["pages"]]
    lists = {"floor": targets["floor"], **targets["pages"]}
    times: dict[str, list[float]] = {n: [] for n in names}
    queries: dict[str, set[int]] = {n: set() for n in names}
    cold: dict[str, float] = {}
    counted: dict[str, set[int]] = {n: set() for n in names}
    for i in range(warmup + rounds):
        for name in names:
            variants = lists[name]
            variant = variants[i % len(variants)]
            took, count = pdf_check(variant) if "file" in variant else timed_get(browser, variant)
            queries[name].add(count)
            cold.setdefault(name, took)
            if i >= warmup:
                times[name].append(took)
                counted[name].add(count)
    return {
        n: {
            "cold_ms": cold[n],  # the first request: nothing cached yet
            "median_ms": statistics.median(times[n]) if times[n] else None,
            "p95_ms": percentile(times[n], 95) if times[n] else None,
            # On a server that has been up (after the warm-up): the most any request took.
            "queries": max(counted[n] or queries[n]),
            "queries_seen": sorted(queries[n]),  # the warm-up's included
            "requests": len(times[n]),
        }
        for n in names
    }


# --- Upload ------------------------------------------------------------------------------------


def write_big_pdf(path: Path, megabytes: int) -> None:
    """A valid one-page PDF of about ``megabytes`` MB: the bulk is an incompressible stream."""
    chunk = os.urandom(1024 * 1024)
    size = megabytes * 1024 * 1024
    with path.open("wb") as f:
        offsets = []

        def obj(body: bytes) -> None:
            offsets.append(f.tell())
            f.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>")
        offsets.append(f.tell())
        f.write(f"4 0 obj\n<< /Length {size} >>\nstream\n".encode())
        for _ in range(megabytes):
            f.write(chunk)
        f.write(b"\nendstream\nendobj\n")
        xref = f.tell()
        f.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
        for offset in offsets:
            f.write(f"{offset:010d} 00000 n \n".encode())
        trailer = f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\n"
        f.write(f"{trailer}startxref\n{xref}\n%%EOF\n".encode())


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def upload(port: int, target: dict[str, str], pdf: Path, name: str) -> None:
    """Upload ``pdf`` as evidence, as a browser does, and check that it was stored."""
    browser = Http(port)
    status, headers, body = browser.get(target["form"], target["cookie"])
    if status != 200:
        where = headers.get("location", "")
        raise SystemExit(
            f"bench: the upload form {target['form']} answered {status}, not 200"
            + (f" (to {where})" if where else "")
        )
    try:
        token, csrf_cookie = csrf_of(headers, body)
    except SystemExit as missing:
        raise SystemExit(f"bench: the upload form {target['form']}: {missing}") from None
    boundary, head, tail = multipart(
        {"csrfmiddlewaretoken": token, "kind": "proof", "caption": ""}, "file", name
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.putrequest("POST", target["action"])
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + pdf.stat().st_size + len(tail)))
    conn.putheader("Cookie", f"{target['cookie']}; csrftoken={csrf_cookie}")
    conn.endheaders()
    conn.send(head)
    with pdf.open("rb") as f:
        while block := f.read(256 * 1024):
            conn.send(block)
    conn.send(tail)
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"bench: the upload answered {response.status}, not a redirect")
    # The page it leads back to must show the file as stored, not a refusal; the message
    # travels in a cookie.
    messages = re.search(r"messages=([^;]*)", response.getheader("Set-Cookie") or "")
    cookie = target["cookie"] + (f"; messages={messages.group(1)}" if messages else "")
    _, _, page = Http(port).get(target["form"], cookie)
    if name.encode() not in page or b"is uploaded" not in page:
        alerts = re.findall(rb'class="alert[^>]*>(.*?)</div>', page, re.S)
        shown = b" | ".join(a.strip() for a in alerts).decode(errors="replace")
        raise SystemExit(f"bench: the upload of {name} was not stored: {shown}")


def measure_upload(
    server: Server, target: dict[str, str], work: Path, megabytes: int
) -> dict[str, Any]:
    """Peak memory of the (single) worker during a big upload, against its memory at rest:
    after smaller uploads have loaded everything an upload uses (12 MB: above the S3 store's
    5 MB part size, so the multipart upload's code is loaded too), one on each of the worker's
    threads at once. Each thread has its own S3 connection (django-storages), made on its
    first upload: about 15 MB, once a thread, which a worker that has been up has paid. With
    one warm-up the big upload took another thread than it now and then, and that thread's
    connection counted as the upload's (14.5 against 28-32 MB before round 7)."""
    (pid,) = server.workers()
    small = work / "small.pdf"
    write_big_pdf(small, WARM_UP_MB)
    threads = server.threads()
    start = threading.Barrier(threads)
    failed: list[BaseException] = []

    def warm_up(n: int) -> None:
        try:
            start.wait(timeout=60)
            upload(server.port, target, small, f"bench-warm-up-{n}.pdf")
        except BaseException as error:  # reported below, in the main thread
            failed.append(error)

    warming = [threading.Thread(target=warm_up, args=(n,)) for n in range(threads)]
    for thread in warming:
        thread.start()
    for thread in warming:
        thread.join()
    if failed:
        raise failed[0]
    pdf = work / "upload.pdf"
    write_big_pdf(pdf, megabytes)
    at_rest = peak = rss_kb(pid)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the high-water mark (VmHWM)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        upload(server.port, target, pdf, f"bench-{megabytes}mb.pdf")
    finally:
        took = time.perf_counter() - started
        done.set()
        sampler.join()
        pdf.unlink()
    peak = max(peak, rss_kb(pid, "VmHWM"))
    return {
        "megabytes": megabytes,
        "seconds": took,
        "rest_mb": at_rest / 1024,
        "peak_mb": peak / 1024,
        "growth_mb": (peak - at_rest) / 1024,
    }


# --- Load ------------------------------------------------------------------------------------


def measure_load(
    port: int, target: dict[str, str], seconds: int, connections: int
) -> dict[str, Any]:
    args = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-H",
        "Accept-Language: en",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
    ]
    if target["cookie"]:
        args += ["-H", f"Cookie: {target['cookie']}"]
    out = subprocess.run(  # nosec B603 - the benchmark runs its own tools with arguments it builds
        [*args, f"http://127.0.0.1:{port}{target['path']}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out[out.index("{") :])
    return result


def combine_load(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One page's load runs as one: requests per second over all of them, errors summed, the
    median of their medians and the worst p99, and each run's own figures for the record.

    gthread workers keep each connection they accept, and wrk opens its connections in two
    bursts: which worker gets how many differs from run to run (two workers with 25 each, or
    five with 2 to 27), and with it the CPU a request costs by a fifth. More than one run per
    page, alternating, keeps one lucky or unlucky spread from deciding the comparison.
    """
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    kinds = {k: sum(r["error_kinds"][k] for r in runs) for k in runs[0]["error_kinds"]}
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds,
        "errors": sum(r["errors"] for r in runs),
        "error_kinds": kinds,
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "runs": [{k: r[k] for k in ("rps", "p50_ms", "p99_ms", "errors")} for r in runs],
    }


# --- Ceremony ----------------------------------------------------------------------------------


class Workers:
    """The task workers, as deploy/systemd/cil-worker.service runs them, one per core."""

    def __init__(self, env: dict[str, str], database_url: str, count: int) -> None:
        self.env = dict(env, DATABASE_URL=database_url)
        self.count = count
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Workers:
        for _ in range(self.count):
            self.processes.append(
                subprocess.Popen(  # nosec B603 - the benchmark runs its own tools with arguments it builds
                    [PY, "manage.py", "db_worker", "--interval", "2", "--no-reload"],
                    cwd=ROOT,
                    env=self.env,
                )
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def measure_ceremony(env: dict[str, str], database_url: str, students: int) -> dict[str, Any]:
    with Workers(env, database_url, TASK_WORKERS):
        # Started first and given time to load, as workers that have been up.
        time.sleep(5)
        result: dict[str, Any] = json.loads(
            python(
                dict(env, DATABASE_URL=database_url),
                "-m",
                "bench.ceremony",
                "--students",
                str(students),
            )
        )
    result["workers"] = TASK_WORKERS
    return result


# --- Report ----------------------------------------------------------------------------------


def diploma_results(renders: dict[str, list[float]]) -> dict[str, Any]:
    """Medians of bench.diploma's times, and the ratios the budgets are about."""
    d: dict[str, Any] = {f"{name}_ms": statistics.median(t) for name, t in renders.items()}
    d["renders"] = len(renders["diploma"])
    d["signed_ratio"] = d["signed_credential_ms"] / d["text_only_ms"]
    d["issue_ratio"] = d["issue_ms"] / d["diploma_ms"]
    d["ratio"] = d["diploma_ms"] / d["minimal_ms"]  # for the record (the former budget)
    return d


def check(results: dict[str, Any]) -> list[str]:
    """Every budget missed, in words."""
    missed = []
    sizes = results["sizes"]
    queries = results["queries"]  # {size: {page: count}}, every size measured
    for name, page in results["pages"].items():
        counts = [queries[str(size)][name] for size in sizes]
        if len(set(counts)) > 1:
            missed.append(
                f"{name}: "
                + ", ".join(f"{n} queries at {size}" for n, size in zip(counts, sizes, strict=True))
            )
        if name == "floor":
            continue
        if page["median_ratio"] > BUDGETS["median_ratio"]:
            missed.append(f"{name}: median {page['median_ratio']:.1f}x the floor")
        if page["p95_ratio"] > BUDGETS["p95_ratio"]:
            missed.append(f"{name}: p95 {page['p95_ratio']:.1f}x the floor")
    diploma = results["diploma"]
    if diploma["signed_ratio"] > BUDGETS["diploma_signed_ratio"]:
        missed.append(
            f"diploma: signed with its credential {diploma['signed_ratio']:.1f}x "
            "its text as paragraphs"
        )
    if diploma["issue_ratio"] > BUDGETS["diploma_issue_ratio"]:
        missed.append(f"diploma: issuing {diploma['issue_ratio']:.2f}x rendering it unsigned")
    for store, upload in results["upload"].items():
        if upload is None:
            missed.append(f"upload to the {store}: not measured")
        elif upload["growth_mb"] >= BUDGETS["upload_growth_mb"]:
            missed.append(f"upload to the {store}: memory grew {upload['growth_mb']:.1f} MB")
    floor_rps = results["load"]["floor"]["rps"]
    for name, load in results["load"].items():
        if load["errors"] > BUDGETS["load_errors"]:
            missed.append(f"load on {name}: {load['errors']} errors")
        if name in LOAD_PAGES and load["rps"] < BUDGETS["load_ratio"] * floor_rps:
            missed.append(f"load on {name}: {load['rps'] / floor_rps:.2f}x the floor's requests")
    ceremony = results["ceremony"]
    missed += [f"ceremony: {problem}" for problem in ceremony["problems"]]
    if ceremony["seconds"] > BUDGETS["ceremony_seconds"]:
        missed.append(f"ceremony: {ceremony['students']} diplomas took {ceremony['seconds']:.0f} s")
    if results["minutes"] > BUDGETS["bench_minutes"]:
        missed.append(f"the benchmark took {results['minutes']:.1f} minutes")
    return missed


def table(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    counts = "".join(f"{'@' + str(size):>9}" for size in sizes)
    lines = [
        f"pages at {sizes[-1]} students; queries at every size",
        f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'x floor':>9}{'p95 x':>7}{counts}",
    ]
    for name, page in results["pages"].items():
        lines.append(
            f"{name:<24}{page['median_ms']:>10.1f}{page['p95_ms']:>9.1f}"
            f"{page['median_ratio']:>9.2f}{page['p95_ratio']:>7.2f}"
            + "".join(f"{results['queries'][str(size)][name]:>9}" for size in sizes)
        )
    d = results["diploma"]
    lines.append(
        f"\ndiploma (both languages), medians: its text alone as plain paragraphs "
        f"{d['text_only_ms']:.0f} ms; signed with its credential (rendering + seal + "
        f"credential) {d['signed_credential_ms']:.0f} ms: {d['signed_ratio']:.2f}x the text\n"
        f"  unsigned {d['diploma_ms']:.0f} ms, signed {d['signed_ms']:.0f} ms; issuing "
        f"(signed, with credential, stored) {d['issue_ms']:.0f} ms: {d['issue_ratio']:.2f}x "
        f"rendering unsigned\n"
        f"  (for the record: minimal document {d['minimal_ms']:.0f} ms; unsigned diploma "
        f"{d['ratio']:.2f}x it, its text {d['text_only_ms'] / d['minimal_ms']:.2f}x)"
    )
    for store, u in results["upload"].items():
        if u is None:
            lines.append(f"upload to the {store}: not measured")
            continue
        lines.append(
            f"upload of {u['megabytes']} MB to the {store}: "
            f"worker at rest {u['rest_mb']:.0f} MB, peak "
            f"{u['peak_mb']:.0f} MB, growth {u['growth_mb']:.1f} MB ({u['seconds']:.1f} s)"
        )
    floor_rps = results["load"]["floor"]["rps"]
    for name, load in results["load"].items():
        lines.append(
            f"load {name:<14} {load['rps']:>7.1f} req/s ({load['rps'] / floor_rps:.2f}x floor), "
            f"p50 {load['p50_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms, "
            f"{load['requests']} requests, {load['errors']} errors; rounds "
            + ", ".join(f"{r['rps']:.0f}" for r in load.get("runs", []))
            + " req/s"
        )
    c = results["ceremony"]
    lines.append(
        f"ceremony: {c['issued']} of {c['students']} diplomas issued in {c['seconds']:.1f} s "
        f"by {c['workers']} workers ({c['batches']} batches)"
    )
    lines.append(f"whole run: {results['minutes']:.1f} minutes")
    return "\n".join(lines)


def main() -> int:
    started = time.monotonic()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-host", required=True, help="PostgreSQL socket folder")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="students per database, e.g. 2000,20000 (the largest is measured in full)",
    )
    parser.add_argument("--rounds", type=int, default=100)
    # Enough rounds for every variant to have been asked once (a server that has been up).
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--upload-mb", type=int, default=100)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--load-rounds", type=int, default=2, help="load runs per page")
    parser.add_argument("--ceremony", type=int, default=CEREMONY_STUDENTS, help="diplomas")
    parser.add_argument("--reuse", action="store_true", help="keep the last run's databases")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args()

    pg = Postgres(args.pg_host)
    work = Path(tempfile.mkdtemp(prefix="cil-bench-"))
    env = base_env(work)
    s3_url = env.pop("BENCH_S3_STORAGE_URL", "")
    env.pop("STORAGE_URL", None)  # the local folder, unless asked for the S3 bucket
    try:
        manage(env, "collectstatic", "--noinput", "-v", "0")
        prepare_signing(env)
        sizes: list[int] = args.sizes
        largest = sizes[-1]
        urls = build_databases(pg, env, sizes, reuse=args.reuse)
        results: dict[str, Any] = {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": subprocess.run(  # nosec B603 B607 - the benchmark runs its own tools with arguments it builds; tools found on PATH, as a developer runs them
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
            "machine": {
                "cpus": os.cpu_count(),
                "python": sys.version.split()[0],
                "postgresql": pg.version(),
            },
            "sizes": sizes,
            "budgets": BUDGETS,
            "queries": {},
        }

        def prepare(size: int) -> dict[str, Any]:
            folder = work / f"prepare-{size}"
            folder.mkdir()
            started = time.monotonic()
            # Organisers' mails are sent at once, in the process, where their links are read.
            prepare_env = dict(
                env,
                DATABASE_URL=urls[size],
                TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            )
            targets: dict[str, Any] = json.loads(
                python(prepare_env, "-m", "bench.prepare", "--work", str(folder))
            )
            log(f"bench.prepare at {size}: {time.monotonic() - started:.1f} s")
            return targets

        # Query counts at the smaller sizes: the same pages, picked the same way.
        for size in sizes[:-1]:
            size_targets = prepare(size)
            with Server(env, urls[size]) as server:
                counted = measure_pages(
                    server.port, size_targets, rounds=QUERY_ROUNDS, warmup=args.warmup
                )
            results["queries"][str(size)] = {n: p["queries"] for n, p in counted.items()}

        targets = prepare(largest)
        # The bulk load left gigabytes of changed pages for PostgreSQL's next checkpoints to
        # write out; a checkpoint that falls in the middle of a measurement (the checkpointer
        # and the kernel writing back) made the load test's figures swing by a third from
        # one run to the next. Written out now, as on a server that has been up a while.
        pg.sql("CHECKPOINT")
        with Server(env, urls[largest]) as server:
            log(f"{args.rounds} rounds over {len(targets['pages'])} pages and the floor")
            pages = measure_pages(server.port, targets, rounds=args.rounds, warmup=args.warmup)
            floor = pages["floor"]
            for page in pages.values():
                page["median_ratio"] = page["median_ms"] / floor["median_ms"]
                page["p95_ratio"] = page["p95_ms"] / floor["p95_ms"]
            results["pages"] = pages
            results["queries"][str(largest)] = {n: p["queries"] for n, p in pages.items()}

            runs: dict[str, list[dict[str, Any]]] = {n: [] for n in ("floor", *LOAD_PAGES)}
            for turn in range(1, args.load_rounds + 1):
                for name, page_runs in runs.items():
                    target = targets["floor"][0] if name == "floor" else targets["pages"][name][0]
                    log(
                        f"load, round {turn} of {args.load_rounds}: {args.connections} "
                        f"connections for {args.load_seconds} s on {name}"
                    )
                    page_runs.append(
                        measure_load(server.port, target, args.load_seconds, args.connections)
                    )
            results["load"] = {name: combine_load(page_runs) for name, page_runs in runs.items()}

        # One worker, so that the memory measured is the one that takes the upload; once to
        # the local folder, once to the S3 bucket (scripts/bench.sh starts a local S3 server).
        results["upload"] = {}
        stores = {"local folder": (env, targets["upload"])}
        if s3_url:
            stores["S3 bucket"] = (dict(env, STORAGE_URL=s3_url), targets["upload_s3"])
        else:
            log("no BENCH_S3_STORAGE_URL: the upload to an S3 bucket is not measured")
            results["upload"]["S3 bucket"] = None
        for store, (store_env, target) in stores.items():
            with Server(store_env, urls[largest], workers=1) as server:
                log(f"uploading {args.upload_mb} MB to the {store}")
                results["upload"][store] = measure_upload(server, target, work, args.upload_mb)

        log("rendering diplomas")
        large_env = dict(env, DATABASE_URL=urls[largest])
        renders = json.loads(
            python(
                large_env, "-m", "bench.diploma", "--enrolment", str(targets["diploma_enrolment"])
            )
        )
        results["diploma"] = diploma_results(renders)

        log(f"a ceremony of {args.ceremony} diplomas, {TASK_WORKERS} task workers")
        results["ceremony"] = measure_ceremony(env, urls[largest], args.ceremony)

        results["minutes"] = (time.monotonic() - started) / 60
        missed = check(results)
        results["missed"] = missed
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
        print(table(results))
        print(f"\nresults: {args.out}")
        if missed:
            print("\nBUDGETS MISSED:\n  " + "\n  ".join(missed))
            return 1
        print("\nEvery budget met.")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
