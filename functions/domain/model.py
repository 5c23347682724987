"""The base of every pydantic model in ``functions/``: its validator is built on first use.

Each Lambda function imports the whole app (``app.py`` registers every route and handler), so a
schema built when its class is defined is paid by every cold start, although one request uses a
few of the app's models. With ``defer_build`` pydantic collects the fields when the class is
defined and builds the core schema, validator and serializer the first time the model validates,
dumps or gives its JSON schema; a model no request of this container uses costs almost nothing
(issue 17; the saving is measured in docs/performance.md, "Cold start").
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """A ``BaseModel`` whose schema is built when first used (subclasses inherit the setting)."""

    model_config = ConfigDict(defer_build=True)
