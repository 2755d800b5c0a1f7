"""Security headers and caching on every response."""

import pytest


@pytest.mark.parametrize("path", ["/", "/staff/sign-in", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_and_secure_cookie_over_https(client, make):
    response = client.get("/staff/sign-in", base_url="https://participation.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_lax(client):
    client.get("/staff/sign-in")
    response = client.post("/staff/sign-in", data={})
    client.get("/staff/sign-in")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert response.status_code == 400


def test_static_files_can_be_cached(client):
    with client.get("/static/app.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"


def test_friendly_404_keeps_quick_exit_on_young_peoples_side(client):
    response = client.get("/j/does-not-exist/oops/extra")
    assert response.status_code == 404
    assert "Leave this site" in response.get_data(as_text=True)


def test_oversized_body_gets_a_friendly_413(client):
    response = client.post("/staff/sign-in", data={"email": "x" * (70 * 1024)})
    assert response.status_code == 413
    assert "too much to send" in response.get_data(as_text=True)
