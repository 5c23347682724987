"""Her record after the stop, on her own phone: the key made there, shown once, her record by
reference afterwards, and her feedback, in her language (issue 18; docs/web.md, "Her record").

A whole stop in Polish ends with the key on her screen (its first send lost on the way, so the
retry must carry the same key), kept on the phone because she ticks the box, and her record read
back in Polish from the start screen's "look up my record". Every shipped language's key, record
and feedback screens are checked with axe-core and photographed (``her-key-<code>.png``,
``her-record-<code>.png``, ``her-feedback-<code>.png``), on one ended stop.

The officer starts and the sergeant decides through the API: this file is about her screens,
and ``test_faces.py`` drives the officer app and the console.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from local.login import ROOT
from local.web import WebServer
from tests.api.helpers import call
from tests.api.test_public import as_client, fresh_client

from . import test_languages
from .test_faces import assert_accessible, shoot
from .test_languages import ENGLISH_ON_FIRST_SCREEN, LANGUAGES, english_left

phone = test_languages.phone  # her phone in a locale: the fixture test_languages.py uses

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PENDING_KEY = "safe-connection.record-key."  # web/src/her/recordkey.ts
KEPT_RECORD = "safe-connection.record"
LOCALES = {
    "en": "en-GB",
    "cy": "cy-GB",
    "pl": "pl-PL",
    "ro": "ro-RO",
    "bn": "bn-GB",
    "ur": "ur-PK",
    "ar": "ar-EG",
}
POLISH_MONTHS = re.compile(
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|"
    "listopada|grudnia"
)


def record_screens_english() -> list[str]:
    """Every English phrase of the record, key and feedback screens (en.ts), none to be left.

    Each message's text between its {placeholders}; words shorter than six letters ("No",
    "Sent") could be inside another language's word, so they are left out.
    """
    source = (ROOT / "web" / "src" / "shared" / "messages" / "en.ts").read_text()
    phrases = []
    for _key, text in re.findall(r'"((?:record|keep|feedback|card)\.\w+)": "([^"]*)"', source):
        for part in re.split(r"\{\w+\}", text):
            part = part.strip(" .,:;()“”…")
            if len(part) >= 6:
                phrases.append(part)
    assert len(phrases) > 50, "the English catalogue's record messages were not found"
    return phrases + ENGLISH_ON_FIRST_SCREEN


def new_key() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(26))


def grouped(key: str) -> str:
    return "-".join(key[i : i + 4] for i in range(0, len(key), 4))


def start(api: Any, tokens: dict[str, str]) -> dict[str, Any]:
    status, started = call(api, "POST", "/sessions", tokens["officer.central"])
    assert status == 201, started
    return started  # type: ignore[no-any-return]


def verify(api: Any, tokens: dict[str, str], session_id: str) -> None:
    sergeant = tokens["sergeant.central"]
    status, body = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    assert status == 200, body
    status, body = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 200, body


def submit(page: Any) -> None:
    """The screen's own form's button, whatever the language calls it."""
    page.locator("main form").first.locator("button[type=submit]").click()


@pytest.fixture(scope="module")
def ended_stop(api: Any, tokens: dict[str, str]) -> dict[str, Any]:
    """One verified stop every language's screens are checked on, and the key her phone made."""
    started = start(api, tokens)
    verify(api, tokens, started["session_id"])
    return {**started, "key": new_key()}


def test_a_whole_stop_in_polish_ends_with_her_record_shown_from_the_reference(
    site: WebServer, api: Any, tokens: dict[str, str], phone: Any, artifacts: Path
) -> None:
    her = phone("pl-PL")
    urls: list[str] = []
    her.on("request", lambda request: urls.append(request.url))
    her.goto(site.page("her"))
    expect(her.locator("html")).to_have_attribute("lang", "pl")

    # The first send of her key is lost on a poor signal; the page sends again, the same key.
    sent: list[str] = []

    def lose_the_first(route: Any) -> None:
        if route.request.method == "PUT":
            sent.append(json.loads(route.request.post_data)["key"])
            if len(sent) == 1:
                route.abort("internetdisconnected")
                return
        route.fallback()

    her.route(re.compile(r"/verify/[^/]+/record$"), lose_the_first)

    started = start(api, tokens)
    her.get_by_label("Kod z telefonu funkcjonariusza").fill(started["public_code"])
    her.get_by_role("button", name="Sprawdź funkcjonariusza").click()
    expect(her.get_by_role("heading", level=1)).to_contain_text("Sprawdzenie funkcjonariusza")
    verify(api, tokens, started["session_id"])
    expect(her.get_by_role("status").first).to_contain_text(
        "Potwierdzono: to jest policjant", timeout=12_000
    )

    # The stop has ended: her record is kept with the key her phone made, shown once.
    kept = her.get_by_role("region", name="Twój zapis tego zatrzymania")
    shown = kept.locator("#record-key")
    expect(shown).to_have_text(re.compile(r"^([0-9A-Z]{4}-){6}[0-9A-Z]{2}$"), timeout=15_000)
    key = shown.inner_text()
    canonical = key.replace("-", "")
    assert all(c in CROCKFORD for c in canonical)
    assert sent == [canonical, canonical], "the retry did not send the same key"
    expect(kept.locator(".reference")).to_have_text(started["reference"])
    expect(kept).to_contain_text("nie da się pokazać ponownie")
    # Acknowledged: nothing of the key is left in the session.
    pending = f"Object.keys(sessionStorage).filter(k => k.startsWith('{PENDING_KEY}'))"
    assert her.evaluate(pending) == []

    # Copied as she would paste it into a note: the reference and the grouped key.
    her.context.grant_permissions(["clipboard-read", "clipboard-write"])
    kept.get_by_role("button", name="Kopiuj numer i klucz").click()
    expect(kept.get_by_role("status").filter(has_text="Skopiowano.")).to_be_visible()
    assert her.evaluate("navigator.clipboard.readText()") == f"{started['reference']} {key}"

    # Kept on this phone only because she ticks it.
    keep_here = her.get_by_label("Zachowaj na tym telefonie")
    expect(keep_here).not_to_be_checked()
    assert her.evaluate(f"localStorage.getItem('{KEPT_RECORD}')") is None
    keep_here.check()
    stored = json.loads(her.evaluate(f"localStorage.getItem('{KEPT_RECORD}')"))
    assert stored == {"reference": started["reference"], "key": canonical}
    shoot(her, artifacts, "her-key-pl-stop")

    # Later, from the start screen: "look up my record", filled in from the phone.
    her.goto(site.page("her"))
    her.get_by_role("link", name="Sprawdź mój zapis").click()
    expect(her.get_by_role("heading", level=1)).to_have_text("Sprawdź mój zapis")
    expect(her.get_by_label("Numer referencyjny")).to_have_value(started["reference"])
    expect(her.get_by_label("Klucz do zapisu")).to_have_value(key)

    # A wrong key gets the one answer a wrong reference gets too.
    wrong = canonical[:-1] + ("0" if canonical[-1] != "0" else "1")
    her.get_by_label("Klucz do zapisu").fill(wrong)
    her.get_by_role("button", name="Pokaż mój zapis").click()
    expect(her.get_by_role("alert")).to_contain_text("Żaden zapis nie pasuje")

    # Typed as she might: lower case, spaces for dashes.
    her.get_by_label("Klucz do zapisu").fill(key.lower().replace("-", " "))
    her.get_by_role("button", name="Pokaż mój zapis").click()
    expect(her.get_by_role("heading", level=1)).to_contain_text("Twój zapis")
    facts = her.locator(".record-facts")
    expect(facts).to_contain_text("4521")
    expect(facts).to_contain_text("Potwierdzono: to jest policjant")
    expect(facts).to_contain_text(re.compile(r"PS \d+"))
    expect(facts).to_contain_text(POLISH_MONTHS)
    feedback = her.get_by_role("heading", name="Powiedz policji, jak przebiegło zatrzymanie")
    expect(feedback).to_be_visible()
    assert english_left(her, record_screens_english()) == []
    shoot(her, artifacts, "her-record-pl-stop")

    # The key was never in an address: no log, history or referrer holds it.
    assert [u for u in urls if canonical in u.upper().replace("-", "")] == []


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_her_key_record_and_feedback_screens_are_accessible_in_every_language(
    lang: str, site: WebServer, phone: Any, ended_stop: dict[str, Any], artifacts: Path
) -> None:
    her = phone(LOCALES[lang])
    # Her phone reopens the ended stop with the key its page made still in the session (a reload
    # before the answer came): the page sends that key again and the server answers as at first.
    code = ended_stop["public_code"].replace("-", "")
    her.context.add_init_script(
        f"sessionStorage.setItem('{PENDING_KEY}code:{code}', '{ended_stop['key']}')"
    )
    her.goto(site.page("her"))
    expect(her.locator("html")).to_have_attribute("lang", "en-GB" if lang == "en" else lang)
    her.locator("#code").fill(ended_stop["public_code"])
    submit(her)
    expect(her.locator("#record-key")).to_have_text(grouped(ended_stop["key"]), timeout=15_000)
    if lang != "en":
        assert english_left(her, record_screens_english()) == [], lang
    shoot(her, artifacts, f"her-key-{lang}")
    assert_accessible(her, artifacts, f"her-key-{lang}")

    her.goto(site.page("her") + "#/record")
    her.locator("#record-reference").fill(ended_stop["reference"])
    her.locator("#record-key-input").fill(grouped(ended_stop["key"]))
    submit(her)
    expect(her.locator(".record-facts")).to_contain_text("4521")
    # The feedback form with its one error showing: nothing chosen yet.
    her.locator("#feedback-text").fill("x" * 10)
    expect(her.locator("#feedback-text-left")).to_contain_text("1990")
    submit(her)
    expect(her.locator("#feedback-verdict-error")).to_be_visible()
    if lang != "en":
        assert english_left(her, record_screens_english()) == [], lang
    shoot(her, artifacts, f"her-record-{lang}")
    assert_accessible(her, artifacts, f"her-record-{lang}")


def test_she_leaves_feedback_once_and_sees_it_in_her_record_in_every_language(
    site: WebServer, api: Any, tokens: dict[str, str], phone: Any, artifacts: Path
) -> None:
    started = start(api, tokens)
    verify(api, tokens, started["session_id"])
    # Her page kept the record with its key when the stop ended (the Polish test drives that).
    key = new_key()
    status, _, kept = as_client(
        api, fresh_client(), "PUT", f"/verify/{started['public_code']}/record", {"key": key}
    )
    assert status == 200, kept

    her = phone("en-GB")
    her.goto(site.page("her") + "#/record")
    expect(her.get_by_role("heading", level=1)).to_have_text("Look up my record")
    her.get_by_label("Reference").fill(started["reference"])
    her.get_by_label("Record key").fill(grouped(key))
    her.get_by_role("button", name="Show my record").click()
    form = her.get_by_role("form", name="Tell the police how it went")
    expect(form).to_be_visible()

    # Her words are text, whatever they look like: never markup.
    words = "He would not show a warrant card.\n<b>not bold</b> & <img src=x onerror=alert(1)>"
    form.get_by_label("Something was wrong").check()
    form.get_by_label("What happened (optional)").fill(words)
    expect(form.get_by_text(f"Characters left: {2000 - len(words)}")).to_be_visible()
    form.get_by_label("How to contact you (optional)").fill("07700 900123, after 6pm")
    form.get_by_role("button", name="Send feedback").click()

    shown = her.get_by_role("region", name="Your feedback")
    expect(shown.get_by_role("status")).to_contain_text("Thank you")
    expect(shown).to_contain_text("Something was wrong")
    assert shown.locator(".kept-text").first.inner_text() == words
    expect(shown.locator(".kept-text").nth(1)).to_have_text("07700 900123, after 6pm")
    assert shown.locator("b, img").count() == 0
    expect(form).to_have_count(0)  # feedback is left once

    # Every language: her feedback as kept, checked and photographed.
    for lang, name in LANGUAGES.items():
        her.get_by_role("button", name=name, exact=True).click()
        expect(her.locator("html")).to_have_attribute("lang", "en-GB" if lang == "en" else lang)
        expect(her.locator(".kept-text").first).to_contain_text("warrant card")
        if lang != "en":
            assert english_left(her, record_screens_english()) == [], lang
        shoot(her, artifacts, f"her-feedback-{lang}")
        assert_accessible(her, artifacts, f"her-feedback-{lang}")

    # Read again later, the feedback is in her record, and there is no form to leave more.
    her.get_by_role("button", name="English", exact=True).click()
    her.reload()
    her.get_by_label("Record key").fill(key)
    her.get_by_label("Reference").fill(started["reference"])
    her.get_by_role("button", name="Show my record").click()
    expect(her.get_by_role("region", name="Your feedback")).to_contain_text("Something was wrong")
    assert her.locator(".kept-text").first.inner_text() == words
    expect(her.get_by_role("form", name="Tell the police how it went")).to_have_count(0)


def test_her_own_call_ends_with_her_record_kept_with_its_token(
    site: WebServer, api: Any, tokens: dict[str, str], phone: Any, artifacts: Path
) -> None:
    her = phone("en-GB")
    sent: list[dict[str, Any]] = []
    her.on(
        "request",
        lambda r: (
            r.method == "PUT"
            and r.url.endswith("/record")
            and sent.append({"url": r.url, "headers": r.headers, "body": r.post_data})
        ),
    )
    her.goto(site.page("her"))
    her.get_by_role("button", name="Call the control room myself").click()
    her.get_by_label(re.compile("shoulder number")).fill("4521")
    with her.expect_response(
        lambda r: r.url.endswith("/public/calls") and r.request.method == "POST"
    ) as started:
        her.get_by_role("button", name="Start the video call").click()
    call_id = started.value.json()["call_id"]
    expect(her.get_by_role("status").first).to_contain_text("Calling the control room")
    reference = her.locator(".reference").first.inner_text()

    # The sergeant answers her call and cannot confirm the officer.
    sergeant = tokens["sergeant.central"]
    assert call(api, "POST", f"/sessions/{call_id}/claim", sergeant)[0] == 200
    reason = {"outcome": "not_verified", "reason": "Could not see the warrant card"}
    assert call(api, "POST", f"/sessions/{call_id}/outcome", sergeant, reason)[0] == 200

    # Her call's page asks every 5 s: the end, then her record kept with the call's token.
    expect(her.get_by_role("status").first).to_contain_text("NOT verified", timeout=12_000)
    key = her.locator("#record-key").inner_text(timeout=15_000)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{2}", key), key
    assert len(sent) == 1, sent
    assert sent[0]["url"].endswith(f"/public/calls/{call_id}/record")
    assert sent[0]["headers"].get("x-call-token")
    assert json.loads(sent[0]["body"]) == {"key": key.replace("-", "")}
    shoot(her, artifacts, "her-own-call-key")

    her.goto(site.page("her") + "#/record")
    her.get_by_label("Reference").fill(reference)
    her.get_by_label("Record key").fill(key)
    her.get_by_role("button", name="Show my record").click()
    facts = her.locator(".record-facts")
    expect(facts).to_contain_text("NOT verified")
    expect(facts).to_contain_text("4521")
