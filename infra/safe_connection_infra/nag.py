"""cdk-nag acknowledgments: each one is made next to the thing it excuses, with its reason.

cdk-nag 3 runs as a CDK policy-validation plugin (:func:`.synth.build` registers the
``AwsSolutions`` pack): synthesis fails on any finding that is not acknowledged here. A finding
is acknowledged individually, e.g. ``AwsSolutions-IAM5[Resource::<Photos.Arn>/photos/*]``, never
a whole rule, so a new wildcard elsewhere still fails. :func:`acknowledgments` lists every one
for the tests and for ``docs/deployment.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from constructs import Construct, IConstruct

__all__ = ["Acknowledged", "acknowledge", "acknowledgments", "flatten_reference", "nag_resource"]

_REGISTRY_ATTRIBUTE = "_safe_connection_nag_acknowledgments"


@dataclass(frozen=True)
class Acknowledged:
    """One acknowledged cdk-nag finding."""

    path: str
    rule: str
    reason: str


def acknowledge(scope: Construct, rule: str, reason: str) -> None:
    """Acknowledge finding ``rule`` on ``scope`` (and its children) with ``reason``.

    Parameters
    ----------
    rule
        The finding id exactly as cdk-nag reports it, e.g. ``AwsSolutions-IAM5[Resource::*]``.
    reason
        Why this is the narrowest AWS allows or the right trade-off; shown to reviewers.
    """
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
    stack = cdk.Stack.of(scope)
    registry: list[Acknowledged] = getattr(stack, _REGISTRY_ATTRIBUTE, [])
    registry.append(Acknowledged(path=scope.node.path, rule=rule, reason=reason))
    setattr(stack, _REGISTRY_ATTRIBUTE, registry)


def acknowledgments(stack: cdk.Stack) -> list[Acknowledged]:
    """Every acknowledgment made in ``stack``, in the order made."""
    return list(getattr(stack, _REGISTRY_ATTRIBUTE, []))


def nag_resource(scope: IConstruct, value: str) -> str:
    """A policy resource (possibly a token) as cdk-nag prints it in a finding id.

    ``Ref`` becomes ``<LogicalId>``, ``Fn::GetAtt`` ``<LogicalId.Attribute>``, pseudo parameters
    ``<AWS::Region>``; ``Fn::Join`` and ``Fn::Sub`` are flattened (cdk-nag's
    ``flattenCfnReference``).
    """
    return flatten_reference(cdk.Stack.of(scope).resolve(value))


def flatten_reference(node: Any) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(flatten_reference(item) for item in items)
        if "Fn::Sub" in node:
            return flatten_reference(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in node:
            return flatten_reference(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{flatten_reference(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))
