"""The student's part of the journey with the keyboard alone: sign up, add an activity, upload a
proof, write the reflection, submit, ask for final approval and write the final report with
its autosave. Only page.keyboard moves through the pages (Tab, Shift+Tab, Enter, Space, arrow
keys, typing into the focused field); after every step the focused element must be a real
control with a visible focus indicator, and an htmx swap must leave the focus where it was."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from certificates import workflow as certificate_workflow
from certificates.models import FinalReport
from portfolio import workflow as entry_workflow
from portfolio.models import Enrolment, Entry
from tests.conftest import ARTIFACTS, Personas
from tests.e2e.conftest import Visit, prefer_language, sign_in_as
from tests.factories import ActivityFactory, EntryFactory, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "sign_up": "Sign up: Nursing",
        "term": "Expected completion: term",
        "accept": "I have read the rules above",
        "add": "Add an activity",
        "activity": "Activity",
        "from": "From",
        "country": "Country",
        "norway": "Norway",
        "city": "City",
        "what": "What you did",
        "add_to": "Add to my portfolio",
        "file": "File",
        "upload": "Upload",
        "write": "Write the reflection",
        "save_reflection": "Save the reflection",
        "submit": "Submit for approval",
        "ask": "Ask for final approval of your activities",
        "ask_button": "Ask for final approval",
        "report": "Final report",
        "save": "Save",
        "saved": "Saved at",
    },
    "nb": {
        "sign_up": "Meld deg på: Sykepleie",
        "term": "Forventet fullført: semester",
        "accept": "Jeg har lest reglene over",
        "add": "Legg til en aktivitet",
        "activity": "Aktivitet",
        "from": "Fra",
        "country": "Land",
        "norway": "Norge",
        "city": "By",
        "what": "Hva du gjorde",
        "add_to": "Legg til i porteføljen",
        "file": "Fil",
        "upload": "Last opp",
        "write": "Skriv refleksjonen",
        "save_reflection": "Lagre refleksjonen",
        "submit": "Send til godkjenning",
        "ask": "Be om endelig godkjenning av aktivitetene dine",
        "ask_button": "Be om endelig godkjenning",
        "report": "Avsluttende refleksjonsrapport",
        "save": "Lagre",
        "saved": "Lagret kl.",
    },
}

# What a sighted keyboard user sees of the focused element: what it is, its name (its label,
# or its text), and how strongly its focus indicator (the outline, else the focus ring) stands
# out from what surrounds it (WCAG contrast ratio, its colour blended over the background).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const name = el.getAttribute("aria-label") || label || el.textContent || "";
  const rgba = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || "");
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  let background = [255, 255, 255];
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { background = c; break; }
  }
  let color = null;
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    color = rgba(style.outlineColor);
  } else if (style.boxShadow !== "none") {
    color = rgba(style.boxShadow);
  }
  const luminance = (c) => c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let contrast = 0;
  if (color) {
    const seen = color.slice(0, 3).map((v, i) => v * color[3] + background[i] * (1 - color[3]));
    const [hi, lo] = [luminance(seen), luminance(background)].sort((x, y) => y - x);
    contrast = (hi + 0.05) / (lo + 0.05);
  }
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    id: el.id,
    name: name.replace(/\\s+/g, " ").trim(),
    selected: el.tagName === "SELECT" ? el.options[el.selectedIndex].text : null,
    value: "value" in el ? el.value : null,
    contrast: Math.round(contrast * 100) / 100,
    shown: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    """The focused element, which must be a visible control with a visible focus indicator."""
    info: dict[str, Any] | None = page.evaluate(FOCUSED)
    assert info is not None, f"focus is lost (on the body) at {page.url}"
    assert info["shown"], f"the focused element is not visible: {info}"
    # Non-text contrast (WCAG 1.4.11): the focus indicator at least 3:1 against its background.
    assert info["contrast"] >= 3, f"the focus indicator is faint or missing: {info}"
    return info


def tab_to(
    page: Page, name: str, *, tag: str | None = None, back: bool = False, exact: bool = False
) -> dict[str, Any]:
    """Press Tab (Shift+Tab with ``back``) until the control whose name starts with ``name``
    has the focus, as a keyboard user moves through the page; every stop must show its focus."""
    key = "Shift+Tab" if back else "Tab"
    seen = []
    for _ in range(120):
        page.keyboard.press(key)
        info: dict[str, Any] | None = page.evaluate(FOCUSED)
        if info is None:  # passed the end of the page: the browser's own controls come next
            continue
        focused(page)
        seen.append(info["name"][:40])
        matches = info["name"] == name if exact else info["name"].startswith(name)
        if matches and (tag is None or info["tag"] == tag):
            return info
    raise AssertionError(f"{name!r} cannot be reached with {key} on {page.url}; stops: {seen}")


def snapshot(visit: Visit, what: str) -> None:
    """Keep a picture of the screen as the keyboard user sees it now, focus ring and all."""
    shot = ARTIFACTS / "screenshots" / f"{visit.name}-focus-{what}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(shot))


def press(visit: Visit, key: str) -> None:
    """Press a key that loads a page (a link, a submit button), then check the new page."""
    with visit.page.expect_navigation():
        visit.page.keyboard.press(key)
    visit.check()


def choose(page: Page, option: str) -> None:
    """In the focused select, move with the arrow keys to the option whose text starts so."""
    for _ in range(50):
        if focused(page)["selected"].startswith(option):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {option!r} in the select")


def approve_as_administrator(enrolment: Enrolment, personas: Personas) -> None:
    """The administrator's part, through the services: three activities approved."""
    for entry in Entry.objects.filter(enrolment=enrolment):
        entry_workflow.transition(entry=entry, by=personas.admin_p, action="approve")
    for location in ("home", "abroad"):
        entry = EntryFactory(
            enrolment=enrolment,
            activity=ActivityFactory(programme=personas.programme_p, location=location),
            status="submitted",
        )
        entry_workflow.transition(entry=entry, by=personas.admin_p, action="approve")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_student_goes_through_the_certificate_with_the_keyboard_alone(
    visit: Visit, personas: Personas, language: str
) -> None:
    t = TEXT[language]
    ActivityFactory(
        programme=personas.programme_p,
        title_en="Language café: Spanish",
        title_nb="Språkkafé: spansk",
        location="home",
    )
    title = "Språkkafé: spansk" if language == "nb" else "Language café: Spanish"
    page = visit.page
    page.emulate_media(reduced_motion="reduce")  # focus rings drawn at once, not faded in
    # Playwright asks the browser to hand it file choosers when the first listener subscribes,
    # without waiting for the answer: subscribed only by expect_file_chooser below, the key
    # press could reach the page first and the chooser open unseen (CI, once). Subscribing now,
    # many round trips before that key, settles it.
    page.on("filechooser", lambda _chooser: None)
    keyboard = page.keyboard
    prefer_language(visit, language)
    sign_in_as(visit, personas.student_a)
    visit.goto("/portfolio/")

    # Sign up for the certificate.
    tab_to(page, t["sign_up"], tag="a")
    press(visit, "Enter")
    tab_to(page, t["term"], tag="select")
    keyboard.press("ArrowDown")
    focused(page)
    tab_to(page, t["accept"], tag="input")
    keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    snapshot(visit, "terms-accepted")
    tab_to(page, t["sign_up"].split(":")[0], tag="button")
    press(visit, "Enter")
    enrolment = Enrolment.objects.get(student=personas.student_a)

    # Add an activity.
    tab_to(page, t["add"], tag="a")
    press(visit, "Enter")
    tab_to(page, t["activity"], tag="select")
    choose(page, title)
    tab_to(page, t["from"], tag="input")
    keyboard.type("10012026")  # the date field's month, day and year, as Chromium in en-US
    assert focused(page)["value"] == "2026-10-01"
    page.keyboard.press("Tab")  # the date field's calendar button
    focused(page)
    snapshot(visit, "calendar-button")
    tab_to(page, t["country"], tag="select")
    keyboard.type(t["norway"])  # a closed select jumps to the option typed
    assert focused(page)["selected"] == t["norway"]
    tab_to(page, t["city"], tag="input")
    keyboard.type("Oslo")
    tab_to(page, t["what"], tag="textarea")
    keyboard.type("Spoke Spanish with exchange students every Thursday.")
    tab_to(page, t["add_to"], tag="button")
    press(visit, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    entry = Entry.objects.get(enrolment=enrolment)

    # Upload a proof: the file chooser opens from the keyboard.
    tab_to(page, t["file"], tag="input")
    with page.expect_file_chooser() as chooser:
        keyboard.press("Space")
    chooser.value.set_files(
        files=[
            FilePayload(name="signed-programme.pdf", mimeType="application/pdf", buffer=tiny_pdf())
        ]
    )
    focused(page)
    snapshot(visit, "file-chosen")
    tab_to(page, t["upload"], tag="button")
    press(visit, "Enter")
    expect(page.locator("#evidence")).to_contain_text("signed-programme.pdf")

    # Write the reflection; Shift+Tab goes back to the first answer.
    tab_to(page, t["write"], tag="a")
    press(visit, "Enter")
    first = tab_to(page, "", tag="textarea")
    keyboard.type("I met students from five countries and heard how care differs between them.")
    second = tab_to(page, "", tag="textarea")
    assert second["id"] != first["id"]
    keyboard.type("I will listen for what a patient means, not only what they say.")
    assert tab_to(page, "", tag="textarea", back=True)["id"] == first["id"]
    tab_to(page, t["save_reflection"], tag="button")
    press(visit, "Enter")

    # Submit the activity.
    tab_to(page, t["submit"], tag="a")
    press(visit, "Enter")
    tab_to(page, t["submit"], tag="button")
    press(visit, "Enter")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED
    assert entry.evidence.count() == 1

    # The administrator approves three activities; the student asks for final approval.
    approve_as_administrator(enrolment, personas)
    visit.goto("/portfolio/")
    tab_to(page, t["ask"], tag="a")
    press(visit, "Enter")
    tab_to(page, t["ask_button"], tag="button")
    press(visit, "Enter")
    enrolment.refresh_from_db()
    certificate_workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="confirm_activities"
    )

    # Write the final report; the autosave (an htmx swap) leaves the focus in the text.
    visit.goto("/portfolio/")
    tab_to(page, t["report"], tag="a", exact=True)
    press(visit, "Enter")
    summary = tab_to(page, "", tag="textarea")  # starts with a list of the activities
    keyboard.press("Control+End")
    keyboard.press("Enter")
    keyboard.type("A language café in Oslo and a summer school in Granada. ")
    expect(page.locator("#report-status")).to_contain_text(t["saved"], timeout=10_000)
    after_swap = focused(page)
    assert after_swap["id"] == summary["id"], "the autosave took the focus away"
    snapshot(visit, "autosaved")
    keyboard.type("Both taught me to listen.")
    tab_to(page, t["save"], tag="button", exact=True)
    press(visit, "Enter")
    report = FinalReport.objects.get(enrolment=enrolment)
    assert report.summary.endswith("Both taught me to listen.")
