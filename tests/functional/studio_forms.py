"""Filling in studio forms the way a browser does: read the form off the page, change, send."""

from __future__ import annotations

from typing import Any

from bs4 import Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import page


def form_values(form: Tag) -> dict[str, str]:
    """What a browser would send for this form as it stands (no submit buttons)."""
    values: dict[str, str] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    values[name] = element.get("value", "on")
            elif kind not in ("submit", "button", "reset"):
                values[name] = element.get("value", "")
        elif element.name == "select":
            option = element.find("option", selected=True) or element.find("option")
            values[name] = option.get("value", option.text) if option else ""
        else:
            text = element.text
            values[name] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
    return values


def find_form(response: TestResponse, action: str) -> Tag:
    """The form on the page that posts to `action`."""
    for form in page(response).find_all("form"):
        if form.get("action", response.request.path) == action:
            return form
    raise AssertionError(f"no form posting to {action}")


def send_form(
    client: FlaskClient,
    response: TestResponse,
    action: str,
    changes: dict[str, Any] | None = None,
    **kwargs: Any,
) -> TestResponse:
    """Send the form that posts to `action` with `changes`; a None value unticks/clears a field."""
    data: dict[str, Any] = form_values(find_form(response, action))
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(action, data=data, **kwargs)


def press(client: FlaskClient, url: str, action: str, **kwargs: Any) -> TestResponse:
    """Open `url` and press the button of the form posting to `action`."""
    return send_form(client, client.get(url), action, **kwargs)


def errors_on(response: TestResponse) -> dict[str, str]:
    """The error summary as {link target: message}."""
    summary = page(response).find(class_="error-summary")
    if summary is None:
        return {}
    return {
        link["href"].lstrip("#"): link.get_text(" ", strip=True) for link in summary.find_all("a")
    }


def field_error(response: TestResponse, field_id: str) -> str:
    """The message shown next to one field."""
    message = page(response).find(id=f"{field_id}-error")
    assert message is not None, f"no error shown next to {field_id}"
    return message.get_text(" ", strip=True).removeprefix("Error:").strip()
