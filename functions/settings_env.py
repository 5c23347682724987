"""The environment variables the app reads, declared once as a pydantic model.

:class:`Environment` names every variable (its ``validation_alias``), its default and its check;
:func:`read` validates a mapping of variables with it and turns the result into
:class:`functions.config.Settings`, raising ``ValueError`` with the same message for a bad value as
the app always has. The table and queue variables come from :mod:`functions.resources`, the one
definition the local stack and the CDK stack share.

Why a plain ``BaseModel`` and not ``pydantic-settings``: the app reads one flat, case-sensitive
mapping and nothing else (no dotenv files, secrets directories, nested or JSON-encoded values, or
command line), which is exactly ``model_validate`` on that mapping with the variable names as
aliases. ``pydantic-settings`` added only its sources around it, and importing it cost 28-45 ms of
every cold start (it imports ``asyncio``, ``argparse`` and ``dotenv``): issue 17 measured it as
the largest single item of the first request's own time (docs/performance.md, "Cold start").
:meth:`functions.config.Settings.from_env` imports this module on first use.

Blank values: a blank number, rate limit or ``AWS_REGION`` counts as unset (its default is used,
``AWS_REGION`` falls back to ``AWS_DEFAULT_REGION``); a blank name or list is kept blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions import resources
from functions.config import (
    DEFAULT_DROP_GRACE_SECONDS,
    DEFAULT_RATE_LIMITS,
    DEFAULT_VERIFY_FOLLOW,
    RUNGS,
    Settings,
)
from functions.domain.model import Model

__all__ = ["Environment", "read", "variables"]

BLANK_IS_UNSET = object()
"""Field metadata: a blank value of this field's variable counts as unset."""

_FOLLOW = "RATE_LIMIT_VERIFY_FOLLOW"


def _whole(raw: object) -> object:
    """A whole number as Python's ``int()`` reads it (``"1.0"`` is refused, as it always was)."""
    if isinstance(raw, str):
        try:
            return int(raw)
        except ValueError:
            raise PydanticCustomError("whole_number", "not a whole number") from None
    return raw


def _pair(raw: object) -> object:
    """``"30/3600"`` as ``(30, 3600)``; anything else is not a rate limit."""
    if not isinstance(raw, str):
        return raw
    requests, _, window = raw.partition("/")
    try:
        parsed = int(requests), int(window)
    except ValueError:
        raise PydanticCustomError("rate_form", "not requests/seconds") from None
    if parsed[0] < 1 or parsed[1] < 1:
        raise PydanticCustomError("rate_positive", "not positive")
    return parsed


def _listed(raw: object) -> object:
    """A comma-separated list, blanks dropped."""
    if isinstance(raw, str):
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    return raw


Whole = Annotated[int, BeforeValidator(_whole), BLANK_IS_UNSET]
"""A whole-number variable; blank means its default."""

WholeOrUnset = Annotated[Annotated[int, BeforeValidator(_whole)] | None, BLANK_IS_UNSET]
"""A whole-number variable whose default depends on another; blank means that default."""

Rate = Annotated[tuple[int, int], BeforeValidator(_pair), BLANK_IS_UNSET]
"""A ``requests/seconds`` rate limit; blank means its default."""

Listed = Annotated[tuple[str, ...], BeforeValidator(_listed)]
"""A comma-separated list; blank means an empty list."""


def _table(table: resources.Table) -> Any:
    """A table's name: its variable and default from :mod:`functions.resources`."""
    return Field(table.default_name, validation_alias=table.env_var)


def _address(resource: resources.Queue | resources.Topic) -> Any:
    """A queue's URL or a topic's ARN: its variable from :mod:`functions.resources`, blank by
    default (only a deployment or the local stack knows it)."""
    return Field("", validation_alias=resource.env_var)


def _rate(route: str) -> Any:
    """A public route's ``RATE_LIMIT_<ROUTE>``, by default :data:`DEFAULT_RATE_LIMITS`'s."""
    return Field(DEFAULT_RATE_LIMITS[route], validation_alias=f"RATE_LIMIT_{route.upper()}")


def _whole_field(name: str, default: int, minimum: int) -> Any:
    """A whole number of at least ``minimum``."""
    return Field(default, validation_alias=name, ge=minimum)


class Environment(Model):
    """Every variable the app reads, in the order they are checked.

    The first bad value (in this order) is the one reported, as when the variables were read one
    by one. Names, defaults and minimums are the ones documented on
    :class:`functions.config.Settings`.
    """

    # Validated from the variables by name only (``validation_alias``), as on Linux: names are
    # case-sensitive, and every other variable in the mapping is ignored.
    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_name=False)

    rate_verify: Rate = _rate("verify")
    rate_public_call: Rate = _rate("public_call")
    rate_attendance: Rate = _rate("attendance")
    rate_call_status: Rate = _rate("call_status")
    rate_record: Rate = _rate("record")
    rate_feedback: Rate = _rate("feedback")
    request_budget_seconds: Whole = _whole_field("REQUEST_BUDGET_SECONDS", 6, 2)
    meeting_check_seconds: WholeOrUnset = Field(
        None, validation_alias="MEETING_CHECK_SECONDS", ge=1, validate_default=True
    )
    region: Annotated[str, BLANK_IS_UNSET] = Field(
        "eu-west-2", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    media_region: str = Field("eu-west-2", validation_alias="MEDIA_REGION")
    sessions_table: str = _table(resources.SESSIONS)
    officers_table: str = _table(resources.OFFICERS)
    alerts_topic_arn: str = _address(resources.ALERTS_TOPIC)
    photos_bucket: str = Field("safe-connection-photos", validation_alias="PHOTOS_BUCKET")
    user_pool_id: str = Field("", validation_alias="USER_POOL_ID")
    user_pool_client_ids: Listed = Field((), validation_alias="USER_POOL_CLIENT_IDS")
    escalation_delay_seconds: Whole = _whole_field("ESCALATION_DELAY_SECONDS", 30, 1)
    session_retention_days: Whole = _whole_field("SESSION_RETENTION_DAYS", 30, 1)
    photo_url_seconds: Whole = _whole_field("PHOTO_URL_SECONDS", 300, 30)
    escalation_ladder: tuple[str, ...] = Field(RUNGS, validation_alias="ESCALATION_LADDER")
    drop_grace_seconds: Whole = _whole_field("DROP_GRACE_SECONDS", DEFAULT_DROP_GRACE_SECONDS, 1)
    audit_table: str = _table(resources.AUDIT)
    idempotency_table: str = _table(resources.IDEMPOTENCY)
    timers_queue_url: str = _address(resources.TIMERS_QUEUE)
    idempotency_seconds: Whole = _whole_field("IDEMPOTENCY_SECONDS", 3600, 60)
    public_code_hours: Whole = _whole_field("PUBLIC_CODE_HOURS", 1, 1)
    rate_limits_table: str = _table(resources.RATE_LIMITS)
    records_table: str = _table(resources.RECORDS)
    record_retention_days: Whole = _whole_field("RECORD_RETENTION_DAYS", 90, 1)
    standards_topic_arn: str = _address(resources.STANDARDS_TOPIC)
    verify_follow_limit: Annotated[int, BLANK_IS_UNSET] = Field(
        DEFAULT_VERIFY_FOLLOW, validation_alias=_FOLLOW, validate_default=True
    )
    service_level_target_seconds: Whole = _whole_field("SERVICE_LEVEL_TARGET_SECONDS", 30, 1)
    service_level_goal: Annotated[float, BLANK_IS_UNSET] = Field(
        0.8, validation_alias="SERVICE_LEVEL_GOAL", gt=0, lt=1
    )
    report_time_zone: Annotated[str, BLANK_IS_UNSET] = Field(
        "Europe/London", validation_alias="REPORT_TIME_ZONE"
    )

    @field_validator("report_time_zone", mode="after")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        """An IANA zone that this Python can load (``tzdata`` ships the database)."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"REPORT_TIME_ZONE must be an IANA time zone, not {name!r}") from None
        return name

    @field_validator("meeting_check_seconds", mode="after")
    @classmethod
    def _after_the_budget(cls, check: int | None, info: ValidationInfo) -> int | None:
        """By default ``max(10, budget + 2)``; always more than the request budget."""
        budget: int | None = info.data.get("request_budget_seconds")
        if budget is None:  # the budget itself is wrong, and reported first
            return check
        if check is None:
            return max(10, budget + 2)
        if check <= budget:
            raise ValueError(
                f"MEETING_CHECK_SECONDS ({check}) must be more than REQUEST_BUDGET_SECONDS "
                f"({budget}): a meeting is only judged ownerless once the start that made it has"
                " answered"
            )
        return check

    @field_validator("escalation_ladder", mode="before")
    @classmethod
    def _rungs(cls, raw: object) -> object:
        """Known rungs, lower-cased, in the order given."""
        if not isinstance(raw, str):
            return raw
        rungs = tuple(r.strip().lower() for r in raw.split(",") if r.strip())
        unknown = [r for r in rungs if r not in RUNGS]
        if unknown:
            raise ValueError(
                f"ESCALATION_LADDER takes {', '.join(RUNGS)} (comma-separated), not {unknown[0]!r}"
            )
        return rungs

    @field_validator("verify_follow_limit", mode="before")
    @classmethod
    def _in_the_verify_window(cls, raw: object, info: ValidationInfo) -> object:
        """``RATE_LIMIT_VERIFY_FOLLOW``: a count of lookups in ``RATE_LIMIT_VERIFY``'s window.

        Both counters live in one item per client and window (one write per lookup), so the
        follow limit has no window of its own: it is written ``720`` or, in the same
        ``requests/seconds`` form as the other limits, ``720/3600`` with the seconds equal to
        ``RATE_LIMIT_VERIFY``'s. It must be at least the guess limit, since every wrong code is
        also a lookup.
        """
        verify = info.data.get("rate_verify")
        if verify is None:  # RATE_LIMIT_VERIFY is wrong, and reported first
            return raw
        guesses, window = verify
        follows, seconds = DEFAULT_VERIFY_FOLLOW, window
        if isinstance(raw, str):
            requests, slash, per = raw.partition("/")
            try:
                follows, seconds = int(requests), int(per) if slash else window
            except ValueError:
                raise ValueError(
                    f"{_FOLLOW} must look like 720/{window} or 720 (lookups in RATE_LIMIT_VERIFY's"
                    f" window), got {raw!r}"
                ) from None
        elif isinstance(raw, int):
            follows = raw
        if seconds != window:
            raise ValueError(
                f"{_FOLLOW} is counted in RATE_LIMIT_VERIFY's window of {window} s: write "
                f"{follows}/{window} or just {follows}, not {raw!r}"
            )
        if follows < guesses:
            raise ValueError(
                f"{_FOLLOW} ({follows}) must be at least RATE_LIMIT_VERIFY's {guesses}: every "
                "wrong code is also a lookup"
            )
        return follows

    def settings(self) -> Settings:
        """These values as the app's :class:`~functions.config.Settings`.

        Returns
        -------
        Settings
            The same values, the four ``rate_<route>`` fields gathered into ``rate_limits``.
        """
        rates = {f"rate_{route}": route for route in DEFAULT_RATE_LIMITS}
        values = self.model_dump(exclude=set(rates))
        limits = tuple((route, *getattr(self, field)) for field, route in rates.items())
        return Settings(**values, rate_limits=limits)


def _given(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the blank values of fields marked :data:`BLANK_IS_UNSET`, so that their
    default (or their next name, for ``AWS_REGION``) is used."""
    unset = {
        name
        for field in Environment.model_fields.values()
        if BLANK_IS_UNSET in field.metadata
        for name in _names(field.validation_alias)
    }
    return {k: v for k, v in env.items() if v != "" or k not in unset}


def _names(alias: object) -> tuple[str, ...]:
    """The variable names of a field's ``validation_alias``."""
    if isinstance(alias, AliasChoices):
        return tuple(choice for choice in alias.choices if isinstance(choice, str))
    return (alias,) if isinstance(alias, str) else ()


def _message(error: Mapping[str, Any]) -> str:
    """The message the app has always given for this bad value."""
    name, kind, raw = (error["loc"] or ("",))[0], error["type"], error["input"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "whole_number":
        return f"{name} must be a whole number, got {raw!r}"
    if kind == "greater_than_equal":
        return f"{name} must be at least {error['ctx']['ge']}, got {raw}"
    if kind == "rate_form":
        return f"{name} must look like 30/3600 (requests/seconds), got {raw!r}"
    if kind == "rate_positive":
        return f"{name} must be positive, got {raw!r}"
    return f"{name}: {error['msg']}, got {raw!r}"


def read(env: Mapping[str, str]) -> Settings:
    """Settings from a mapping of environment variables.

    Parameters
    ----------
    env
        The variables, usually ``os.environ``.

    Returns
    -------
    Settings
        Every setting, defaults filled in.

    Raises
    ------
    ValueError
        For the first variable (in :class:`Environment`'s order) that cannot work, saying which
        and why.
    """
    try:
        environment = Environment.model_validate(_given(env))
    except ValidationError as refused:
        raise ValueError(_message(refused.errors()[0])) from None
    return environment.settings()


def variables() -> frozenset[str]:
    """Every environment variable the app reads."""
    return frozenset(
        name
        for field in Environment.model_fields.values()
        for name in _names(field.validation_alias)
    )
