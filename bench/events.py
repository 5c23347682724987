"""What Lambda hands the Chalice app: an API Gateway proxy event and a context object.

Imports only ``json`` at import time: the cold-start processes load this before their clock
starts, so it must not preload anything the application would otherwise pay for.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["LambdaContext", "api_event"]


def api_event(
    method: str,
    resource: str,
    path: str,
    *,
    authorizer: dict[str, str],
    path_params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    source_ip: str = "198.51.100.7",
) -> dict[str, Any]:
    """An API Gateway (REST, proxy integration) event as it reaches the Lambda function behind a
    custom authorizer: ``requestContext.authorizer`` holds the context the authorizer returned
    (``principal_to_context``) plus the ``principalId`` API Gateway adds."""
    import uuid

    headers = {
        "accept": "application/json",
        "authorization": "Bearer (checked by the authorizer, not by the route)",
        "content-type": "application/json",
        "host": "api.example.test",
        "user-agent": "safe-connection-bench",
    }
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip, "userAgent": headers["user-agent"]},
            "authorizer": {"principalId": authorizer.get("user_id", ""), **authorizer},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class LambdaContext:
    """The attributes of Lambda's context object that a handler may read."""

    function_name = "safe-connection-dev-APIHandler"
    function_version = "$LATEST"
    invoked_function_arn = (
        "arn:aws:lambda:eu-west-2:123456789012:function:safe-connection-dev-APIHandler"
    )
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/safe-connection-dev-APIHandler"
    log_stream_name = "bench"

    def __init__(self, aws_request_id: str) -> None:
        self.aws_request_id = aws_request_id

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
