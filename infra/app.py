"""The CDK app: ``python infra/app.py`` (or ``cdk synth`` / ``cdk deploy`` from ``infra/``).

Without the CDK CLI it synthesises every stage into ``infra/cdk.out`` offline. The CLI sets
``CDK_OUTDIR`` and passes ``-c stage=dev`` / ``-c stage=prod`` to pick one stage; ``-c
opsEmail=...`` subscribes an address to the alarms; ``-c
standardsEmails=MET=psd@example.org,...`` subscribes each force's professional-standards address
to her feedback on that force's stops; ``-c webDist=...`` (or ``WEB_DIST``) deploys another
build of the web front end than ``web/dist`` (``make web``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `functions` and `infra` importable
    sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402

from infra.safe_connection_infra.settings import STAGES, WEB_DIST, stage_settings  # noqa: E402
from infra.safe_connection_infra.synth import synthesize  # noqa: E402
from infra.safe_connection_infra.web import SiteNotBuiltError  # noqa: E402


def main() -> None:
    """Synthesise the requested stage(s)."""
    context = cdk.App().node  # the CLI's -c values (and cdk.json's), however the CLI passed them
    stage = context.try_get_context("stage") or os.environ.get("STAGE")
    ops_email = context.try_get_context("opsEmail")
    standards_emails = dict(
        pair.strip().split("=", 1)
        for pair in str(context.try_get_context("standardsEmails") or "").split(",")
        if "=" in pair
    )
    web_dist = Path(context.try_get_context("webDist") or os.environ.get("WEB_DIST") or WEB_DIST)
    stages = [stage_settings(stage)] if stage else list(STAGES.values())
    outdir = os.environ.get("CDK_OUTDIR") or str(ROOT / "infra" / "cdk.out")
    try:
        assembly, _ = synthesize(
            stages,
            outdir=outdir,
            ops_email=ops_email,
            standards_emails=standards_emails,
            web_dist=web_dist,
        )
    except SiteNotBuiltError as error:
        raise SystemExit(f"error: {error}") from None
    for stack in assembly.stacks:
        print(f"{stack.stack_name}: {os.path.relpath(stack.template_full_path)}")


if __name__ == "__main__":
    main()
