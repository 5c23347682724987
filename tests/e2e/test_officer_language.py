"""The officer app around her: the sentence to show her in her language, and what she did after.

Beside the code the officer taps her language and shows her one sentence in it ("Type this
address and this code on your own phone"), with ``lang`` and ``dir`` set; the language's
catalogue is fetched only when tapped. After the stop the officer sees whether she kept her
record and left feedback (never what she wrote), and a supervisor reads her feedback in the
console, as text. docs/web.md, "Languages" and "After the stop".
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from local.provision import Stack
from local.web import WebServer
from tests.api.helpers import call
from tests.api.test_public import as_client, fresh_client

from .test_faces import assert_accessible, shoot, sign_in, start_check

# Her catalogues' say.typeThis (web/src/shared/messages/pl.ts, ar.ts).
POLISH = "Wpisz ten adres i ten kod na swoim telefonie."
ARABIC = "اكتب هذا العنوان وهذا الرمز على هاتفك."
ENGLISH = "Type this address and this code on your own phone."

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def active_session(officer: Any) -> dict[str, Any]:
    """The check the officer app is showing, as it keeps it for a reload."""
    saved: dict[str, Any] = officer.evaluate(
        "JSON.parse(sessionStorage.getItem('safe-connection.active-session'))"
    )
    return saved


def test_the_officer_shows_her_the_sentence_in_polish_and_in_arabic(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    officer = contexts["officer"]
    chunks: list[str] = []
    officer.on(
        "request",
        lambda r: (
            chunks.append(r.url) if re.search(r"/assets/(pl|ar)-[\w-]+\.js$", r.url) else None
        ),
    )
    code = start_check(officer, site, stack, "officer.central")
    address = site.url.removeprefix("http://").rstrip("/")
    languages = officer.get_by_role("list", name="Her language")
    expect(languages.get_by_role("button")).to_have_count(7)
    # Nothing is chosen at first, and no other language has been fetched.
    expect(officer.locator(".say-sentence")).to_have_count(0)
    for button in languages.get_by_role("button").all():
        assert button.get_attribute("aria-pressed") == "false"
    assert chunks == []

    languages.get_by_role("button", name="Polski").click()
    sentence = officer.locator(".say-sentence")
    expect(sentence).to_have_text(f"{POLISH} {address} {code}")
    expect(sentence).to_have_attribute("lang", "pl")
    expect(sentence).to_have_attribute("dir", "ltr")
    expect(languages.get_by_role("button", name="Polski")).to_have_attribute("aria-pressed", "true")
    assert [url.rsplit("/", 1)[1][:3] for url in chunks] == ["pl-"]
    shoot(officer, artifacts, "officer-say-pl")
    assert_accessible(officer, artifacts, "officer-say-pl")

    languages.get_by_role("button", name="العربية").click()
    expect(sentence).to_have_attribute("lang", "ar")
    expect(sentence).to_have_attribute("dir", "rtl")
    expect(sentence).to_contain_text(ARABIC)
    # The address and the code stay left to right inside the Arabic sentence.
    expect(sentence.locator("bdi[dir=ltr]")).to_have_text([address, code])
    expect(languages.get_by_role("button", name="Polski")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(languages.get_by_role("button", name="العربية")).to_have_attribute("lang", "ar")
    shoot(officer, artifacts, "officer-say-ar")
    assert_accessible(officer, artifacts, "officer-say-ar")

    languages.get_by_role("button", name="English").click()
    expect(sentence).to_have_text(f"{ENGLISH} {address} {code}")
    expect(sentence).to_have_attribute("lang", "en-GB")

    officer.get_by_role("button", name="Cancel").click()
    officer.get_by_role("button", name="Yes, cancel the check").click()
    expect(officer.get_by_role("button", name="Start Safe Connection")).to_be_visible()


def test_after_the_stop_the_officer_sees_she_left_feedback_and_the_supervisor_reads_it(
    site: WebServer,
    stack: Stack,
    api: Any,
    tokens: dict[str, str],
    contexts: dict[str, Any],
    artifacts: Path,
) -> None:
    officer, console = contexts["officer"], contexts["console"]
    code = start_check(officer, site, stack, "officer.central")
    session_id = active_session(officer)["session_id"]
    sergeant = tokens["sergeant.central"]
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    status, decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 200, decided
    reference = decided["reference"]

    # The stop has ended: the officer sees its reference, and that she has done nothing yet.
    expect(officer.get_by_role("status").first).to_contain_text("Verified")
    after = officer.get_by_role("region", name="After the stop")
    expect(officer.locator(".reference")).to_have_text(reference)
    expect(after).to_contain_text("She has not kept her record (yet)")
    expect(after).to_contain_text("No feedback yet")
    shoot(officer, artifacts, "officer-after-nothing-yet")
    assert_accessible(officer, artifacts, "officer-after-nothing-yet")

    # She keeps her record with her key, then leaves feedback with it (as her page does).
    her, key = fresh_client(), "".join(secrets.choice(_CROCKFORD) for _ in range(26))
    status, _, kept = as_client(
        api, her, "PUT", f"/verify/{code.replace('-', '')}/record", {"key": key}
    )
    assert status == 200, kept
    words = "He would not show a <b>warrant card</b> at first.\nThen he did."
    status, _, left = as_client(
        api,
        her,
        "PUT",
        f"/records/{reference}/feedback",
        {"verdict": "something_wrong", "text": words, "contact": "07700 900123"},
        headers={"X-Record-Key": key},
    )
    assert status == 200, left

    # The officer asks again (no tight polling): she kept it and left feedback; not what it says.
    after.get_by_role("button", name="Check again").click()
    expect(after).to_contain_text("She kept her record")
    expect(after).to_contain_text("She left feedback")
    page_text = officer.locator("body").inner_text()
    assert "warrant card" not in page_text and "07700" not in page_text
    assert "Something was wrong" not in page_text
    shoot(officer, artifacts, "officer-after-feedback")
    assert_accessible(officer, artifacts, "officer-after-feedback")

    # A reload of the ended stop shows the same, without pressing anything.
    officer.reload()
    expect(officer.get_by_role("region", name="After the stop")).to_contain_text(
        "She left feedback"
    )

    # The force's supervisor reads it in the console, newest first, as text (never as HTML).
    console.goto(site.page("console"))
    sign_in(console, stack, "supervisor")
    console.get_by_role("button", name="Her feedback").click()
    expect(console.get_by_role("heading", name="Her feedback", level=1)).to_be_visible()
    row = console.get_by_role("row", name=re.compile(re.escape(reference)))
    expect(row).to_contain_text("Something was wrong")
    expect(row).to_contain_text("<b>warrant card</b>")
    expect(row).to_contain_text("07700 900123")
    expect(row).to_contain_text("PC 4521")
    assert row.locator("b").count() == 0
    shoot(console, artifacts, "console-feedback")
    assert_accessible(console, artifacts, "console-feedback")

    officer.get_by_role("button", name="Done").click()
    expect(officer.get_by_role("button", name="Start Safe Connection")).to_be_visible()
