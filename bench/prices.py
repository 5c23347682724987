"""The prices :mod:`bench.cost` uses: one table, region eu-west-2 (London), and their source.

No figure here was read from the AWS price list: this machine has no internet, and the search of
stored pages found no London price page. Every price is **as recalled, to be checked against the
AWS price list before quoting to a force** (``SOURCE``). Prices in US dollars, before tax and
before any free tier (the always-free tiers are noted where they would cover the whole line).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRICES", "PRICE_DATE", "REGION", "SOURCE", "Price"]

REGION = "eu-west-2"
PRICE_DATE = "2026-12-03"
"""The day the table was written (from memory of AWS's public prices, not read that day)."""
SOURCE = (
    "as recalled, to be checked against the AWS price list before quoting to a force "
    "(no internet on the machine that wrote it; no London price page in the stored pages)"
)


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    note: str = ""


PRICES: dict[str, Price] = {
    "lambda_request": Price(0.20 / 1e6, "request"),
    "lambda_gb_second": Price(0.0000166667, "GB-second (x86)", "init phase billed too"),
    "api_gateway_request": Price(3.50 / 1e6, "REST API request", "first 333 M a month"),
    "dynamodb_wru": Price(0.7625 / 1e6, "write request unit, on-demand", "after the Nov 2024 cut"),
    "dynamodb_rru": Price(0.1525 / 1e6, "read request unit, on-demand", "after the Nov 2024 cut"),
    "dynamodb_storage_gb_month": Price(0.2975, "GB-month, Standard table class"),
    "dynamodb_pitr_gb_month": Price(0.238, "GB-month, point-in-time recovery"),
    "sns_publish": Price(0.50 / 1e6, "publish (64 KB chunk)"),
    "sns_email": Price(2.00 / 1e5, "e-mail delivery"),
    "sns_sms_uk": Price(0.0395, "SMS to a UK number", "varies by carrier"),
    "sqs_request": Price(0.40 / 1e6, "standard queue request (64 KB chunk)"),
    "chime_attendee_minute": Price(0.0017, "attendee-minute (Chime SDK meetings)"),
    "cloudfront_https_request": Price(0.012 / 1e4, "HTTPS request, Europe"),
    "cloudfront_gb_out": Price(0.085, "GB to the internet, Europe, first 10 TB"),
    "waf_web_acl_month": Price(5.00, "web ACL a month"),
    "waf_rule_month": Price(1.00, "rule or managed rule group a month"),
    "waf_request": Price(0.60 / 1e6, "request inspected"),
    "kms_key_month": Price(1.00, "customer-managed key a month"),
    "kms_request": Price(0.03 / 1e4, "KMS API request"),
    "logs_ingest_gb": Price(0.5985, "GB ingested, CloudWatch Logs standard"),
    "logs_vended_gb": Price(0.5985, "GB ingested, vended logs (WAF), first 10 TB"),
    "logs_storage_gb_month": Price(0.0315, "GB-month archived"),
    "cloudwatch_metric_month": Price(0.30, "custom metric a month, first 10,000"),
    "cloudwatch_alarm_month": Price(0.10, "standard-resolution alarm a month"),
    "cloudwatch_dashboard_month": Price(3.00, "dashboard a month (first 3 free)"),
}
