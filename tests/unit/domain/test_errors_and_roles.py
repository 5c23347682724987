"""Error-to-status mapping, the error envelope, and the principal built from a token."""

import pytest
from pydantic import BaseModel, ValidationError

from functions.domain import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    OfficerNotEligible,
    Principal,
    Role,
    ValidationFailed,
    roles_from_groups,
)


@pytest.mark.parametrize(
    ("error_class", "status", "code"),
    [
        (ValidationFailed, 400, "validation_error"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (OfficerNotEligible, 409, "officer_not_eligible"),
    ],
)
def test_each_error_carries_its_status_and_code(
    error_class: type[DomainError], status: int, code: str
) -> None:
    error = error_class("Something went wrong.")
    assert isinstance(error, DomainError)
    assert error.http_status == status
    assert error.code == code
    assert error.to_body() == {
        "error": {"code": code, "message": "Something went wrong.", "details": []}
    }


def test_specific_code_and_details_reach_the_body() -> None:
    detail = {"field": "status", "message": "suspended"}
    error = OfficerNotEligible("Suspended.", code="officer_suspended", details=[detail])
    body = error.to_body()["error"]
    assert (body["code"], body["details"]) == ("officer_suspended", [detail])
    assert body["details"][0] is not detail  # copied, so callers cannot mutate the error


def test_for_field_names_the_field() -> None:
    error = ValidationFailed.for_field("reason", "Give a reason.")
    assert error.details == [{"field": "reason", "message": "Give a reason."}]
    assert error.message == "Give a reason."


def test_from_pydantic_uses_dotted_field_names() -> None:
    class Point(BaseModel):
        lat: float

    class Body(BaseModel):
        location: Point

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"location": {"lat": "north"}})
    error = ValidationFailed.from_pydantic(caught.value, extra={"row": 3})
    assert [(d["row"], d["field"]) for d in error.details] == [(3, "location.lat")]
    assert error.http_status == 400


def test_roles_from_groups_ignores_other_groups_and_case() -> None:
    groups = ["Sergeant", " officer ", "eu-west-2_pool_Google", "admins"]
    assert roles_from_groups(groups) == {Role.SERGEANT, Role.OFFICER}


def test_principal_normalises_force_and_area() -> None:
    principal = Principal(user_id="sub", roles=frozenset({Role.OFFICER}), force=" met ", area="nw")
    assert (principal.force, principal.area) == ("MET", "NW")
    assert principal.in_force("Met")
    assert not principal.in_force("WMP")


def test_principal_predicates() -> None:
    principal = Principal.model_validate(
        {"user_id": "sub", "roles": ["sergeant", "officer"], "force": "MET", "officer_id": "m-1"}
    )
    assert (principal.is_officer, principal.is_sergeant) == (True, True)
    assert (principal.is_operator, principal.is_admin) == (False, False)
    assert principal.has_role(Role.SERGEANT)
    assert principal.is_officer_record("m-1")
    assert not principal.is_officer_record("m-2")


def test_principal_without_officer_record_owns_nothing() -> None:
    principal = Principal(user_id="sub", roles=frozenset({Role.OPERATOR}), force="MET")
    assert not principal.is_officer_record(None)


@pytest.mark.parametrize(
    "data",
    [
        {"user_id": "", "force": "MET"},
        {"user_id": "sub", "force": "M"},
        {"user_id": "sub", "force": "MET", "roles": ["chief"]},
        {"user_id": "sub", "force": "MET", "group": "x"},
    ],
)
def test_principal_rejects_bad_claims(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Principal.model_validate(data)
