"""Domain errors and the single source of their HTTP status codes.

The domain never talks HTTP, but every refusal it makes has to reach a client as
``{"error": {"code": ..., "message": ..., "details": [...]}}`` with the right 4xx. Keeping the
status on the exception class (``http_status``) means the HTTP layer maps errors with one generic
handler instead of a table that can drift from the domain.

======================  ======  ========================  ==================================
class                   status  default ``code``          raised when
======================  ======  ========================  ==================================
``ValidationFailed``    400     ``validation_error``      input is malformed (names the field)
``Forbidden``           403     ``forbidden``             the caller may not do this
``NotFound``            404     ``not_found``             no such thing (raised by adapters)
``Conflict``            409     ``conflict``              late, duplicate or invalid transition
``OfficerNotEligible``  409     ``officer_not_eligible``  ``verified`` on a suspended officer
======================  ======  ========================  ==================================

``OfficerNotEligible`` is a 409 rather than a 422: the request is well formed and would succeed for
another officer; it conflicts with the current state of the officer register. Its ``code`` is more
specific (``officer_suspended`` / ``officer_not_serving``) so a console can show the right words.
"""

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "NotFound",
    "OfficerNotEligible",
    "ValidationFailed",
]


class DomainError(Exception):
    """Base class of every refusal made by the domain.

    Parameters
    ----------
    message
        Plain-English explanation, safe to show to the caller.
    code
        Machine-readable code; defaults to the class's ``default_code``.
    details
        Optional list of ``{"field": ..., "message": ...}`` items (CSV import adds ``"row"``).

    Attributes
    ----------
    http_status
        The HTTP status the API answers with (class attribute, one per subclass).
    code, message, details
        As passed in; ``details`` is always a list of plain dicts.
    """

    http_status: ClassVar[int] = 400
    default_code: ClassVar[str] = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.message: str = message
        self.code: str = code or self.default_code
        self.details: list[dict[str, Any]] = [dict(item) for item in details]

    def to_body(self) -> dict[str, Any]:
        """Return the API error envelope for this error.

        Returns
        -------
        dict
            ``{"error": {"code": ..., "message": ..., "details": [...]}}``.
        """
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotFound(DomainError):  # noqa: N818 - API names
    """The session, officer or code does not exist (or is not visible to the caller)."""

    http_status: ClassVar[int] = 404
    default_code: ClassVar[str] = "not_found"


class Forbidden(DomainError):  # noqa: N818 - API names
    """The caller is authenticated but their role, force or identity does not allow this."""

    http_status: ClassVar[int] = 403
    default_code: ClassVar[str] = "forbidden"


class Conflict(DomainError):  # noqa: N818 - API names
    """A late, duplicate or otherwise invalid state transition.

    The adapter raises it too when a conditional write loses a race, so "someone else got there
    first" looks the same to a client whichever layer noticed it.
    """

    http_status: ClassVar[int] = 409
    default_code: ClassVar[str] = "conflict"


class ValidationFailed(DomainError):  # noqa: N818 - API names
    """Input is malformed; ``details`` name every offending field."""

    http_status: ClassVar[int] = 400
    default_code: ClassVar[str] = "validation_error"

    @classmethod
    def for_field(cls, field: str, message: str) -> "ValidationFailed":
        """Build the error for a single bad field.

        Parameters
        ----------
        field
            The field name as the client sent it (e.g. ``"reason"``).
        message
            What is wrong with it, in plain English.

        Returns
        -------
        ValidationFailed
            With ``message`` and one ``{"field", "message"}`` detail.
        """
        return cls(message, details=[{"field": field, "message": message}])

    @classmethod
    def from_pydantic(
        cls,
        exc: ValidationError,
        *,
        message: str = "The request is not valid.",
        extra: Mapping[str, Any] | None = None,
    ) -> "ValidationFailed":
        """Translate a pydantic ``ValidationError`` into the API's error shape.

        Parameters
        ----------
        exc
            The pydantic error.
        message
            Top-level message.
        extra
            Keys merged into every detail (the CSV import adds ``{"row": n}``).

        Returns
        -------
        ValidationFailed
            One detail per pydantic error; ``field`` is the dotted location (``"location.lat"``)
            or ``None`` for a whole-object error.
        """
        return cls(message, details=pydantic_details(exc, extra=extra))


class OfficerNotEligible(DomainError):  # noqa: N818 - API names
    """The officer's register status forbids the action (e.g. ``verified`` when suspended)."""

    http_status: ClassVar[int] = 409
    default_code: ClassVar[str] = "officer_not_eligible"


def pydantic_details(
    exc: ValidationError, *, extra: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Flatten a pydantic ``ValidationError`` into ``{"field", "message"}`` details.

    Parameters
    ----------
    exc
        The pydantic error.
    extra
        Keys merged into every detail.

    Returns
    -------
    list of dict
        One item per error, in pydantic's order.
    """
    details: list[dict[str, Any]] = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(part) for part in error["loc"])
        detail: dict[str, Any] = dict(extra or {})
        detail["field"] = location or None
        detail["message"] = error["msg"]
        details.append(detail)
    return details
