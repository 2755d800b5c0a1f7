"""Security headers on every response, and no-store caching on young people's pages."""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, no-referrer, HSTS (over HTTPS) and caching rules."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure or request.headers.get("X-Forwarded-Proto") == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Nothing a young person wrote, and nothing staff see, may sit in a cache or in Back.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response
