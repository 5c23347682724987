"""What ``make run`` prints once the stack answers: the URLs, logins, event deliveries and a
walk-through of a whole verification in shell commands (:mod:`.stack` starts the stack)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .login import ROOT
from .web import PAGES

if TYPE_CHECKING:
    from .events import EventPump

READY_LINE = "Safe Connection local stack is ready."


def walk_through(
    api_url: str, aws_endpoint_url: str, officer_password: str, state: Path | None = None
) -> list[str]:
    """The copy-pasteable shell commands of a full verification (bash, from the repo root).

    ``state`` is the state directory when it is not the default ``.local``. The README shows
    this block for the default ports, and a test checks the two agree.
    """
    login = ".venv/bin/python -m local.login"
    stack_file = ".local/stack.json"
    if state is not None:
        login += f" --state-dir {shlex.quote(str(state))}"
        stack_file = shlex.quote(str(state / "stack.json"))
    initiate_auth = json.dumps(
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": "CLIENT_ID",
            "AuthParameters": {"USERNAME": "officer.central", "PASSWORD": officer_password},
        },
        separators=(",", ":"),
    ).replace('"CLIENT_ID"', "\"'$CLIENT_ID'\"")
    pretty = "python3 -m json.tool"
    json_body = "-H 'Content-Type: application/json'"
    return [
        f"API={api_url}",
        "# 1. ID tokens for an officer, a sergeant and an operator (Cognito InitiateAuth on moto)",
        f"OFFICER=$({login} officer.central)",
        f"SERGEANT=$({login} sergeant.central)",
        f"OPERATOR=$({login} operator)",
        "#    the same InitiateAuth by hand with curl (the app client id is in stack.json)",
        "CLIENT_ID=$(python3 -c 'import json,sys; "
        f'print(json.load(open(sys.argv[1]))["user_pool_client_id"])\' {stack_file})',
        f"OFFICER=$(curl -s {aws_endpoint_url}/ \\",
        "  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\",
        "  -H 'Content-Type: application/x-amz-json-1.1' \\",
        f"  -d '{initiate_auth}' \\",
        "  | python3 -c 'import json,sys; print(json.load(sys.stdin)"
        '["AuthenticationResult"]["IdToken"])\')',
        "# 2. officer.central starts a verification (see the PAGER line for sergeant.central)",
        "STARTED=$(curl -s -X POST $API/sessions "
        f'-H "Authorization: Bearer $OFFICER" {json_body} \\',
        '  -d \'{"location":{"lat":51.5081,"lon":-0.0759,"accuracy_m":15}}\')',
        'SID=$(echo "$STARTED" | python3 -c \'import json,sys; print(json.load(sys.stdin)'
        '["session_id"])\')',
        'CODE=$(echo "$STARTED" | python3 -c \'import json,sys; print(json.load(sys.stdin)'
        '["public_code"])\')',
        "echo $SID $CODE",
        "#    her phone: she types the code the officer shows her (no login)",
        f"curl -s $API/verify/$CODE | {pretty}",
        "# 3. sergeant.central sees it waiting, claims it (identity card + Chime attendee) ...",
        f'curl -s $API/queue -H "Authorization: Bearer $SERGEANT" | {pretty}',
        f'curl -s -X POST $API/sessions/$SID/claim -H "Authorization: Bearer $SERGEANT" | {pretty}',
        "#    ... and, having seen the officer on the call, records the outcome",
        f'curl -s -X POST $API/sessions/$SID/outcome -H "Authorization: Bearer $SERGEANT" '
        f"{json_body} \\",
        f'  -d \'{{"outcome":"verified"}}\' | {pretty}',
        '# 4. the officer\'s app shows "verified", and so does her phone',
        f'curl -s $API/sessions/$SID -H "Authorization: Bearer $OFFICER" | {pretty}',
        f"curl -s $API/verify/$CODE | {pretty}",
        "#    she asks for a uniformed officer to come (the PAGER shows it once, however often)",
        f"curl -s -X POST $API/verify/$CODE/attendance | {pretty}",
        "#    afterwards, her record: kept with a key her page makes, read by reference",
        "KEY=$(python3 -c 'import secrets; "
        'print("".join(secrets.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(26)))\')',
        'REF=$(echo "$STARTED" | python3 -c '
        "'import json,sys; print(json.load(sys.stdin)[\"reference\"])')",
        f"curl -s -X PUT $API/verify/$CODE/record {json_body} "
        f"-d '{{\"key\":\"'$KEY'\"}}' | {pretty}",
        f'curl -s $API/records/$REF -H "X-Record-Key: $KEY" | {pretty}',
        "#    ... and leaves feedback with it (the PAGER standards line: professional standards)",
        f'curl -s -X PUT $API/records/$REF/feedback -H "X-Record-Key: $KEY" {json_body} \\',
        f'  -d \'{{"verdict":"something_wrong","text":"He would not say why."}}\' | {pretty}',
        "#    the officer sees that she left feedback, never what it says",
        f'curl -s $API/sessions/$SID/record -H "Authorization: Bearer $OFFICER" | {pretty}',
        "# 5. no phone on him: she video-calls the ops room herself, naming his shoulder number",
        f"curl -s -X POST $API/public/calls {json_body} "
        f'-d \'{{"force":"MET","shoulder_number":"4521"}}\' | {pretty}',
        "# 999: the operator looks up PC 4521 of the MET (identity card, duty, live session)",
        f'curl -s "$API/officers/lookup?force=MET&shoulder=4521" '
        f'-H "Authorization: Bearer $OPERATOR" | {pretty}',
        "# the duty inspector: today's service level, staffing by Erlang C, the record of stops",
        f"SUPERVISOR=$({login} supervisor)",
        f'curl -s "$API/reports/service?force=MET" -H "Authorization: Bearer $SUPERVISOR" '
        f"| {pretty}",
        f'curl -s "$API/reports/staffing?force=MET" -H "Authorization: Bearer $SUPERVISOR" '
        f"| {pretty}",
        'curl -s "$API/reports/stops.csv?force=MET" -H "Authorization: Bearer $SUPERVISOR"',
        f'curl -s "$API/reports/feedback?force=MET" -H "Authorization: Bearer $SUPERVISOR" '
        f"| {pretty}",
        "# the officer goes off duty",
        f'curl -s -X PUT $API/me/duty -H "Authorization: Bearer $OFFICER" {json_body} '
        f"-d '{{\"on_duty\":false}}' | {pretty}",
    ]


def event_lines(pump: EventPump) -> list[str]:
    """The banner's lines about event delivery: what goes to which handler, what is missing."""
    from .events import QueueSource

    lines = []
    for source in pump.sources:
        if isinstance(source, QueueSource):
            what = f"SQS {source.queue_url.rsplit('/', 1)[-1]}"
        else:
            what = f"stream of {source.stream_arn.split(':table/', 1)[-1].split('/', 1)[0]}"
        if source.name in pump.missing:
            lines.append(
                f"  {source.name:<16} NOT DELIVERED: {pump.missing[source.name]} "
                "(its events wait until the handler exists and make run restarts)"
            )
        else:
            lines.append(f"  {source.name:<16} {what:<40} -> {source.handler}")
    return lines


def banner(
    stack: Mapping[str, Any],
    chime_url: str,
    state: Path,
    default_state: Path,
    events: Sequence[str] = (),
    web_url: str | None = None,
    media_url: str | None = None,
) -> str:
    """What ``make run`` prints once everything answers (``events``: :func:`event_lines`).

    ``web_url`` is the site with the three faces (:mod:`local.web`), when it is served;
    ``media_url`` the emulator's media side (signaling and the WebRTC relay).
    """
    api_url = str(stack["api_url"])
    rows = [("username", "password", "role", "area", "shoulder", "for")]
    rows += [
        (
            u["username"],
            u["password"],
            u["role"],
            u["area"] or "-",
            u["shoulder_number"] or "-",
            u.get("description", ""),
        )
        for u in stack["users"]
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    table = [
        "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
        for row in rows
    ]
    force = sorted({u["force"] for u in stack["users"]})
    officer = next(u for u in stack["users"] if u["username"] == "officer.central")
    steps = walk_through(
        api_url,
        str(stack["aws_endpoint_url"]),
        str(officer["password"]),
        None if state == default_state else state,
    )
    faces = (
        [
            f"  Her page (check an officer) {web_url}{PAGES['her']}",
            f"  Officer app                 {web_url}{PAGES['officer']}  (officer.central)",
            f"  Control-room console        {web_url}{PAGES['console']}"
            "  (sergeant.*, operator, supervisor)",
            "  Try the video call: open the officer app and the console in two windows (or two",
            "  browsers), allow the camera and microphone, start a stop as officer.central and",
            "  claim it as sergeant.central: each window shows the other's camera.",
            "",
        ]
        if web_url
        else []
    )
    lines = [
        "",
        READY_LINE,
        "",
        *faces,
        f"  API (local gateway)        {api_url}",
        f"  AWS services (moto)        {stack['aws_endpoint_url']}",
        f"  Chime SDK Meetings         {chime_url}",
        f"  Chime emulator control     {chime_url}/_emulator/meetings",
        *([f"  Chime media (SDK signaling) {media_url}/control/<MeetingId>"] if media_url else []),
        f"  Stack description          {state / 'stack.json'}",
        "",
        "Delivering events to the app's handlers (as Lambda event-source mappings; retries,"
        " then DEAD LETTER lines):",
        "",
        *events,
        "",
        f"Demo logins (force {', '.join(force)}; sergeants are on duty and paged below):",
        "",
        *table,
        "",
        f"Walk-through: a full verification by curl. Paste into bash, in {ROOT}:",
        "",
        *(f"  {step}" for step in steps),
        "",
        "Below: each sergeant's and the duty inspector's pager alerts (PAGER ...), event"
        " deliveries (event | ...) and the API's request log (api | ...).",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)
