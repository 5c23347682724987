"""The local stack and the CDK stack create the same tables, keys and indexes.

``local/provision.py`` creates each table with ``Table.create_table_params(name)``; the template
must declare exactly the same key schema, attribute definitions and global secondary indexes.
"""

from __future__ import annotations

from typing import Any

import pytest

from functions import resources

from .conftest import Synthesized
from .test_data import table_resource


def _by_name(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _gsis(indexes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        index["IndexName"]: {"KeySchema": index["KeySchema"], "Projection": index["Projection"]}
        for index in indexes
    }


@pytest.mark.parametrize("definition", resources.TABLES, ids=lambda t: t.logical_name)
def test_template_declares_the_table_the_local_stack_creates(
    stage: Synthesized, definition: resources.Table
) -> None:
    name = stage.settings.resource_name(definition.default_name)
    local = definition.create_table_params(name)
    deployed = table_resource(stage, definition)["Properties"]

    assert deployed["TableName"] == local["TableName"]
    assert deployed["BillingMode"] == local["BillingMode"]
    assert deployed["KeySchema"] == local["KeySchema"]
    assert _by_name(deployed["AttributeDefinitions"], "AttributeName") == _by_name(
        local["AttributeDefinitions"], "AttributeName"
    )
    assert _gsis(deployed.get("GlobalSecondaryIndexes", [])) == _gsis(
        local.get("GlobalSecondaryIndexes", [])
    )
    if "StreamSpecification" in local:
        assert (
            deployed["StreamSpecification"]["StreamViewType"]
            == local["StreamSpecification"]["StreamViewType"]
        )
    else:
        assert "StreamSpecification" not in deployed
