"""The three web faces on loopback: the built site (``web/dist``) plus its ``/config.json``.

Deployed, CloudFront serves the same files from S3 and the deployment writes ``config.json``
(docs/deployment.md). Here a small threaded HTTP server does both, with the same rules: HTML
and ``config.json`` are never cached, hashed assets are, and the security headers are set. The
pages call the API and Cognito (moto) cross-origin, exactly as they do in AWS.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .login import ROOT

__all__ = ["DEMO_FORCES", "DIST", "PAGES", "WebServer", "local_config", "missing_build_message"]

DIST = ROOT / "web" / "dist"
"""Where ``npm run build`` (``make web``) writes the site."""

DEMO_FORCES = [{"code": "MET", "name": "Metropolitan Police Service"}]
"""The forces her page offers locally (the demo data is one force)."""

PAGES = {"her": "/", "officer": "/officer/", "console": "/console/"}
"""Each face's path on the site."""


def missing_build_message(dist: Path = DIST) -> str | None:
    """Why the site cannot be served from ``dist``, or ``None`` if it can."""
    missing = [
        page
        for page in ("index.html", "officer/index.html", "console/index.html")
        if not (dist / page).is_file()
    ]
    if not missing:
        return None
    return f"the web site is not built ({dist} lacks {', '.join(missing)}): run `make web`"


def local_config(
    *,
    api_url: str,
    region: str,
    user_pool_id: str,
    client_id: str,
    cognito_endpoint: str,
    public_url: str,
    forces: list[dict[str, str]],
) -> dict[str, Any]:
    """``config.json`` for the local stack: moto's Cognito and the local API.

    moto cannot check an SRP proof, so the pages sign in with ``USER_PASSWORD_AUTH`` here, which
    moto does check; deployed, the pool allows only ``USER_SRP_AUTH``.
    """
    return {
        "apiUrl": api_url.rstrip("/"),
        "region": region,
        "userPoolId": user_pool_id,
        "officerClientId": client_id,
        "consoleClientId": client_id,
        "cognitoEndpoint": cognito_endpoint,
        "authFlow": "USER_PASSWORD_AUTH",
        "publicUrl": public_url,
        "forces": forces,
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: Mapping[str, Any], media: Sequence[str] = ()) -> str:
    """The CSP of the local site: the deployed one's, with the local API, moto and ``media``.

    ``media`` are the Chime emulator's origins that the SDK connects to from the page (its
    signaling WebSocket and its HTTP front), in place of the deployed ``*.chime.aws``.
    """
    connect = ["'self'", _origin(str(config["apiUrl"])), *(_origin(url) for url in media)]
    if config.get("cognitoEndpoint"):
        connect.append(_origin(str(config["cognitoEndpoint"])))
    images = ["'self'", "data:", "blob:"]
    if config.get("cognitoEndpoint"):
        images.append(_origin(str(config["cognitoEndpoint"])))  # moto's S3: presigned photo URLs
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "media-src 'self' blob: mediastream:",
            f"connect-src {' '.join(connect)}",
            "worker-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the deployment's cache and security headers, plus ``/config.json``."""

    config_body: bytes = b"{}"
    csp: str = ""
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
        ".map": "application/json",
        ".json": "application/json",
        ".wasm": "application/wasm",
    }

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.config_body)))
            self.end_headers()
            self.wfile.write(self.config_body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/assets/"):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header(
            "Permissions-Policy", "camera=(self), microphone=(self), geolocation=(self)"
        )
        self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # the API's request log is the one people read; page loads would drown it


class WebServer:
    """Serve ``dist`` and ``config`` on ``host:port`` in a background thread.

    Parameters
    ----------
    config
        The body of ``/config.json``.
    host, port
        Where to listen; port 0 picks a free one (tests).
    dist
        The built site.
    media
        The Chime emulator's URLs that the pages' SDK connects to (the CSP allows them).
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        host: str = "127.0.0.1",
        port: int = 0,
        dist: Path = DIST,
        media: Sequence[str] = (),
    ) -> None:
        problem = missing_build_message(dist)
        if problem:
            raise FileNotFoundError(problem)
        handler = type(
            "SiteHandler",
            (_Handler,),
            {
                "config_body": json.dumps(dict(config)).encode(),
                "csp": content_security_policy(config, media),
            },
        )
        self._server = ThreadingHTTPServer((host, port), partial(handler, directory=str(dist)))
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="web", daemon=True)

    def page(self, face: str) -> str:
        """The URL of ``her``, ``officer`` or ``console``."""
        return self.url + PAGES[face]

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
