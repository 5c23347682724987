"""boto3 clients, built lazily once per process and reused.

Building a client costs milliseconds (endpoint and model loading), so a warm Lambda must never pay
it twice and a cold one pays only for the services its route uses. Endpoints come from the
standard ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` variables, which boto3 reads itself:
there is no local mode here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import boto3
from botocore.config import Config

if TYPE_CHECKING:  # boto3-stubs: for the type checker only, the Lambda package does not ship them
    from mypy_boto3_chime_sdk_meetings import ChimeSDKMeetingsClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

__all__ = ["RETRY_CONFIG", "LazyClient", "client", "lazy_client", "reset_clients"]

# Standard retry mode (exponential backoff with jitter, retry quota) with timeouts set for the
# request budget (docs/operations.md, "Time budgets"): a call that hangs fails after at most
# 2 s + a backoff of up to 1 s + 2 s, about 5 s, inside REQUEST_BUDGET_SECONDS (6) and far inside
# the 10 s Lambda timeout, so the officer hears "call 999" in time. DynamoDB, SNS and SQS answer
# in milliseconds and Chime's CreateMeetingWithAttendees in well under a second, so 2 s is slack,
# not a limit; one retry covers a dropped connection or a throttle.
RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=1,
    read_timeout=2,
    max_pool_connections=20,
    tcp_keepalive=True,
)

_clients: dict[str, Any] = {}
_lock = threading.Lock()
_session: boto3.session.Session | None = None


@overload
def client(service: Literal["dynamodb"]) -> DynamoDBClient: ...
@overload
def client(service: Literal["sns"]) -> SNSClient: ...
@overload
def client(service: Literal["sqs"]) -> SQSClient: ...
@overload
def client(service: Literal["s3"]) -> S3Client: ...
@overload
def client(service: Literal["chime-sdk-meetings"]) -> ChimeSDKMeetingsClient: ...
def client(service: str) -> Any:
    """Return the process-wide client for ``service``, creating it on first use.

    Parameters
    ----------
    service
        boto3 service name, e.g. ``"dynamodb"`` or ``"chime-sdk-meetings"``.
    """
    return _shared(service)


def _shared(service: str) -> Any:
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:  # boto3 sessions are not thread-safe while creating clients
        global _session
        if service not in _clients:
            if _session is None:
                _session = boto3.session.Session()
            make: Any = _session.client  # boto3-stubs only type literal service names
            _clients[service] = make(service, config=RETRY_CONFIG)
        return _clients[service]


class LazyClient:
    """The process-wide client for ``service``, built only when an attribute is first used.

    For adapters that a use case wires in but most of its requests never call: the S3 photo
    store sits in the session service, yet starting a session never touches S3, and building
    the client cost about 54 ms of a cold start (``make bench``, docs/performance.md).
    """

    def __init__(self, service: str) -> None:
        self.service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(_shared(self.service), name)


@overload
def lazy_client(service: Literal["dynamodb"]) -> DynamoDBClient: ...
@overload
def lazy_client(service: Literal["sns"]) -> SNSClient: ...
@overload
def lazy_client(service: Literal["sqs"]) -> SQSClient: ...
@overload
def lazy_client(service: Literal["s3"]) -> S3Client: ...
@overload
def lazy_client(service: Literal["chime-sdk-meetings"]) -> ChimeSDKMeetingsClient: ...
def lazy_client(service: str) -> Any:
    """:class:`LazyClient` for ``service``, typed as the client it stands in for."""
    return cast(Any, LazyClient(service))


def reset_clients() -> None:
    """Forget every client (tests that change endpoints or credentials between cases)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
