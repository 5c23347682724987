"""The layers import one way only: entry points → wiring → services → domain, adapters → ports.

Read from the source (every ``import``, at module level or inside a function, also under
``TYPE_CHECKING``), so a shortcut taken anywhere (a service that builds its own boto3 client, the
domain reaching for the settings) fails here before a reader has to find it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "services", "adapters", "auth", "http", "events")

#: What each layer must never import (``functions.<name>`` or a top-level package).
FORBIDDEN: dict[str, set[str]] = {
    "domain": {
        "functions.services",
        "functions.adapters",
        "functions.http",
        "functions.events",
        "functions.wiring",
        "boto3",
        "botocore",
        "chalice",
    },
    "services": {
        "functions.adapters",
        "functions.http",
        "functions.events",
        "functions.wiring",
        "boto3",
        "botocore",
        "chalice",
    },
    "adapters": {"functions.http", "functions.events", "functions.wiring", "chalice"},
}


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "functions" else None


def offending(imported: set[str], forbidden: set[str]) -> list[str]:
    return sorted(
        name for name in imported for bad in forbidden if name == bad or name.startswith(bad + ".")
    )


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it_and_no_aws_sdk_where_it_must_not(layer: str) -> None:
    files = sorted((ROOT / "functions" / layer).rglob("*.py"))
    assert files, f"no files in functions/{layer}"
    broken = {
        str(path.relative_to(ROOT)): bad
        for path in files
        if (bad := offending(imports_of(path), FORBIDDEN[layer]))
    }
    assert broken == {}


def test_the_layers_have_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for layer in LAYERS:
        for path in (ROOT / "functions" / layer).rglob("*.py"):
            for name in imports_of(path):
                other = layer_of(name)
                if other in graph and other != layer:
                    graph[layer].add(other)

    def cycle_from(start: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in sorted(graph[start]):
            if nxt in seen:
                return (*seen, nxt)
            if found := cycle_from(nxt, (*seen, nxt)):
                return found
        return None

    cycles = {layer: cycle for layer in LAYERS if (cycle := cycle_from(layer, (layer,)))}
    assert cycles == {}, f"layer import cycles: {cycles}; graph {graph}"
