"""Bulk import of the officer register from HR's CSV: all or nothing, every problem listed."""

from typing import Any

import pytest

from functions.domain import MAX_ROWS, Officer, OfficerStatus, Rank, ValidationFailed
from functions.domain.officer_import import COLUMNS, parse_officer_csv, parse_yes_no

HEADER = "officer_id,force,shoulder_number,given_name,family_name,rank,area,status,sergeant"
ROW_1 = "met-1001,MET,1234AB,Jane,Smith,PC,CENTRAL,serving,no"
ROW_2 = "met-2001,MET,77,Ravi,Patel,PS,CENTRAL,serving,yes"
ROW_3 = "met-3001,MET,5550,Anna,Kowalska,DC,NORTH,suspended,no"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def problems(text: str, **kwargs: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_officer_csv(text, **kwargs)
    assert caught.value.http_status == 400
    return caught.value.details


def test_good_file_imports_every_officer_in_order() -> None:
    officers = parse_officer_csv(csv_text(ROW_1, ROW_2, ROW_3))
    assert [o.officer_id for o in officers] == ["met-1001", "met-2001", "met-3001"]
    assert all(isinstance(o, Officer) for o in officers)
    sergeant = officers[1]
    assert (sergeant.rank, sergeant.is_sergeant) == (Rank.PS, True)
    assert officers[2].status is OfficerStatus.SUSPENDED
    # Imported officers start off duty and without a photo.
    assert not any(o.on_duty or o.photo_key for o in officers)


def test_tolerates_excel_export_quirks() -> None:
    # BOM, CRLF line ends, header in another order and case, padded cells, quoted commas.
    header = (
        "\ufeffForce, OFFICER_ID ,sergeant,rank,area,status,given_name,family_name,Shoulder_Number"
    )
    row = ' met ,met-1001, Y ,ch insp,central,Serving,"Mary, Jane",Smith, 12ab '
    (officer,) = parse_officer_csv(f"{header}\r\n{row}\r\n")
    assert officer.force == "MET"
    assert officer.shoulder_number == "12AB"
    assert officer.rank is Rank.CH_INSP
    assert officer.given_name == "Mary, Jane"
    assert officer.is_sergeant is True


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("YES", True),
        ("y", True),
        ("True", True),
        ("1", True),
        ("no", False),
        ("N", False),
        ("false", False),
        ("0", False),
        (" No ", False),
        ("maybe", None),
        ("", None),
        ("2", None),
    ],
)
def test_yes_no(text: str, value: bool | None) -> None:
    assert parse_yes_no(text) is value


@pytest.mark.parametrize(
    ("column", "bad"),
    [
        ("officer_id", ""),
        ("officer_id", "met 1001"),
        ("force", ""),
        ("force", "M"),
        ("shoulder_number", ""),
        ("shoulder_number", "12-34"),
        ("given_name", ""),
        ("family_name", "x" * 65),
        ("rank", "Captain"),
        ("rank", ""),
        ("area", "north west"),
        ("status", "retired"),
        ("status", ""),
        ("sergeant", "maybe"),
        ("sergeant", ""),
    ],
)
def test_each_bad_field_is_reported_with_row_and_column(column: str, bad: str) -> None:
    values = dict(zip(COLUMNS, ROW_2.split(","), strict=True))
    values[column] = bad
    bad_row = ",".join(values[c] for c in COLUMNS)

    details = problems(csv_text(ROW_1, bad_row, ROW_3))

    assert [(d["row"], d["field"]) for d in details] == [(2, column)]
    assert details[0]["message"]


def test_every_bad_row_is_listed_and_nothing_is_imported() -> None:
    bad_1 = "met-1001,MET,1234AB,Jane,Smith,Captain,CENTRAL,serving,no"
    bad_3 = "met-3001,MET,5550,,Kowalska,DC,NORTH,on leave,perhaps"
    details = problems(csv_text(bad_1, ROW_2, bad_3))
    assert [(d["row"], d["field"]) for d in details] == [
        (1, "rank"),
        (3, "given_name"),
        (3, "status"),
        (3, "sergeant"),
    ]


@pytest.mark.parametrize(
    "row", ["met-1001,MET,1234AB,Jane,Smith,PC,CENTRAL,serving", ROW_1 + ",extra"]
)
def test_wrong_number_of_values(row: str) -> None:
    details = problems(csv_text(row))
    assert [(d["row"], d["field"]) for d in details] == [(1, None)]
    assert "expected 9 values" in details[0]["message"]


def test_duplicate_officer_id_reported_on_the_later_row() -> None:
    again = "met-1001,MET,999,Someone,Else,PC,CENTRAL,serving,no"
    details = problems(csv_text(ROW_1, ROW_2, again))
    assert [(d["row"], d["field"]) for d in details] == [(3, "officer_id")]
    assert "row 1" in details[0]["message"]


def test_duplicate_shoulder_number_in_a_force_after_normalising() -> None:
    same_number = "met-4001,met,1234ab,Other,Person,PC,CENTRAL,serving,no"
    details = problems(csv_text(ROW_1, same_number))
    assert [(d["row"], d["field"]) for d in details] == [(2, "shoulder_number")]
    assert "MET 1234AB is already on row 1" in details[0]["message"]


def test_same_shoulder_number_in_another_force_is_fine() -> None:
    other_force = "wmp-1001,WMP,1234AB,Sam,Jones,PC,B1,serving,no"
    assert len(parse_officer_csv(csv_text(ROW_1, other_force))) == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER.replace(",sergeant", ""), [(0, "sergeant", "missing column")]),
        (HEADER + ",email", [(0, "email", "unknown column")]),
        (HEADER.replace("rank", "grade"), [(0, "grade", "unknown"), (0, "rank", "missing")]),
        (HEADER + ",force", [(0, "force", "more than once")]),
    ],
)
def test_header_problems_name_the_column(header: str, expected: list[tuple[int, str, str]]) -> None:
    details = problems(csv_text(ROW_1, header=header))
    assert len(details) == len(expected)
    for detail, (row, field, words) in zip(details, expected, strict=True):
        assert (detail["row"], detail["field"]) == (row, field)
        assert words in detail["message"]


@pytest.mark.parametrize("text", ["", "\n", "   \n\n", ",,,\n"])
def test_empty_file(text: str) -> None:
    details = problems(text)
    assert details == [{"row": 0, "field": None, "message": "the file is empty"}]


def test_header_without_officers_is_refused() -> None:
    details = problems(HEADER + "\n")
    assert "no data rows" in details[0]["message"]


def test_blank_lines_are_skipped_but_counted() -> None:
    bad = "met-3001,MET,5550,Anna,Kowalska,Captain,NORTH,serving,no"
    details = problems(csv_text(ROW_1, "", bad))
    assert [(d["row"], d["field"]) for d in details] == [(3, "rank")]
    assert len(parse_officer_csv(csv_text(ROW_1, "", ROW_2))) == 2


def officer_rows(count: int) -> list[str]:
    return [f"met-{n},MET,{n},Given,Family,PC,CENTRAL,serving,no" for n in range(1, count + 1)]


def test_row_limit_is_5000() -> None:
    assert MAX_ROWS == 5000
    assert len(parse_officer_csv(csv_text(*officer_rows(MAX_ROWS)))) == MAX_ROWS
    details = problems(csv_text(*officer_rows(MAX_ROWS + 1)))
    assert details == [{"row": 5001, "field": None, "message": "at most 5000 rows are allowed"}]


def test_row_limit_can_be_lowered() -> None:
    assert len(parse_officer_csv(csv_text(*officer_rows(3)), max_rows=3)) == 3
    assert problems(csv_text(*officer_rows(4)), max_rows=3)[0]["row"] == 4


def test_broken_csv_quoting_is_reported() -> None:
    details = problems(csv_text(ROW_1, 'met-2001,MET,77,"Ravi"x,Patel,PS,CENTRAL,serving,yes'))
    assert details[0]["field"] is None
    assert "not valid CSV" in details[0]["message"]
