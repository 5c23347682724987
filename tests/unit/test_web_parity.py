"""The web pages take the server's facts from generated code, and the generated code is current.

``web/src/shared/api.generated.ts`` holds the TypeScript types of the API's pydantic models and
the domain's constants (states, limits, the public code). If a model or a constant changes and
nobody regenerates, the pages would type-check against a stale API: the first test fails and
says to run ``make types``. The others check that the generator finds new models by itself and
that no page keeps its own list of the session states.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from functions.domain import CODE_ALPHABET, CODE_LENGTH, TERMINAL_STATES, SessionState
from functions.http import schemas
from local import web_types

WEB_SRC = Path(__file__).resolve().parents[2] / "web" / "src"


@pytest.fixture(scope="module")
def generated() -> str:
    return web_types.render()


def test_the_committed_types_are_what_the_models_generate(generated: str) -> None:
    committed = web_types.OUTPUT.read_text(encoding="utf-8")
    assert committed == generated, (
        f"{web_types.OUTPUT.name} is out of date with functions/http/schemas.py or "
        f"functions.domain: run `{web_types.COMMAND}` and commit the result"
    )


def test_the_generated_file_says_it_is_generated(generated: str) -> None:
    assert "generated" in generated.splitlines()[0]


def test_every_public_model_of_the_http_schemas_is_generated(generated: str) -> None:
    public = [m for m in vars(schemas).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    for model in public:
        if model.__module__ == schemas.__name__ and not model.__name__.startswith("_"):
            assert re.search(rf"export (interface|type) {model.__name__}\b", generated), model
    assert "interface _Request" not in generated
    assert web_types.ROOT_TITLE not in generated


def test_a_model_added_to_the_schemas_is_picked_up_without_a_list() -> None:
    module = types.ModuleType("fake_schemas")

    class PagerAnswer(BaseModel):
        """A response the pages read."""

        state: SessionState
        seconds: int

    class _Base(BaseModel):
        pass

    PagerAnswer.__module__ = _Base.__module__ = module.__name__
    module.PagerAnswer = PagerAnswer  # type: ignore[attr-defined]
    module._Base = _Base  # type: ignore[attr-defined]

    assert web_types.api_models(module) == [PagerAnswer]
    source = web_types.declarations(web_types.json_schema(web_types.api_models(module)))
    assert "export interface PagerAnswer {\n  state: SessionState;\n  seconds: number;\n}" in source
    assert source.count("export type SessionState =") == 1  # the extra and the model's, merged


def test_what_the_api_reads_is_typed_as_sent_and_what_it_writes_as_written() -> None:
    class ThingRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")  # the API reads it: a default may be left out

        note: str | None = Field(default=None, max_length=5)
        count: int

    class ThingView(BaseModel):
        model_config = ConfigDict(json_schema_serialization_defaults_required=True)

        note: str | None = None  # always written

    schema = web_types.json_schema([ThingRequest, ThingView], extras=())
    source = web_types.declarations(schema)
    assert "export interface ThingRequest {\n  note?: string | null;\n  count: number;\n}" in source
    assert "export interface ThingView {\n  note: string | null;\n}" in source
    assert "export type Note" not in source  # pydantic's per-field titles are dropped


def test_the_constants_are_the_domains(generated: str) -> None:
    def array(name: str) -> list[str]:
        match = re.search(rf"export const {name} = \[([^\]]*)\]", generated)
        assert match, name
        return re.findall(r'"(\w+)"', match.group(1))

    assert array("SESSION_STATES") == [state.value for state in SessionState]
    assert set(array("FINAL_STATES")) == {state.value for state in TERMINAL_STATES}
    assert f"export const CODE_ALPHABET = {CODE_ALPHABET!r};".replace("'", '"') in generated
    assert f"export const CODE_LENGTH = {CODE_LENGTH};" in generated
    limit = schemas.OutcomeRequest.model_fields["reason"].metadata[0].max_length
    assert f"export const REASON_MAX_LENGTH = {limit};" in generated


def test_check_mode_fails_on_a_stale_file_and_passes_on_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated: str
) -> None:
    target = tmp_path / "web" / "api.generated.ts"
    target.parent.mkdir()
    monkeypatch.setattr(web_types, "ROOT", tmp_path)
    monkeypatch.setattr(web_types, "OUTPUT", target)
    monkeypatch.setattr(web_types, "render", lambda: generated)

    target.write_text(generated.replace("number", "string", 1), encoding="utf-8")
    assert web_types.main(["--check"]) == 1
    assert web_types.main([]) == 0
    assert target.read_text(encoding="utf-8") == generated
    assert web_types.main(["--check"]) == 0


_STATE_WORDS = "|".join(state.value for state in SessionState)
_STATE_LIST = re.compile(rf"""["'`]({_STATE_WORDS})["'`]\s*[,|]\s*["'`]({_STATE_WORDS})["'`]""")


def test_no_page_keeps_its_own_list_of_session_states() -> None:
    """Lists and unions of state words live in the generated file only; a page says
    ``Record<SessionState, ...>`` or switches over the generated union instead."""
    copies = [
        f"{path.relative_to(WEB_SRC)}: {match.group(0)}"
        for path in sorted(WEB_SRC.rglob("*.ts*"))
        if path != web_types.OUTPUT
        for match in _STATE_LIST.finditer(path.read_text(encoding="utf-8"))
    ]
    assert copies == []
