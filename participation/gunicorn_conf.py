"""Gunicorn settings for production: `gunicorn -c python:participation.gunicorn_conf`.

Access log lines carry time, request line, status, size and duration, never the client
address, user agent or referrer.
"""

import multiprocessing
import os

wsgi_app = "participation:create_app()"
bind = os.environ.get("PARTICIPATION_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PARTICIPATION_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PARTICIPATION_THREADS", "2"))
timeout = 60
graceful_timeout = 30
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("PARTICIPATION_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Behind nginx on the same host: trust its X-Forwarded-Proto so HSTS and Secure cookies work.
forwarded_allow_ips = os.environ.get("PARTICIPATION_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
