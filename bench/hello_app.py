"""A bare Flask "hello" app: the baseline bench/submit.py compares the real app with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Say hello."""
    return "hello"
