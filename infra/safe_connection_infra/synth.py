"""Build and synthesise the app, offline: no AWS account or credentials are needed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import cx_api
from cdk_nag import AwsSolutionsChecks

from .settings import WEB_DIST, StageSettings, feature_flags
from .stack import SafeConnectionStack
from .web import check_site

__all__ = ["build", "packaging_workspace", "synthesize"]


def build(
    stages: Iterable[StageSettings],
    *,
    outdir: str | None = None,
    ops_email: str | None = None,
    standards_emails: Mapping[str, str] | None = None,
    web_dist: Path = WEB_DIST,
) -> tuple[cdk.App, list[SafeConnectionStack]]:
    """The app with one stack per stage and the cdk-nag ``AwsSolutions`` pack registered.

    cdk-nag 3 is a CDK policy-validation plugin: synthesis fails, printing every finding, unless
    each one is acknowledged (:mod:`.nag`).

    ``chalice package`` (run by each stack) writes to ``./chalice.out``; call this from a
    directory that may hold it (see :func:`synthesize`). ``web_dist`` (the built front end)
    must be an absolute path, since that directory is a scratch one.

    Raises
    ------
    .web.SiteNotBuiltError
        ``web_dist`` is not a built front end (before anything is packaged).
    """
    check_site(web_dist)
    app = cdk.App(outdir=outdir, context=feature_flags())
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    stacks = [
        SafeConnectionStack(
            app,
            stage,
            ops_email=ops_email,
            standards_emails=standards_emails,
            web_dist=web_dist,
        )
        for stage in stages
    ]
    return app, stacks


def synthesize(
    stages: Iterable[StageSettings],
    *,
    outdir: str | None = None,
    ops_email: str | None = None,
    standards_emails: Mapping[str, str] | None = None,
    web_dist: Path = WEB_DIST,
) -> tuple[cx_api.CloudAssembly, list[SafeConnectionStack]]:
    """Build and synthesise into ``outdir`` (see :func:`packaging_workspace`)."""
    resolved = str(Path(outdir).resolve()) if outdir else None
    site = Path(web_dist).resolve()
    with packaging_workspace():
        app, stacks = build(
            stages,
            outdir=resolved,
            ops_email=ops_email,
            standards_emails=standards_emails,
            web_dist=site,
        )
        assembly = app.synth()
    return assembly, stacks


@contextlib.contextmanager
def packaging_workspace() -> Iterator[None]:
    """Run inside a scratch directory that ``chalice package`` may fill, with a region set.

    Build and synthesise the app inside it: CDK copies the package into the cloud assembly
    while synthesising, and the scratch directory is removed on exit.
    """
    with (
        tempfile.TemporaryDirectory(prefix="chalice-") as scratch,
        contextlib.chdir(scratch),
        _packaging_region(),
    ):
        yield


@contextlib.contextmanager
def _packaging_region() -> Iterator[None]:
    """Give ``chalice package`` a region if the environment has none.

    Chalice builds a (never used) boto3 client to name the API Gateway service principal; the
    region only picks the partition's domain. The template stays region-agnostic either way.
    """
    if os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"):
        yield
        return
    os.environ["AWS_DEFAULT_REGION"] = os.environ.get("CDK_DEFAULT_REGION") or "eu-west-2"
    try:
        yield
    finally:
        del os.environ["AWS_DEFAULT_REGION"]
