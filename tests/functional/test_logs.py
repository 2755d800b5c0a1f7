"""Logs never hold a client address: gunicorn's access log and the development server's."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from participation.logging_setup import AnonymousRequestHandler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_access_log_has_no_client_address(tmp_path: Path, database_url: str):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "PARTICIPATION_DATABASE_URL": database_url,
        "PARTICIPATION_SECRET_KEY": "s" * 40,
        "PARTICIPATION_BIND": f"127.0.0.1:{port}",
        "PARTICIPATION_WORKERS": "1",
        "PARTICIPATION_ACCESS_LOG": str(log),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:participation.gunicorn_conf"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/staff/sign-in",
                    headers={"User-Agent": "UniqueAgent/9.9", "X-Forwarded-For": "203.0.113.77"},
                    timeout=30,
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    lines = log.read_text()
    assert "GET /staff/sign-in" in lines
    for secret in ("127.0.0.1", "203.0.113.77", "UniqueAgent"):
        assert secret not in lines
        assert secret not in output.replace(f"127.0.0.1:{port}", "")


def test_development_server_request_log_has_no_address(caplog):
    handler = AnonymousRequestHandler.__new__(AnonymousRequestHandler)
    handler.requestline = "GET /j/DEMOYP HTTP/1.1"
    handler.client_address = ("192.0.2.44", 5555)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log_request(200, 512)
    assert "GET /j/DEMOYP" in caplog.text
    assert "192.0.2.44" not in caplog.text
    assert handler.address_string() == "-"
