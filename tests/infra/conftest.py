"""Synthesise the CDK app once for the whole infra test session (offline: no AWS account).

Synthesis runs ``chalice package`` for each stage (a few seconds each), so every test module
shares one cloud assembly.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii prints a banner on every import while the machine's Node.js is past end of life.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

import aws_cdk as cdk
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.safe_connection_infra.settings import STAGES, StageSettings
from infra.safe_connection_infra.stack import SafeConnectionStack
from infra.safe_connection_infra.synth import build, packaging_workspace

STANDARDS_EMAILS = {"MET": "standards@met.example.org", "WMP": "psd@wmp.example.org"}
"""Each force's professional-standards address, as ``-c standardsEmails=...`` gives them."""


@dataclass
class Synthesized:
    """One stage as synthesised."""

    settings: StageSettings
    stack: SafeConnectionStack
    template: dict[str, Any]
    assertions: Template
    template_path: Path

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Resources of one type, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }

    def logical_id(self, construct: Any) -> str:
        """The logical id of an L2 construct's CloudFormation resource (or of an L1)."""
        cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        return str(self.stack.resolve(cfn.logical_id))


@dataclass
class Assembly:
    """Every stage, and what cdk-nag found before synthesis."""

    app: cdk.App
    stages: dict[str, Synthesized]
    nag_violations: list[Any]


FAKE_SITE = {
    "index.html": '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>',
    "officer/index.html": "<!doctype html><title>Officer</title>",
    "officer/manifest.webmanifest": '{"name": "Safe Connection"}',
    "officer/sw.js": "self.addEventListener('fetch', () => {});",
    "console/index.html": "<!doctype html><title>Console</title>",
    "assets/app-abc123.js": "console.log('her page');",
}
"""A stand-in for ``web/dist``: the infra tests never depend on the real front-end build."""


def write_site(root: Path, files: dict[str, str] = FAKE_SITE) -> Path:
    """Write ``files`` under ``root`` (a built-site layout) and return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="session")
def web_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake built site every stage deploys."""
    return write_site(tmp_path_factory.mktemp("web-dist"))


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory, web_dist: Path) -> Assembly:
    """Build and synthesise every stage (with the cdk-nag plugin registered, as ``make synth``)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    with packaging_workspace():
        app, stacks = build(
            STAGES.values(),
            outdir=str(outdir),
            standards_emails=STANDARDS_EMAILS,
            web_dist=web_dist,
        )
        report = AwsSolutionsChecks().validate_scope(app)
        cloud_assembly = app.synth()
    stages: dict[str, Synthesized] = {}
    for stack in stacks:
        artifact = cloud_assembly.get_stack_artifact(stack.artifact_id)
        path = Path(artifact.template_full_path)
        template = json.loads(path.read_text())
        stages[stack.stage.name] = Synthesized(
            settings=stack.stage,
            stack=stack,
            template=template,
            assertions=Template.from_json(template),
            template_path=path,
        )
    return Assembly(app=app, stages=stages, nag_violations=list(report.violations))


@pytest.fixture(params=sorted(STAGES), ids=lambda name: str(name))
def stage(request: pytest.FixtureRequest, assembly: Assembly) -> Synthesized:
    """Each stage in turn."""
    return assembly.stages[request.param]


@pytest.fixture
def dev(assembly: Assembly) -> Synthesized:
    """The dev stage."""
    return assembly.stages["dev"]


@pytest.fixture
def prod(assembly: Assembly) -> Synthesized:
    """The prod stage."""
    return assembly.stages["prod"]
