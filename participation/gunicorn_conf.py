"""Gunicorn settings for production: `gunicorn -c python:participation.gunicorn_conf`.

Access log lines carry time, request line, status, size and duration, never the client
address, user agent or referrer.
"""

import gc
import multiprocessing
import os

wsgi_app = "participation:create_app()"
bind = os.environ.get("PARTICIPATION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PARTICIPATION_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PARTICIPATION_THREADS", "2"))
timeout = 60
graceful_timeout = 30
# Recycling a worker is a safety net against slow memory growth (bench/soak.py finds none). A
# new worker costs about a second of CPU to load and warm up, and workers sharing the load
# reach a common limit within seconds of each other, stalling every phone at once; so
# recycle rarely, and at times spread wide apart.
max_requests = 20000
max_requests_jitter = 10000
accesslog = os.environ.get("PARTICIPATION_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Behind nginx on the same host: trust its X-Forwarded-Proto so HSTS and Secure cookies work.
forwarded_allow_ips = os.environ.get("PARTICIPATION_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Each worker warms up after loading the app and before taking its first request (see
# post_worker_init), so the first phones of a burst wait no longer than the rest. The app is
# not preloaded in the master: `systemctl reload` (HUP) must load new code after an upgrade.

# Young people's pages, and the layout, components and error pages they use.
_WARM_TEMPLATES = ("youth/", "layout", "components/", "errors/")


def post_fork(server, worker):
    """In each new worker, before it loads the app: pause the cyclic garbage collector.

    Loading and warming the app makes well over a hundred thousand objects that live as long
    as the worker, and next to no garbage (under a thousand objects): collecting meanwhile
    only walks the same objects again and again. post_worker_init turns it back on.
    """
    gc.disable()


def post_worker_init(worker):
    """In each new worker, before its first request: compile templates, warm the data."""
    try:
        app = worker.wsgi
        _warm_templates(app)
        if "sessionmaker" in getattr(app, "extensions", {}):
            _warm_data(worker, app)
    finally:
        # What exists now lives as long as the worker: leave it out of later collections, so
        # a full collection walks only what requests made (CPython's gc.freeze is for this).
        gc.freeze()
        gc.enable()


def _warm_templates(app):
    """Compile the young people's templates and those they use."""
    environment = getattr(app, "jinja_env", None)
    if environment is not None:
        for name in environment.list_templates(filter_func=lambda n: n.startswith(_WARM_TEMPLATES)):
            environment.get_template(name)


def _warm_data(worker, app):
    """Compile the safeguarding check and read the open activities once.

    Otherwise a new worker does both on its first requests (about a third of a second for the
    check), and the phones that reach it first wait behind it.
    """
    from sqlalchemy import select

    from participation.activities import snapshot
    from participation.answering.submissions import active_matcher
    from participation.db import session_scope
    from participation.models import Activity
    from participation.models.activities import OPEN

    try:
        with app.app_context(), session_scope(app) as session:
            active_matcher(session)
            open_ids = session.scalars(select(Activity.id).where(Activity.status == OPEN))
            for activity_id in list(open_ids)[: snapshot.MAX_KEPT]:
                snapshot.load(session, activity_id)
    except Exception:  # a cold start is slower, never a reason not to serve
        worker.log.exception("Warming up failed; this worker starts cold")
