"""Her page in her language: chosen by the browser (Accept-Language) or by the switcher.

Welsh comes from the phone's own language (Playwright's ``locale`` sets both Accept-Language and
``navigator.languages``), through a real check in Welsh; Arabic comes from the switcher, right to
left, and is remembered across a reload. Every shipped language's first screen is checked with
axe-core and photographed (``her-lang-<code>.png``). docs/web.md, "Languages".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from local.provision import Stack
from local.web import WebServer

from .conftest import PHONE
from .test_faces import assert_accessible, shoot, start_check

# Each language named in itself, as the switcher shows it (web/src/shared/i18n.ts).
LANGUAGES = {
    "en": "English",
    "cy": "Cymraeg",
    "pl": "Polski",
    "ro": "Română",
    "bn": "বাংলা",
    "ur": "اردو",
    "ar": "العربية",
}

# English her first screen says; none of it may be left on a translated page.
ENGLISH_ON_FIRST_SCREEN = [
    "Check a police officer",
    "Skip to content",
    "Is this a real police officer?",
    "The officer who stopped you",
    "Code on the officer's phone",
    "letters and numbers",
    "Check the officer",
    "No code, or not sure?",
    "Call the control room myself",
    "Call 999",
    "In danger now, or unsure?",
    "Language",
]


def english_left(page: Any, phrases: list[str]) -> list[str]:
    text: str = page.locator("body").inner_text()
    return [phrase for phrase in phrases if phrase in text]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """Phones in the locales a test asks for (`phone("cy-GB")`), closed after it.

    A script error in any of them fails the test.
    """
    made: list[Any] = []
    errors: list[str] = []

    def open_phone(locale: str) -> Any:
        context = browser.new_context(
            **PHONE,
            permissions=["camera", "microphone"],
            locale=locale,
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        made.append(context)
        return page

    yield open_phone
    for context in made:
        context.close()
    assert errors == [], f"scripts threw in the pages: {errors}"


def test_welsh_from_the_phone_language_through_a_check(
    site: WebServer, stack: Stack, phone: Any, artifacts: Path
) -> None:
    her = phone("cy-GB")
    her.goto(site.page("her"))
    expect(her.locator("html")).to_have_attribute("lang", "cy")
    expect(her.locator("html")).to_have_attribute("dir", "ltr")
    expect(her.get_by_role("heading", level=1)).to_have_text("Ai swyddog heddlu go iawn yw hwn?")
    expect(her.get_by_role("button", name="Cymraeg")).to_have_attribute("aria-current", "true")
    assert english_left(her, ENGLISH_ON_FIRST_SCREEN) == []
    assert her.title() == "Gwirio swyddog heddlu \N{EN DASH} Safe Connection"

    # A code that cannot be right is refused in Welsh, before anything is asked.
    her.get_by_label("Y cod ar ffôn y swyddog").fill("ABC")
    her.get_by_role("button", name="Gwirio'r swyddog").click()
    expect(her.get_by_role("alert")).to_contain_text(
        "Mae gan y cod 8 nod; rydych chi wedi teipio 3."
    )

    # A real check: the state is in Welsh, not the API's English message.
    officer = phone("en-GB")
    code = start_check(officer, site, stack, "officer.central")
    her.get_by_label("Y cod ar ffôn y swyddog").fill(code)
    her.get_by_role("button", name="Gwirio'r swyddog").click()
    expect(her.get_by_role("status").first).to_contain_text("Yn aros am yr ystafell reoli")
    expect(her.get_by_role("heading", level=1)).to_contain_text("Gwiriad swyddog")
    expect(her.get_by_text("Eich cyfeirnod:")).to_be_visible()
    assert (
        english_left(
            her,
            [
                "Waiting for the control room",
                "The control room has been asked",
                "Your reference",
                "Whose code this is",
                "Want a uniformed officer?",
            ],
        )
        == []
    )
    shoot(her, artifacts, "her-lang-cy-check")
    assert_accessible(her, artifacts, "her-lang-cy-check")

    # The officer ends it, so the next test's queue is empty at once.
    officer.get_by_role("button", name="Cancel", exact=True).click()
    officer.get_by_role("button", name="Yes, cancel the check").click()
    expect(her.get_by_role("status").first).to_contain_text(
        "Mae'r swyddog wedi canslo'r gwiriad hwn", timeout=12_000
    )


def test_arabic_from_the_switcher_right_to_left_and_remembered(
    site: WebServer, phone: Any, artifacts: Path
) -> None:
    her = phone("en-GB")
    her.goto(site.page("her"))
    expect(her.locator("html")).to_have_attribute("lang", "en-GB")
    expect(her.get_by_role("heading", level=1)).to_have_text("Is this a real police officer?")

    her.get_by_role("navigation", name="Language").get_by_role("button", name="العربية").click()
    expect(her.locator("html")).to_have_attribute("lang", "ar")
    expect(her.locator("html")).to_have_attribute("dir", "rtl")
    expect(her.get_by_role("heading", level=1)).to_have_text("هل هذا ضابط شرطة حقيقي؟")
    assert english_left(her, ENGLISH_ON_FIRST_SCREEN) == []
    # Laid out right to left: the status panels' stripe and the text start on the right.
    assert her.locator("h1").evaluate("e => getComputedStyle(e).direction") == "rtl"
    # The code she types stays left to right.
    assert her.locator("#code").evaluate("e => getComputedStyle(e).direction") == "ltr"

    her.reload()
    expect(her.locator("html")).to_have_attribute("dir", "rtl")
    expect(her.get_by_role("heading", level=1)).to_have_text("هل هذا ضابط شرطة حقيقي؟")
    assert her.evaluate("localStorage.getItem('safe-connection.language')") == "ar"


def test_every_language_first_screen_is_accessible_and_photographed(
    site: WebServer, phone: Any, artifacts: Path
) -> None:
    her = phone("en-GB")
    her.goto(site.page("her"))
    for lang, name in LANGUAGES.items():
        her.get_by_role("button", name=name, exact=True).click()
        expect(her.locator("html")).to_have_attribute("lang", "en-GB" if lang == "en" else lang)
        expect(her.get_by_role("button", name=name, exact=True)).to_have_attribute(
            "aria-current", "true"
        )
        if lang != "en":
            assert english_left(her, ENGLISH_ON_FIRST_SCREEN) == [], lang
        shoot(her, artifacts, f"her-lang-{lang}")
        assert_accessible(her, artifacts, f"her-lang-{lang}")
