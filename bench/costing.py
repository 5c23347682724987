"""The cost model of :mod:`bench.cost`: recorded calls -> request units, invocations, dollars.

A recorded run (:func:`bench.cost.record_verification`) makes each route once or twice; the pages
poll, so :class:`Typical` says how often each polled route runs in a typical verification
(``wait_s`` until claimed, ``call_s`` of video). Each function's recorded calls are scaled by its
invocations in a typical verification over its invocations in the run. DynamoDB units follow
the on-demand rules: a read 0.5 RRU per 4 KB (1 if strongly consistent, 2 in a transaction), a
write 1 WRU per 1 KB of the larger of the item before and after (approximated by the item as the
run left it), 2 in a transaction, a failed conditional write too, and every write that touches a
global secondary index (projection ALL) again for the index.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .prices import PRICE_DATE, PRICES, REGION, SOURCE

__all__ = ["Typical", "cost_model", "item_size", "table", "written_keys"]

ROOT = Path(__file__).resolve().parent.parent
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
ITEM_OVERHEAD = 100
"""Bytes DynamoDB adds to each stored item (and each index copy) for indexing."""
AUDIT_YEARS = 7
"""Years the audit trail is kept (an assumption: the table has no TTL)."""


@dataclass(frozen=True)
class Typical:
    """One typical verification, and the month around it. Defaults are assumptions."""

    wait_s: float = 30.0
    call_s: float = 180.0
    memory_mb: int = 1024
    monthly: int = 1000
    her_after_s: float = 10.0  # she types the code this long after the start
    officer_poll_s: float = 2.0  # web/src/officer/main.tsx
    her_poll_s: float = 5.0  # web/src/her/model.ts FOLLOW_MS
    console_poll_s: float = 2.0  # web/src/console/main.tsx (queue, and the claimed session)
    authorizer_ttl_s: float = 60.0  # functions/http/auth.py ttl_seconds
    authorizer_ms: float = 15.0  # stated: a JWT checked against cached keys
    sergeants_paged: int = 3  # per alert, by e-mail or push
    consoles: int = 2  # control-room consoles open all month
    met_monthly: int = 15_000
    met_consoles: int = 10
    session_retention_days: int = 30  # SESSION_RETENTION_DAYS (infra settings)
    access_log_bytes: int = 700  # API Gateway access log line (stated)
    waf_log_bytes: int = 1500  # WAF log record (stated)
    platform_log_bytes: int = 350  # Lambda START/END/REPORT lines (stated)
    esm_polls_month: int = 648_000  # Lambda's idle SQS pollers, per queue (as recalled)
    alarms: int = 18  # 2 per function (5), 2 per queue (2), API, stream failures, 2 per force
    encrypted_resources: int = 12  # tables, topic, queues, log groups on the stage key


def attr_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(attr_size({kind[0]: one}) for one in inner)
    if kind == "L":
        return 3 + sum(1 + attr_size(one) for one in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + attr_size(v) for k, v in inner.items())
    return 1


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item: attribute names plus values (its documented rules)."""
    return sum(len(name.encode()) + attr_size(value) for name, value in item.items())


def _entries(call: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(kind, table, request)`` of each item a DynamoDB write names."""
    params, op = call["params"], call["operation"]
    if op == "TransactWriteItems":
        return [
            (kind, request["TableName"], request)
            for entry in params["TransactItems"]
            for kind, request in entry.items()
        ]
    if op == "BatchWriteItem":
        return [
            (kind.replace("Request", ""), table_name, request)
            for table_name, requests in params["RequestItems"].items()
            for entry in requests
            for kind, request in entry.items()
        ]
    return [(op.replace("Item", ""), params["TableName"], params)]


def written_keys(calls: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Every ``(table, key)`` an update, delete or condition check named, each once."""
    seen: dict[str, tuple[str, dict[str, Any]]] = {}
    for call in calls:
        if call["service"] != "dynamodb" or call["operation"] not in WRITES:
            continue
        for kind, table_name, request in _entries(call):
            if kind != "Put" and "Key" in request:
                seen[f"{table_name}|{json.dumps(request['Key'], sort_keys=True)}"] = (
                    table_name,
                    request["Key"],
                )
    return list(seen.values())


def dynamodb_units(
    call: dict[str, Any], sizes: dict[str, int], tables: dict[str, dict[str, Any]]
) -> tuple[float, float]:
    """``(RRU, WRU)`` of one recorded DynamoDB call."""
    op, params, parsed = call["operation"], call["params"], call["parsed"]
    read = 1.0 if params.get("ConsistentRead") else 0.5
    if op == "GetItem":
        return read * max(1, math.ceil(item_size(parsed.get("Item", {})) / 4096)), 0.0
    if op in ("Query", "Scan"):
        total = sum(item_size(item) for item in parsed.get("Items", []))
        return read * max(1, math.ceil(total / 4096)), 0.0
    if op in ("BatchGetItem", "TransactGetItems"):
        factor = 2.0 if op == "TransactGetItems" else read
        items = [i for found in parsed.get("Responses", {}).values() for i in found]
        items = [i.get("Item", i) for i in items] if op == "TransactGetItems" else items
        return sum(factor * max(1, math.ceil(item_size(i) / 4096)) for i in items), 0.0
    if op not in WRITES:
        return 0.0, 0.0
    factor = 2.0 if op == "TransactWriteItems" else 1.0
    units = 0.0
    for kind, table_name, request in _entries(call):
        if kind == "Put":
            item = request["Item"]
            size = item_size(item)
        else:
            size = sizes.get(f"{table_name}|{json.dumps(request['Key'], sort_keys=True)}", 0)
            item = {}
        units += factor * max(1, math.ceil(size / 1024))
        if kind == "ConditionCheck":
            continue
        touched = json.dumps(request.get("ExpressionAttributeNames", {})) + str(
            request.get("UpdateExpression", "")
        )
        for index_key in tables.get(table_name, {}).get("indexes", []):
            if index_key in item or index_key in touched or (kind == "Delete" and size):
                units += max(1, math.ceil(size / 1024))
    return 0.0, units


def her_page() -> tuple[int, int]:
    """``(requests, gzipped bytes)`` of her page's first load from ``web/dist`` (its HTML, the
    files it names, ``config.json``); a stated 6 requests and 200 kB without a built site."""
    dist = ROOT / "web" / "dist"
    index = dist / "index.html"
    if not index.exists():
        return 6, 200_000
    html = index.read_text(encoding="utf-8")
    named = re.findall(r'(?:src|href)="/?([^"]+\.(?:js|css))"', html)
    files = [index, *(dist / name for name in named if (dist / name).exists())]
    return len(files) + 1, sum(len(gzip.compress(f.read_bytes())) for f in files) + 300


def billed(call: dict[str, Any]) -> bool:
    """Whether a call is billed to the account. Of the event-source side (the pump standing in
    for Lambda's pollers), only SQS receives that got messages and the deletes: Lambda's reads
    of a DynamoDB stream are free, its empty long polls are a fixed monthly line."""
    if call["function"] != "esm":
        return bool(call["function"] != "driver")
    if call["operation"] == "ReceiveMessage":
        return bool(call["parsed"].get("Messages"))
    return str(call["operation"]).startswith("DeleteMessage")


def cost_model(recorded: dict[str, Any], typical: Typical) -> dict[str, Any]:
    """Every figure of ``python -m bench.cost``, as a JSON-able dict."""
    t, p = typical, {k: v.usd for k, v in PRICES.items()}
    calls, timings = recorded["calls"], recorded["timings"]
    invoked = Counter(timing["function"] for timing in timings)
    officer_polls = math.ceil((t.wait_s + t.call_s) / t.officer_poll_s)
    wanted = {
        "api POST /sessions": 1.0,
        "api GET /verify/{code}": math.ceil((t.wait_s + t.call_s - t.her_after_s) / t.her_poll_s),
        "api GET /sessions/{session_id}": officer_polls + math.ceil(t.call_s / t.console_poll_s),
        "api POST /sessions/{session_id}/claim": 1.0,
        "api POST /sessions/{session_id}/outcome": 1.0,
    }
    # API routes: a typical verification's requests over the run's; handlers: as they ran.
    scale = {name: wanted.get(name, count) / count for name, count in invoked.items()}
    scale["api GET /queue"] = 0.0  # the consoles' polling: a fixed monthly line
    scale["esm"], scale["driver"] = 1.0, 0.0
    counted = [c for c in calls if scale.get(c["function"], 0.0) > 0 and billed(c)]
    operations: defaultdict[str, float] = defaultdict(float)
    per_function: dict[str, Counter[str]] = {}
    rru = wru = 0.0
    for call in counted:
        weight = scale[call["function"]]
        name = f"{call['service']}:{call['operation']}"
        operations[name] += weight
        per_function.setdefault(call["function"], Counter())[name] += 1
        if call["service"] == "dynamodb":
            r, w = dynamodb_units(call, recorded["final_sizes"], recorded["tables"])
            rru, wru = rru + r * weight, wru + w * weight
    lambdas = {
        name: {
            "invocations": wanted.get(name, count) if name.startswith("api ") else count,
            "recorded": count,
            "ms": round(sum(x["ms"] for x in timings if x["function"] == name) / count, 1),
        }
        for name, count in invoked.items()
        if name != "api GET /queue"
    }
    authorizer = math.ceil((t.wait_s + t.call_s) / t.authorizer_ttl_s)
    lambdas["authorizer"] = {"invocations": authorizer, "recorded": 0, "ms": t.authorizer_ms}
    invocations = sum(f["invocations"] for f in lambdas.values())
    gb_s = sum(
        f["invocations"] * math.ceil(f["ms"]) / 1000 * t.memory_mb / 1024 for f in lambdas.values()
    )
    api_requests = sum(wanted.values())
    # Each message EventBridge put on the meeting-events queue is a send billed to the queue's
    # owner: the messages the pump received beyond the app's own sends.
    received = sum(
        c["parsed"].get("Messages", 0) for c in counted if c["operation"] == "ReceiveMessage"
    )
    sent_by_app = operations["sqs:SendMessage"]
    sqs_requests = sum(v for k, v in operations.items() if k.startswith("sqs:"))
    sqs_requests += max(0.0, received - sent_by_app)
    # Who joins: the officer (from the start) and the sergeant (from the claim); she checks the
    # code on her own phone and watches the call on the officer's.
    joined = 2
    attendee_minutes = math.ceil((t.wait_s + t.call_s) / 60) + math.ceil(t.call_s / 60)
    page_requests, page_bytes = her_page()
    log_bytes = sum(bytes_ * scale.get(name, 0.0) for name, bytes_ in recorded["log_bytes"].items())
    log_bytes += invocations * t.platform_log_bytes + api_requests * t.access_log_bytes
    storage = _storage(counted, recorded["tables"], t)
    per_verification = {
        "chime_attendee_minutes": attendee_minutes * p["chime_attendee_minute"],
        "api_gateway": api_requests * p["api_gateway_request"],
        "lambda_requests": invocations * p["lambda_request"],
        "lambda_duration": gb_s * p["lambda_gb_second"],
        "dynamodb_writes": wru * p["dynamodb_wru"],
        "dynamodb_reads": rru * p["dynamodb_rru"],
        "dynamodb_storage": storage["usd_per_verification"],
        "sns": operations["sns:Publish"] * (p["sns_publish"] + t.sergeants_paged * p["sns_email"]),
        "sqs": sqs_requests * p["sqs_request"],
        "cloudfront": page_requests * p["cloudfront_https_request"]
        + page_bytes / 1e9 * p["cloudfront_gb_out"],
        "waf_requests": api_requests * p["waf_request"],
        "waf_logs": api_requests * t.waf_log_bytes / 1e9 * p["logs_vended_gb"],
        "cloudwatch_logs": log_bytes / 1e9 * p["logs_ingest_gb"],
        "kms_requests": 6 * p["kms_request"],
    }
    total = sum(per_verification.values())
    dominant = max(per_verification, key=lambda k: per_verification[k])

    def fixed(consoles: int) -> dict[str, float]:
        month_s = 30 * 86400
        polls = consoles * month_s / t.console_poll_s
        queue = [x["ms"] for x in timings if x["function"] == "api GET /queue"] or [20.0]
        return {
            "console_queue_polling": polls
            * (
                p["api_gateway_request"]
                + p["lambda_request"]
                + p["waf_request"]
                + math.ceil(queue[0]) / 1000 * t.memory_mb / 1024 * p["lambda_gb_second"]
                + 0.5 * p["dynamodb_rru"]
                + (t.access_log_bytes + t.waf_log_bytes) / 1e9 * p["logs_ingest_gb"]
            )
            + consoles * month_s / t.authorizer_ttl_s * p["lambda_request"],
            "waf_web_acl_and_rules": p["waf_web_acl_month"] + 6 * p["waf_rule_month"],
            "kms_key_and_idle_requests": p["kms_key_month"]
            + t.encrypted_resources * 8640 * p["kms_request"],
            "cloudwatch_alarms": t.alarms * p["cloudwatch_alarm_month"],
            "cloudwatch_dashboard": p["cloudwatch_dashboard_month"],
            "cloudwatch_metrics": len(recorded["metrics"]) * p["cloudwatch_metric_month"],
            "sqs_idle_polling": 2 * t.esm_polls_month * p["sqs_request"],
        }

    def month(volume: int, consoles: int) -> dict[str, Any]:
        lines = fixed(consoles)
        audit_growth = storage["audit_bytes"] * volume * 12 * t_years(t) / 2 / 1e9
        lines["audit_storage_average_over_retention"] = audit_growth * (
            p["dynamodb_storage_gb_month"] + p["dynamodb_pitr_gb_month"]
        )
        fixed_total = sum(lines.values())
        return {
            "verifications": volume,
            "consoles": consoles,
            "variable_usd": round(total * volume, 2),
            "fixed_usd": round(fixed_total, 2),
            "total_usd": round(total * volume + fixed_total, 2),
            "fixed": {k: round(v, 2) for k, v in lines.items()},
            "dominant": max(
                [*((k, v * volume) for k, v in per_verification.items()), *lines.items()],
                key=lambda kv: kv[1],
            )[0],
        }

    return {
        "region": REGION,
        "price_date": PRICE_DATE,
        "price_source": SOURCE,
        "prices": {k: asdict(v) for k, v in PRICES.items()},
        "typical": asdict(t),
        "recorded": {
            "calls": dict(
                sorted(
                    Counter(
                        f"{c['service']}:{c['operation']}"
                        for c in calls
                        if c["function"] not in ("driver", "esm")
                    ).items()
                )
            ),
            "by_function": {k: dict(sorted(v.items())) for k, v in sorted(per_function.items())},
            "invocations": dict(sorted(invoked.items())),
            "routes": recorded["routes"],
            "emf_metrics": recorded["metrics"],
            "dead_letters": recorded["dead_letters"],
        },
        "verification": {
            "aws_calls": {k: round(v, 1) for k, v in sorted(operations.items())},
            "lambda": lambdas,
            "lambda_invocations": invocations,
            "lambda_gb_seconds": round(gb_s, 3),
            "api_requests": api_requests,
            "dynamodb_rru": round(rru, 1),
            "dynamodb_wru": round(wru, 1),
            "sqs_requests": sqs_requests,
            "sns_publishes": operations["sns:Publish"],
            "chime_attendees_joined": joined,
            "chime_attendee_minutes": attendee_minutes,
            "her_page": {"requests": page_requests, "bytes": page_bytes},
            "log_bytes": round(log_bytes),
            "storage": storage,
            "usd": {k: round(v, 6) for k, v in per_verification.items()},
            "total_usd": round(total, 5),
            "dominant": dominant,
            "sms_instead_of_email_usd": round(
                operations["sns:Publish"] * t.sergeants_paged * p["sns_sms_uk"], 4
            ),
        },
        "monthly": month(t.monthly, t.consoles),
        "met_scale": {
            **month(t.met_monthly, t.met_consoles),
            "assumption": (
                f"{t.met_monthly:,} verifications a month: an upper bound, about every stop and "
                "search the Met records (roughly 180,000 a year, as recalled), though the scheme "
                f"covers only plain-clothes stops of a lone woman; {t.met_consoles} consoles open"
            ),
        },
    }


def t_years(t: Typical) -> int:
    return AUDIT_YEARS


def _storage(
    calls: list[dict[str, Any]], tables: dict[str, dict[str, Any]], t: Typical
) -> dict[str, Any]:
    """Bytes a verification stores: its sessions-table items (kept ``session_retention_days``)
    and audit entries (kept :data:`AUDIT_YEARS`), each with overhead and index copies."""
    stored: dict[str, int] = {}
    for call in calls:
        if call["service"] != "dynamodb" or call["operation"] not in WRITES:
            continue
        for kind, table_name, request in _entries(call):
            if kind != "Put":
                continue
            info = tables.get(table_name, {})
            copies = 1 + sum(1 for key in info.get("indexes", []) if key in request["Item"])
            size = (item_size(request["Item"]) + ITEM_OVERHEAD) * copies
            logical = info.get("logical", table_name)
            stored[logical] = stored.get(logical, 0) + size
    session_bytes = stored.get("Sessions", 0)
    audit_bytes = stored.get("Audit", 0)
    price = PRICES["dynamodb_storage_gb_month"].usd + PRICES["dynamodb_pitr_gb_month"].usd
    months = t.session_retention_days / 30
    return {
        "by_table_bytes": stored,
        "session_bytes": session_bytes,
        "audit_bytes": audit_bytes,
        "audit_years": AUDIT_YEARS,
        "usd_per_verification": session_bytes / 1e9 * months * price
        + audit_bytes / 1e9 * AUDIT_YEARS * 12 * price,
    }


def table(figures: dict[str, Any]) -> str:
    v, m, met = figures["verification"], figures["monthly"], figures["met_scale"]
    lines = [
        f"Cost per verification (python -m bench.cost), {figures['region']}, prices of "
        f"{figures['price_date']}: {figures['price_source']}",
        f"  typical: claimed after {figures['typical']['wait_s']:.0f} s, call "
        f"{figures['typical']['call_s']:.0f} s, Lambda {figures['typical']['memory_mb']} MB",
        f"  recorded calls: {figures['recorded']['calls']}",
        f"  per verification: {v['lambda_invocations']:.0f} invocations, {v['api_requests']:.0f}"
        f" API requests, {v['dynamodb_rru']} RRU, {v['dynamodb_wru']} WRU, "
        f"{v['sns_publishes']:.0f} publishes, {v['sqs_requests']:.0f} SQS requests, "
        f"{v['chime_attendee_minutes']} attendee-minutes",
    ]
    for name, usd in sorted(v["usd"].items(), key=lambda kv: -kv[1]):
        lines.append(f"    {name:<28}${usd:.6f}")
    lines.append(f"  one verification: ${v['total_usd']:.4f} (dominant: {v['dominant']})")
    for label, month in (("a month", m), ("Met scale", met)):
        lines.append(
            f"  {month['verifications']:,} {label} ({month['consoles']} consoles): "
            f"${month['total_usd']:,.2f} = ${month['variable_usd']:,.2f} + fixed "
            f"${month['fixed_usd']:,.2f}; dominant: {month['dominant']}"
        )
    lines.append(f"  Met scale: {met['assumption']}")
    return "\n".join(lines)
