"""A local Amazon Chime SDK Meetings service that unmodified boto3 clients talk to over HTTP.

moto has no Chime SDK Meetings backend, so this package serves the ``chime-sdk-meetings`` REST-JSON
protocol itself, validated against botocore's bundled service model. Point a client at it with the
standard ``AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS`` variable (or ``endpoint_url=``). See
``docs/chime-emulator.md`` for what it covers and where it differs from AWS.
"""

from .backend import ChimeBackend
from .server import ChimeEmulator

__all__ = ["ChimeBackend", "ChimeEmulator"]
