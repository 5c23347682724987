"""Her feedback on a stop, through the real API on the local stack (issue 18).

With her reference and record key she says "this was fine" or "something was wrong". It is kept
once, beside her record and in the audit trail; it reaches her force's professional-standards
contact through the standards topic (checked as moto's own tests do: an SQS queue subscribed with
a ``force`` filter, and what arrived read back); it is refused past its size limits; the officer
sees that she left it but not what it says; a supervisor lists it for their own force only.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local.demo import standards_contact as subscribed_contact
from local.provision import Stack

from .helpers import call
from .test_public import as_client, fresh_client
from .test_records import START, Clock, keep, new_key, read, verified_stop
from .test_records import clock as clock

HER_TEXT = "He would not show his warrant card. <script>alert(1)</script>\r\nThen he left."
HER_CONTACT = "07700 900123, evenings"


def standards_contact(stack: Stack, force: str) -> tuple[Any, str]:
    """A queue subscribed to the standards topic for ``force`` only, as a force's contact is."""
    sqs = boto3.client("sqs", endpoint_url=stack.aws_endpoint_url, region_name=stack.region)
    return sqs, subscribed_contact(stack, sqs, force)


def arrived(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every SNS envelope on the queue now (moto delivers to SQS before ``Publish`` returns)."""
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        messages += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    return messages


def leave(api: Any, who: str, reference: str, key: str, body: Any) -> tuple[int, Any]:
    status, _, answer = as_client(
        api, who, "PUT", f"/records/{reference}/feedback", body, headers={"X-Record-Key": key}
    )
    return status, answer


def kept_stop(api: Any, tokens: dict[str, str], clock: Clock) -> tuple[dict[str, Any], str]:
    """An ended stop whose record she kept, and her key."""
    started = verified_stop(api, tokens, clock)
    key = new_key()
    status, kept = keep(api, fresh_client(), started["public_code"], key)
    assert status == 200, kept
    return started, key


def test_feedback_is_kept_once_and_reaches_the_forces_standards_contact_without_her_text(
    api: Any, tokens: dict[str, str], clock: Clock, stack: Stack
) -> None:
    met_sqs, met = standards_contact(stack, "MET")
    other_sqs, other = standards_contact(stack, "WMP")
    started, key = kept_stop(api, tokens, clock)
    reference, her = started["reference"], fresh_client()
    feedback = {"verdict": "something_wrong", "text": HER_TEXT, "contact": HER_CONTACT}

    clock.now += timedelta(minutes=30)
    status, record = leave(api, her, reference, key, feedback)
    assert status == 200, record
    assert record["feedback"] == {
        "verdict": "something_wrong",
        # Kept as plain text: line ends as \n; the markup is text, not stripped or rendered.
        "text": HER_TEXT.replace("\r\n", "\n"),
        "contact": HER_CONTACT,
        "left_at": record["feedback"]["left_at"],
    }
    # Her page retrying over a poor signal gets the same answer, and nobody is alerted twice.
    clock.now += timedelta(seconds=5)
    assert leave(api, her, reference, key, feedback) == (200, record)
    # Feedback is kept once: other feedback later is refused, and the first stays.
    status, again = leave(api, her, reference, key, {"verdict": "fine"})
    assert (status, again["error"]["code"]) == (409, "feedback_already_left")
    assert read(api, fresh_client(), reference, key) == (200, record)

    envelopes = arrived(met_sqs, met)
    assert len(envelopes) == 1
    assert envelopes[0]["MessageAttributes"]["force"]["Value"] == "MET"
    alert = json.loads(envelopes[0]["Message"])
    assert alert == {
        "type": "feedback.left",
        "force": "MET",
        "reference": reference,
        "verdict": "something_wrong",
        "left_at": record["feedback"]["left_at"],
        "officer": "PC 4521",
        "has_text": True,
        "has_contact": True,
    }
    assert "warrant" not in envelopes[0]["Message"] and "07700" not in envelopes[0]["Message"]
    assert "warrant" not in envelopes[0].get("Subject", "")
    assert arrived(other_sqs, other) == []  # another force's contact hears nothing of it


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "fine", "text": "x" * 2001}, "text"),
        ({"verdict": "fine", "contact": "x" * 201}, "contact"),
        ({"verdict": "ok"}, "verdict"),
        ({"text": "no verdict"}, "verdict"),
        ({"verdict": "fine", "photo": "data:"}, "photo"),
    ],
    ids=["text-too-long", "contact-too-long", "unknown-verdict", "no-verdict", "unknown-field"],
)
def test_feedback_past_its_limits_is_refused_naming_the_field_and_nothing_is_kept(
    api: Any, tokens: dict[str, str], clock: Clock, body: dict[str, Any], field: str
) -> None:
    started, key = kept_stop(api, tokens, clock)
    status, refused = leave(api, fresh_client(), started["reference"], key, body)
    assert status == 400, refused
    assert [d["field"] for d in refused["error"]["details"]] == [field]
    # Nothing was kept: her record has no feedback, and good feedback is still the first.
    assert read(api, fresh_client(), started["reference"], key)[1]["feedback"] is None
    most = {"verdict": "fine", "text": "x" * 2000, "contact": "y" * 200}
    assert leave(api, fresh_client(), started["reference"], key, most)[0] == 200


def test_a_wrong_key_for_feedback_gets_the_same_404_as_reading_and_counts(
    api: Any, tokens: dict[str, str], clock: Clock
) -> None:
    started, key = kept_stop(api, tokens, clock)
    guesser, fine = fresh_client(), {"verdict": "fine"}
    wrong = leave(api, guesser, started["reference"], new_key(), fine)
    assert wrong == read(api, fresh_client(), started["reference"], new_key())
    assert wrong[0] == 404
    # 10 tries an hour per client: one spent, 9 more are answered, then 429, even with the key.
    answers = [leave(api, guesser, started["reference"], new_key(), fine)[0] for _ in range(10)]
    assert answers == [404] * 9 + [429]
    assert leave(api, guesser, started["reference"], key, fine)[0] == 429
    assert read(api, fresh_client(), started["reference"], key)[1]["feedback"] is None


def test_the_officer_sees_that_she_left_feedback_but_never_what_it_says(
    api: Any, tokens: dict[str, str], clock: Clock, make_user: Any
) -> None:
    officer = tokens["officer.central"]
    started = verified_stop(api, tokens, clock)
    path = f"/sessions/{started['session_id']}/record"
    reference = started["reference"]
    assert call(api, "GET", path, officer) == (
        200,
        {"reference": reference, "record_kept": False, "feedback_left": False},
    )
    key = new_key()
    assert keep(api, fresh_client(), started["public_code"], key)[0] == 200
    assert call(api, "GET", path, officer)[1]["record_kept"] is True
    feedback = {"verdict": "something_wrong", "text": HER_TEXT, "contact": HER_CONTACT}
    assert leave(api, fresh_client(), reference, key, feedback)[0] == 200

    status, seen = call(api, "GET", path, officer)
    assert (status, seen) == (
        200,
        {"reference": reference, "record_kept": True, "feedback_left": True},
    )
    assert "something_wrong" not in json.dumps(seen)
    # Another officer, even of the same force, is told there is no such stop.
    stranger = make_user(f"met-{uuid.uuid4().hex[:6]}", roles=["officer"])
    assert call(api, "GET", path, stranger)[0] == 404


def test_a_supervisor_lists_their_forces_feedback_and_another_forces_cannot(
    api: Any, tokens: dict[str, str], clock: Clock, make_user: Any
) -> None:
    started, key = kept_stop(api, tokens, clock)
    feedback = {"verdict": "something_wrong", "text": HER_TEXT, "contact": HER_CONTACT}
    assert leave(api, fresh_client(), started["reference"], key, feedback)[0] == 200
    day = START.date().isoformat()
    listing = f"/reports/feedback?force=MET&from={day}&to={day}"

    status, report = call(api, "GET", listing, tokens["supervisor"])
    assert status == 200, report
    assert (report["force"], report["first"], report["last"]) == ("MET", day, day)
    ours = [row for row in report["feedback"] if row["reference"] == started["reference"]]
    assert ours == [
        {
            "reference": started["reference"],
            "left_at": ours[0]["left_at"],
            "officer": "PC 4521",
            "verdict": "something_wrong",
            "text": HER_TEXT.replace("\r\n", "\n"),
            "contact": HER_CONTACT,
        }
    ]
    lefts = [row["left_at"] for row in report["feedback"]]
    assert lefts == sorted(lefts, reverse=True)  # newest first
    # The day before holds none of it.
    before = (START.date() - timedelta(days=1)).isoformat()
    earlier = call(
        api, "GET", f"/reports/feedback?force=MET&from={before}&to={before}", tokens["supervisor"]
    )[1]
    assert started["reference"] not in json.dumps(earlier)

    elsewhere = make_user(f"wmp-{uuid.uuid4().hex[:6]}", roles=["supervisor"], force="WMP")
    status, refused = call(api, "GET", listing, elsewhere)
    assert (status, refused["error"]["code"]) == (403, "forbidden")
    # A sergeant of the force is not a supervisor either.
    assert call(api, "GET", listing, tokens["sergeant.central"])[0] == 403
