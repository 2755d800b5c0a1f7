"""The pages every install has: the public start page, staff sign-in, the signed-in home page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import LEAD, sign_in
from tests.browser.support import DEVICES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_start_page(visit, device):
    visitor = visit(device)
    response = visitor.goto("/")
    assert response is not None and response.status == 200
    page = visitor.page
    assert page.get_by_role("heading", level=1).inner_text() == "Have your say"
    assert page.get_by_role("link", name="Leave this site").is_visible()
    assert page.title() == "Feedback"
    visitor.check("start page", youth=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_staff_sign_in_and_home(visit, device):
    visitor = visit(device)
    visitor.goto("/staff/sign-in")
    visitor.check("staff sign-in")
    visitor.page.get_by_role("button", name="Sign in").click()
    assert visitor.page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    visitor.check("staff sign-in with errors")
    sign_in(visitor, LEAD)
    assert visitor.page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    visitor.check("staff home")


@pytest.mark.parametrize("device", ["narrow", "zoom200"])
def test_start_and_sign_in_fit_narrow_screens(visit, device):
    assert DEVICES[device]["viewport"]["width"] <= 640
    visitor = visit(device)
    for path, name in [("/", "start page"), ("/staff/sign-in", "staff sign-in")]:
        visitor.goto(path)
        visitor.check(name, youth=path == "/")
