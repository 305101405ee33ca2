"""Browser journeys: every page a test visits must pass axe-core with no violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import get_resolver
from playwright.sync_api import Frame, Page

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

_axe = Axe()

# The rules every page is held to: WCAG 2.2 A and AA (with what 2.0 and 2.1 asked), and axe's
# best practices. target-size (2.5.8) is off in axe's defaults and on here.
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def axe_violations(page: Page) -> str:
    """axe-core's report on the page as it is now: empty when it found no violation.

    axe is put into the page once per document, so checking it again (on another screen
    size, after an htmx swap) costs only the run.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe.axe_script)
    results = AxeResults(page.evaluate("options => axe.run(options)", WCAG_22_AA))
    return results.generate_report() if results.violations_count else ""


class Visit:
    """A page in the live portal, checked with axe-core after every navigation."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = re.sub(r"[^\w.-]+", "-", name)
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.shots = 0

        def remember(frame: Frame) -> None:
            if frame == page.main_frame:
                self.visited.append(urldefrag(frame.url)[0])

        page.on("framenavigated", remember)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self, label: str = "") -> None:
        """Run axe-core on the page as it is now; fail on any violation; keep a screenshot."""
        self.page.wait_for_load_state("load")
        results = _axe.run(self.page)
        assert results.violations_count == 0, (
            f"axe found violations on {self.page.url}:\n{results.generate_report()}"
        )
        self.checked.add(urldefrag(self.page.url)[0])
        self.shots += 1
        shot = ARTIFACTS / "screenshots" / f"{self.name}-{self.shots:02d}{label}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(shot), full_page=True)

    def unchecked(self) -> list[str]:
        """The portal's pages visited without an axe check (other sites, such as a test
        identity provider's sign-in page, are not ours to check)."""
        return [
            url
            for url in self.visited
            if url not in self.checked and url.startswith(self.base_url + "/")
        ]


@pytest.fixture(autouse=True)
def _links_in_mail_to_the_live_server(live_server, settings) -> None:
    """Links in mail are built from SITE_URL: here, the test's own server."""
    settings.SITE_URL = live_server.url


@pytest.fixture(scope="session")
def _urls_loaded() -> None:
    """Import the whole URLconf (and so every view module: WeasyPrint alone takes seconds) before
    the first page is asked for. The live server runs in this process and would otherwise do it
    on its first request, which on a busy machine outlasts the page's 10-second timeout."""
    get_resolver().url_patterns  # noqa: B018 - the import is the point


@pytest.fixture
def visit(
    page: Page, live_server, _urls_loaded: None, request: pytest.FixtureRequest
) -> Iterator[Visit]:
    page.set_default_timeout(10_000)
    v = Visit(page, live_server.url, request.node.name)
    yield v
    assert v.unchecked() == [], "pages visited without an axe check"


@pytest.fixture
def phone(
    browser, live_server, _urls_loaded: None, request: pytest.FixtureRequest
) -> Iterator[Visit]:
    """A phone-sized page, as most students use the portal."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    v = Visit(page, live_server.url, request.node.name + "-phone")
    yield v
    context.close()
    assert v.unchecked() == [], "pages visited without an axe check"


def sign_in_as(visit: Visit, user) -> None:
    """Put a session for `user` into the browser, as if they had signed in."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    visit.page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": visit.base_url}]
    )


def prefer_language(visit: Visit, language: str) -> None:
    """Set the language cookie Django's set_language would set."""
    visit.page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": visit.base_url}]
    )


def fits_the_screen(page: Page) -> None:
    """No sideways scrolling: the page is no wider than the screen (tables scroll in a box).

    A mobile browser widens its layout viewport (and so innerWidth) to fit what sticks out, so
    the screen's width is the smaller of innerWidth and the viewport the page was opened in.
    """
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.evaluate("window.innerWidth")
    if page.viewport_size:
        screen = min(screen, page.viewport_size["width"])
    assert width <= screen, f"{page.url} scrolls sideways ({width} px on a {screen} px screen)"
