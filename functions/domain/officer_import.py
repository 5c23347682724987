"""Bulk import of the officer register from an HR CSV export (``POST /officers/import``).

The import is all-or-nothing: either every row is a valid officer and the whole list is returned,
or :class:`~functions.domain.errors.ValidationFailed` lists every problem and nothing is returned.
A half-imported register would leave some officers impossible to verify, which is worse than
fixing the file and sending it again.

Row numbers in error details: the header is row 0 and the first data row is row 1, so row ``n``
is line ``n + 1`` of a file without quoted line breaks (the spreadsheet row an admin sees).
Blank lines count as rows (so numbers keep matching the file) but are otherwise ignored.
"""

import csv
import io
from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError

from functions.domain.errors import ValidationFailed, pydantic_details
from functions.domain.officers import Officer

__all__ = ["COLUMNS", "MAX_ROWS", "parse_officer_csv", "parse_yes_no"]

COLUMNS: Final[tuple[str, ...]] = (
    "officer_id",
    "force",
    "shoulder_number",
    "given_name",
    "family_name",
    "rank",
    "area",
    "status",
    "sergeant",
)
"""The header columns, in any order, all required, no others."""

MAX_ROWS: Final[int] = 5000
"""Most data rows accepted in one file."""

_YES: Final = frozenset({"yes", "y", "true", "1"})
_NO: Final = frozenset({"no", "n", "false", "0"})
# CSV column -> Officer field, where they differ.
_FIELD_FOR_COLUMN: Final[Mapping[str, str]] = {"sergeant": "is_sergeant"}
_COLUMN_FOR_FIELD: Final[Mapping[str, str]] = {v: k for k, v in _FIELD_FOR_COLUMN.items()}


def parse_yes_no(text: str) -> bool | None:
    """Parse yes/no/true/false/y/n/1/0 (any case, surrounding spaces ignored).

    Returns
    -------
    bool or None
        ``None`` when the text is none of those.
    """
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def _problem(row: int, field: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _check_header(header: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    # Header names are matched case-insensitively and without surrounding spaces; Excel's UTF-8
    # BOM on the first cell is dropped.
    names = [name.strip().lstrip("\ufeff").strip().lower() for name in header]
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in names:
        if name not in COLUMNS:
            problems.append(_problem(0, name or None, f"unknown column {name!r}"))
        elif name in seen:
            problems.append(_problem(0, name, f"column {name!r} appears more than once"))
        seen.add(name)
    missing = [column for column in COLUMNS if column not in seen]
    problems.extend(_problem(0, column, f"missing column {column!r}") for column in missing)
    return names, problems


def _parse_row(
    number: int, names: list[str], values: list[str]
) -> tuple[Officer | None, list[dict[str, Any]]]:
    if len(values) != len(names):
        return None, [_problem(number, None, f"expected {len(names)} values, found {len(values)}")]
    raw = {name: value.strip() for name, value in zip(names, values, strict=True)}
    problems: list[dict[str, Any]] = []
    sergeant = parse_yes_no(raw["sergeant"])
    if sergeant is None:
        problems.append(_problem(number, "sergeant", "must be yes or no"))
    data: dict[str, Any] = {_FIELD_FOR_COLUMN.get(name, name): value for name, value in raw.items()}
    data["is_sergeant"] = bool(sergeant)
    try:
        officer = Officer.model_validate(data)
    except ValidationError as exc:
        for detail in pydantic_details(exc, extra={"row": number}):
            field = detail["field"]
            detail["field"] = _COLUMN_FOR_FIELD.get(field, field)
            problems.append(detail)
        return None, problems
    return (None if problems else officer), problems


def parse_officer_csv(text: str, *, max_rows: int = MAX_ROWS) -> list[Officer]:
    """Parse an HR export into officers, all or nothing.

    Parameters
    ----------
    text
        The CSV text (comma separated, first line the header). Header columns are those of
        :data:`COLUMNS` in any order and case. ``sergeant`` is yes/no/true/false/y/n/1/0;
        ``rank`` and ``status`` are case-insensitive. Every imported officer starts off duty and
        without a photo; keeping existing duty flags and photos is the adapter's job.
    max_rows
        Most data rows accepted (default :data:`MAX_ROWS`).

    Returns
    -------
    list of Officer
        In file order.

    Raises
    ------
    ValidationFailed
        If the file is empty, the header is wrong (details at row 0, naming the column), there
        are too many rows, or any row is bad: every bad field of every row is listed as
        ``{"row": n, "field": column or None, "message": ...}``. Duplicate ``officer_id`` and
        duplicate ``(force, shoulder_number)`` are reported on the later row.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ValidationFailed(
                "The file is empty.", details=[_problem(0, None, "the file is empty")]
            )
        names, problems = _check_header(header)
        if problems:
            raise ValidationFailed(
                "The header row is wrong; nothing was imported.", details=problems
            )

        officers: list[tuple[int, Officer]] = []
        for number, values in enumerate(reader, start=1):
            if number > max_rows:
                raise ValidationFailed(
                    f"The file has more than {max_rows} rows; split it and import each part.",
                    details=[_problem(number, None, f"at most {max_rows} rows are allowed")],
                )
            if not any(value.strip() for value in values):
                continue  # blank line
            officer, row_problems = _parse_row(number, names, values)
            problems.extend(row_problems)
            if officer is not None:
                officers.append((number, officer))
    except csv.Error as exc:
        # The reader stops at a malformed line (e.g. an unclosed quote), so this is the last
        # problem we can report.
        row = max(reader.line_num - 1, 0)
        raise ValidationFailed(
            "The file is not valid CSV.", details=[_problem(row, None, f"not valid CSV: {exc}")]
        ) from exc

    if not officers and not problems:
        raise ValidationFailed(
            "The file has a header but no officers.",
            details=[_problem(0, None, "the file has no data rows")],
        )
    problems.extend(_duplicates(officers))
    if problems:
        problems.sort(key=_problem_order)
        raise ValidationFailed(
            f"{len(problems)} problem(s) in the file; nothing was imported.", details=problems
        )
    return [officer for _, officer in officers]


def _problem_order(problem: Mapping[str, Any]) -> tuple[int, int]:
    # By row, then in the file's column order, so the list reads like the spreadsheet.
    field = problem["field"]
    return problem["row"], COLUMNS.index(field) if field in COLUMNS else -1


def _duplicates(officers: list[tuple[int, Officer]]) -> list[dict[str, Any]]:
    # Compared after normalisation, so "met,1234" and "MET, 1234 " are the same officer.
    problems: list[dict[str, Any]] = []
    by_id: dict[str, int] = {}
    by_shoulder: dict[tuple[str, str], int] = {}
    for number, officer in officers:
        first = by_id.setdefault(officer.officer_id, number)
        if first != number:
            problems.append(
                _problem(
                    number,
                    "officer_id",
                    f"officer_id {officer.officer_id} is already on row {first}",
                )
            )
        key = (officer.force, officer.shoulder_number)
        first = by_shoulder.setdefault(key, number)
        if first != number:
            problems.append(
                _problem(
                    number,
                    "shoulder_number",
                    f"{officer.force} {officer.shoulder_number} is already on row {first}",
                )
            )
    return problems
