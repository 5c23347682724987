"""Who may say a uniformed officer was sent: the force's control room, not their own stop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from functions.domain import Forbidden, Principal, Session
from functions.domain.sessions import authorise_attendance_sent

from .conftest import OFFICER_ID, SERGEANT_ID


def test_a_sergeant_or_operator_of_the_force_says_so_and_is_named(
    new_session: Session, sergeant: Principal, make_principal: Callable[..., Principal]
) -> None:
    operator = make_principal(user_id="sub-operator", roles=["operator"], officer_id=None)
    assert authorise_attendance_sent(sergeant, new_session) == SERGEANT_ID
    assert authorise_attendance_sent(operator, new_session) == "sub-operator"


@pytest.mark.parametrize(
    "who",
    [
        {"roles": ["officer"]},  # the officer who stopped her
        {"roles": ["sergeant", "officer"], "officer_id": OFFICER_ID},  # a sergeant's own stop
        {"roles": ["sergeant", "officer"], "officer_id": SERGEANT_ID, "force": "GMP"},
        {"roles": ["admin"], "officer_id": None},
    ],
    ids=["the-officer", "own-stop", "another-force", "admin"],
)
def test_nobody_else_says_so(
    new_session: Session, make_principal: Callable[..., Principal], who: dict[str, Any]
) -> None:
    with pytest.raises(Forbidden):
        authorise_attendance_sent(make_principal(**who), new_session)
