"""Every page of every demo user, in both languages, on a desktop and on a phone.

The journeys check the pages they open; this crawl checks the pages nobody wrote a journey for.
With the demo data seeded, it follows the same-origin links from the home page as an anonymous
visitor and as each demo user. Each page is looked at on a desktop and then, resized in the same
tab, on a phone-sized screen: on both it must not scroll sideways, and axe-core runs with the
WCAG 2.2 AA rules (and axe's best practices, as in the journeys). Every scrolling region must
be reachable by keyboard: axe's ``scrollable-region-focusable`` is one of those rules.

It stays bounded so that the suite stays quick on a small machine:

- only GET links, nothing that signs out, switches the language, downloads a file or belongs
  to Django's admin site;
- at most ``PER_PATTERN`` pages per URL pattern (view name) and user;
- axe runs once per shape of content (the elements of ``<main>``, their classes and roles,
  with a run of alike rows counted once): a programme page every student can open is checked
  by axe once, the portfolio of each student at their own stage every time it looks different.
  Each user's first page is always checked, so every user's menu is. A page shaped like one
  already checked is still measured on both screens, as its words may not fit.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django import Settings

from cil.models import User
from demo import seed
from tests.conftest import ARTIFACTS
from tests.e2e.conftest import Visit, axe_violations, fits_the_screen, prefer_language, sign_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
PER_PATTERN = 2

# Views a crawl must not open: they sign out, switch the language or send a file.
NOT_CRAWLED = {
    "account_logout",
    "set_language",
    "portfolio:export",
    "portfolio:evidence_file",
    "portfolio:evidence_thumbnail",
    "certificates:diploma_pdf",
    "certificates:diploma_credential",
    "certificates:verify_credential",
    "certificates:shared_photo",
    "certificates:overview_export",
    "certificates:programme_export",
}
NOT_CRAWLED_PREFIXES = ("/admin/",)
FILE_SUFFIXES = (".pdf", ".zip", ".csv", ".xlsx")

# The shape of a page's content: each element's tag, classes and role, nested, with a run of
# alike siblings (table rows, list items, cards) counted once. Text and links are left out.
_SHAPE = """main => {
  const shape = e => {
    const children = [];
    for (const child of e.children) {
      const s = shape(child);
      if (children[children.length - 1] !== s) children.push(s);
    }
    return `${e.tagName}.${[...e.classList].sort().join('.')}[${e.getAttribute('role') || ''}]`
      + `(${children.join(',')})`;
  };
  return shape(main);
}"""


@dataclass
class Crawl:
    """One language's crawl: what it checked and what it found wrong."""

    base_url: str
    language: str
    problems: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)  # digests of the shapes axe has seen
    pages: int = 0  # checked by axe
    visited: int = 0
    shots: int = 0

    def pattern(self, url: str) -> str | None:
        """The URL pattern (view name) a link leads to, or None when it is not to be opened."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base_url:
            return None
        path = parts.path
        if path.startswith(NOT_CRAWLED_PREFIXES) or path.lower().endswith(FILE_SUFFIXES):
            return None
        try:
            name = resolve(path).view_name
        except Resolver404:
            self.problems.append(f"{self.language}: a link leads nowhere: {url}")
            return None
        return None if name in NOT_CRAWLED else name

    def check(self, page: Page, who: str, *, axe: bool) -> None:
        """On a desktop, then on a phone: sideways scrolling, and what axe finds (if asked)."""
        problems = []
        for screen, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            report = axe_violations(page) if axe else ""
            if report:
                problems.append(f"{self.language} {who} {screen} {page.url}:\n{report}")
            try:
                fits_the_screen(page)
            except AssertionError as error:
                problems.append(f"{self.language} {who} {screen}: {error}")
        if problems:
            # What the phone shows, to look at beside the report.
            self.shots += 1
            name = re.sub(r"[^\w.-]+", "-", f"crawl-{self.language}-{who}-{self.shots:02d}")
            shot = ARTIFACTS / "screenshots" / f"{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            self.problems.extend(problems)
        page.set_viewport_size(DESKTOP)

    def run(self, visit: Visit, who: str) -> None:
        """Follow the links from the home page, breadth first, checking each new page."""
        page = visit.page
        seen: set[str] = set()
        per_pattern: Counter[str] = Counter()
        queue = deque([self.base_url + "/"])
        while queue:
            url = queue.popleft()
            pattern = self.pattern(url)
            if url in seen or pattern is None or per_pattern[pattern] >= PER_PATTERN:
                continue
            seen.add(url)
            per_pattern[pattern] += 1
            response = page.goto(url)
            assert response is not None
            if response.status >= 400:
                self.problems.append(f"{self.language} {who}: {url} answers {response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                self.problems.append(f"{self.language} {who}: {url} is a file: add to NOT_CRAWLED")
                continue
            shape = page.eval_on_selector("main", _SHAPE)
            digest = hashlib.sha256(shape.encode()).hexdigest()
            # A page shaped like one axe has checked is only measured: other words may not fit.
            new = digest not in self.checked or len(seen) == 1
            self.checked.add(digest)
            self.pages += new
            self.visited += 1
            self.check(page, who, axe=new)
            for link in page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"
            ):
                queue.append(urldefrag(link)[0])


@pytest.fixture
def demo_accounts(settings: Settings) -> list[seed.DemoAccount]:
    """The demo data `make run` shows (seed_demo only runs with DEBUG on)."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return seed.ACCOUNTS


@pytest.mark.parametrize("language", ["en", "nb"])
def test_every_page_of_every_demo_user_passes_axe_and_fits_a_phone(
    browser: Browser, live_server, demo_accounts: list[seed.DemoAccount], language: str
) -> None:
    crawl = Crawl(base_url=live_server.url, language=language)
    started = time.monotonic()
    for email in [None, *(account.email for account in demo_accounts)]:
        who = email.split("@")[0] if email else "anonymous"
        # One browser context per user: their own cookies, nobody else's session.
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.set_default_timeout(10_000)
        visit = Visit(page, live_server.url, f"crawl-{language}-{who}")
        prefer_language(visit, language)
        if email:
            sign_in_as(visit, User.objects.get(email=email))
        crawl.run(visit, who)
        context.close()
    seconds = time.monotonic() - started
    print(f"crawl ({language}): {crawl.visited} pages, {crawl.pages} by axe, {seconds:.0f} s")
    assert crawl.pages > 50
    assert crawl.problems == [], "\n\n".join(crawl.problems)
