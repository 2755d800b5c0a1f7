"""The gunicorn hooks that start each worker: garbage collection paused while it loads."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from participation import gunicorn_conf


@pytest.fixture
def collector() -> Iterator[None]:
    """Put the test process's garbage collector back as it was."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


class Templates:
    """A template environment that notes what is compiled, and can fail."""

    def __init__(self, names: list[str], fail: bool = False) -> None:
        self.names = names
        self.fail = fail
        self.compiled: list[str] = []

    def list_templates(self, filter_func):
        return [name for name in self.names if filter_func(name)]

    def get_template(self, name: str) -> None:
        if self.fail:
            raise RuntimeError("broken template")
        self.compiled.append(name)


def worker_for(environment: Templates) -> SimpleNamespace:
    return SimpleNamespace(
        wsgi=SimpleNamespace(jinja_env=environment, extensions={}), log=logging.getLogger("test")
    )


def test_a_new_worker_collects_no_garbage_until_it_has_warmed_up(collector):
    gc.unfreeze()
    gunicorn_conf.post_fork(server=None, worker=None)
    assert not gc.isenabled()
    environment = Templates(["youth/join.html", "layout.html", "studio/home.html"])

    gunicorn_conf.post_worker_init(worker_for(environment))

    assert environment.compiled == ["youth/join.html", "layout.html"]
    assert gc.isenabled()
    # What the worker made while starting is left out of every later collection.
    assert gc.get_freeze_count() > 1000


def test_collection_resumes_even_when_warming_up_fails(collector):
    gc.unfreeze()
    gunicorn_conf.post_fork(server=None, worker=None)

    with pytest.raises(RuntimeError, match="broken template"):
        gunicorn_conf.post_worker_init(worker_for(Templates(["youth/join.html"], fail=True)))

    assert gc.isenabled()
    assert gc.get_freeze_count() > 1000


def test_reading_the_settings_loads_none_of_the_app_so_a_reload_runs_new_code():
    # gunicorn's master imports the settings module; workers inherit whatever it loaded.
    code = (
        "import sys, participation.gunicorn_conf; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('participation', 'flask', 'sqlalchemy', 'jinja2', 'werkzeug', 'flask_babel'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == ["participation", "participation.gunicorn_conf"]
