"""Download every file a user can get from a running demo server and check each one opens.

Run by `.ci/runtime-check` from the *test* environment (pypdf, zxing-cpp, frictionless,
pyreadstat) against a server installed without extras. Prints one line per file and exits
non-zero if any is missing, cut short or unreadable. Not collected by pytest.

    python tests/runtime/check_downloads.py --base-url http://127.0.0.1:5123 --cli-pack pack.zip
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

import frictionless
import pyotp
import pyreadstat
import requests
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw
from pypdf import PdfReader

# The demo's published authenticator keys, for staff who sign in with a second factor.
from participation.commands.demo import DEMO_TOTP_SECRETS

PASSWORD = "demo-participation-2026"  # the published demo sign-in
LEAD = "lead@hub.example.org"
RESEARCHER = "researcher@hub.example.org"
PACK_FILES = {"responses.csv", "datapackage.json", "README.txt", "responses.sav", "summary.pdf"}
OUTCOME_PACK_FILES = {"outcomes.csv", "datapackage.json", "README.txt"}
SVG = "{http://www.w3.org/2000/svg}"


class Broken(Exception):
    """A download is missing, incomplete or does not parse."""


def flat(text: str) -> str:
    """Text with runs of whitespace made single spaces."""
    return " ".join(text.split())


def wait_for(base_url: str, seconds: float = 30) -> None:
    """Wait until the server answers its join page."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{base_url}/join", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise Broken(f"the server at {base_url} did not answer within {seconds:.0f} s")
        time.sleep(0.3)


def signed_in(base_url: str, email: str) -> requests.Session:
    """A session signed in through the real sign-in form (with its CSRF token)."""
    client = requests.Session()
    form = BeautifulSoup(client.get(f"{base_url}/staff/sign-in", timeout=30).text, "html.parser")
    token = form.find("input", attrs={"name": "csrf_token"})
    if token is None:
        raise Broken("the sign-in page has no CSRF token")
    data = {"email": email, "password": PASSWORD, "csrf_token": token["value"]}
    response = client.post(f"{base_url}/staff/sign-in", data=data, timeout=30)
    if response.url.endswith("/staff/sign-in/code"):
        response = second_factor(client, response, email)
    if response.status_code != 200 or "/staff/sign-in" in response.url:
        raise Broken(f"{email} could not sign in ({response.status_code} at {response.url})")
    return client


def second_factor(
    client: requests.Session, page: requests.Response, email: str
) -> requests.Response:
    """The demo member's current authenticator code, entered on the second-factor page."""
    secret = DEMO_TOTP_SECRETS.get(email)
    if secret is None:
        raise Broken(f"{email} was asked for a second factor the demo does not publish")
    form = BeautifulSoup(page.text, "html.parser").find("form", attrs={"method": "post"})
    token = form.find("input", attrs={"name": "csrf_token"}) if form else None
    if token is None:
        raise Broken("the second-factor page has no form with a CSRF token")
    data = {"code": pyotp.TOTP(secret).now(), "csrf_token": token["value"]}
    return client.post(page.url, data=data, timeout=30)


def demo_activity(client: requests.Session, base_url: str, code: str) -> tuple[int, str]:
    """The id and title of the activity with join code `code`, from the lead's activity list."""
    soup = BeautifulSoup(client.get(f"{base_url}/studio/", timeout=30).text, "html.parser")
    for row in soup.select("tr[data-activity-id]"):
        shown = row.find("code")
        if shown is not None and shown.get_text(strip=True) == code:
            return int(row["data-activity-id"]), flat(row.find("a").get_text())
    raise Broken(f"no activity with the code {code} in the lead's list")


def download(client: requests.Session, url: str, mimetype: str) -> bytes:
    """The whole body of a 200 response of `mimetype`; a stream cut short raises."""
    try:
        response = client.get(url, timeout=120)
        body = response.content
    except requests.RequestException as exc:
        raise Broken(f"{url}: the download broke off ({exc})") from exc
    if response.status_code != 200:
        raise Broken(f"{url}: {response.status_code} instead of 200")
    got = response.headers.get("Content-Type", "").split(";")[0]
    if got != mimetype:
        raise Broken(f"{url}: {got or 'no type'} instead of {mimetype}")
    if not body:
        raise Broken(f"{url}: empty")
    return body


def pdf_text(data: bytes) -> tuple[int, str]:
    """The number of pages and the text of a PDF."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    return len(reader.pages), flat(" ".join(page.extract_text() for page in reader.pages))


def expect_in(text: str, *wanted: str) -> None:
    """Raise unless every `wanted` string is in `text`."""
    missing = [w for w in wanted if w not in text]
    if missing:
        raise Broken(f"does not contain {missing}")


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV file with a header (UTF-8, with or without a byte-order mark)."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return rows


def svg_picture(svg: bytes) -> Image.Image:
    """Draw the QR SVG's one-module-high runs the way a browser would."""
    root = ET.fromstring(svg)
    size = int(root.get("viewBox", "0 0 0 0").split()[2])
    path = root.find(f"{SVG}path")
    if not size or path is None:
        raise Broken("the SVG has no viewBox or no path")
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pen = ImageDraw.Draw(image)
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)", path.get("d", "")):
        left, top, right = int(x) * scale, int(y) * scale, (int(x) + int(width)) * scale
        pen.rectangle((left, top, right - 1, top + scale - 1), 0)
    return image


def scans_to(image: Image.Image, join_url: str) -> str:
    """Check a QR picture decodes to `join_url`."""
    found = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    if found != [join_url]:
        raise Broken(f"the QR code reads {found}, not {join_url}")
    return f"scans to {join_url}"


def check_pack(data: bytes, title: str) -> str:
    """Open a research pack ZIP: its files, datapackage.json, the CSV, the SPSS file, the PDF."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise Broken(f"not a complete ZIP ({exc})") from exc
    if damaged is not None:
        raise Broken(f"{damaged} is damaged in the ZIP")
    missing = PACK_FILES - set(archive.namelist())
    if missing:
        raise Broken(f"the ZIP lacks {sorted(missing)}")
    with tempfile.TemporaryDirectory() as folder:
        archive.extractall(folder)
        report = frictionless.validate(str(Path(folder) / "datapackage.json"))
        if not report.valid:
            errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
            raise Broken(f"datapackage.json does not validate: {errors[:5]}")
        rows = csv_rows((Path(folder) / "responses.csv").read_bytes())
        frame, meta = pyreadstat.read_sav(str(Path(folder) / "responses.sav"))
    if not rows or len(frame) != len(rows) or list(rows[0]) != meta.column_names:
        raise Broken(f"responses.csv ({len(rows)} rows) and responses.sav ({len(frame)}) differ")
    pages, text = pdf_text(archive.read("summary.pdf"))
    expect_in(text, title)
    return (
        f"{len(archive.namelist())} files, datapackage.json valid, {len(rows)} rows in "
        f"responses.csv and responses.sav, summary.pdf {pages} pages"
    )


def outcome_pack_url(client: requests.Session, base_url: str) -> str:
    """The outcomes pack of the first Hub or service on the form, over this year and last."""
    page = client.get(f"{base_url}/research/outcomes", timeout=30).text
    option = BeautifulSoup(page, "html.parser").select_one("select[name=service_id] option")
    if option is None:
        raise Broken("no Hub or service to choose on the outcomes pack form")
    year = time.gmtime().tm_year
    return (
        f"{base_url}/research/outcomes/pack.zip?service_id={option['value']}"
        f"&month_from={year - 1}-01&month_to={year}-12"
    )


def check_outcome_pack(data: bytes) -> str:
    """Open the outcomes research pack ZIP: its files, datapackage.json and the CSV."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise Broken(f"not a complete ZIP ({exc})") from exc
    if damaged is not None or set(archive.namelist()) != OUTCOME_PACK_FILES:
        raise Broken(f"the ZIP holds {sorted(archive.namelist())} (damaged: {damaged})")
    with tempfile.TemporaryDirectory() as folder:
        archive.extractall(folder)
        report = frictionless.validate(str(Path(folder) / "datapackage.json"))
        if not report.valid:
            errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
            raise Broken(f"datapackage.json does not validate: {errors[:5]}")
    header = archive.read("outcomes.csv").decode("utf-8").splitlines()[0].split(",")
    if header[:2] != ["row", "link"]:
        raise Broken(f"outcomes.csv begins {header[:2]}, not row, link")
    rows = csv_rows(archive.read("outcomes.csv"))
    linked = sum(1 for row in rows if row["link"])
    return f"datapackage.json valid, {len(rows)} rows in outcomes.csv, {linked} linked"


def check_answers_csv(data: bytes) -> str:
    """The anonymised answers CSV parses and has rows with a row number."""
    rows = csv_rows(data)
    if not rows or "row" not in rows[0]:
        raise Broken("no rows, or no 'row' column")
    return f"{len(rows)} rows, {len(rows[0])} columns"


def check_summary_csv(data: bytes) -> str:
    """The summary figures CSV parses and has rows."""
    rows = csv_rows(data)
    if not rows:
        raise Broken("no rows")
    return f"{len(rows)} rows"


def check_pdf(data: bytes, *wanted: str, pages: int | None = None) -> str:
    """A PDF that parses, has `pages` pages (if given) and contains `wanted`."""
    found, text = pdf_text(data)
    if pages is not None and found != pages:
        raise Broken(f"{found} pages instead of {pages}")
    expect_in(text, *wanted)
    return f"{found} page{'s' if found != 1 else ''}, has {', '.join(wanted)}"


def planned_checks(
    base_url: str, code: str, cli_pack: Path | None
) -> list[tuple[str, Callable[[], str]]]:
    """Each file a user can get, with the check that it opens."""
    lead = signed_in(base_url, LEAD)
    activity_id, title = demo_activity(lead, base_url, code)
    researcher = signed_in(base_url, RESEARCHER)
    join_url = f"{base_url}/j/{code}"
    studio = f"{base_url}/studio/activities/{activity_id}"
    research = f"{base_url}/research/activities/{activity_id}"

    def got(client: requests.Session, url: str, mimetype: str) -> Callable[[], bytes]:
        return lambda: download(client, url, mimetype)

    pack = got(researcher, f"{research}/pack.zip", "application/zip")
    answers = got(researcher, f"{research}/responses.csv", "text/csv")
    summary_pdf = got(researcher, f"{research}/summary.pdf", "application/pdf")
    summary_csv = got(researcher, f"{research}/summary.csv", "text/csv")
    outcomes = got(researcher, outcome_pack_url(researcher, base_url), "application/zip")
    qr_png = got(lead, f"{studio}/qr.png", "image/png")
    qr_svg = got(lead, f"{studio}/qr.svg", "image/svg+xml")
    poster = got(lead, f"{studio}/poster.pdf", "application/pdf")
    handout = got(lead, f"{studio}/handout.pdf", "application/pdf")
    checks: list[tuple[str, Callable[[], str]]] = [
        ("research pack ZIP (researcher)", lambda: check_pack(pack(), title)),
        ("answers CSV (researcher)", lambda: check_answers_csv(answers())),
        ("summary PDF (researcher)", lambda: check_pdf(summary_pdf(), title)),
        ("summary CSV (researcher)", lambda: check_summary_csv(summary_csv())),
        ("outcomes research pack ZIP (researcher)", lambda: check_outcome_pack(outcomes())),
        ("QR code PNG (lead)", lambda: scans_to(Image.open(io.BytesIO(qr_png())), join_url)),
        ("QR code SVG (lead)", lambda: scans_to(svg_picture(qr_svg()), join_url)),
        ("poster PDF (lead)", lambda: check_pdf(poster(), title, code, join_url, pages=1)),
        ("handout PDF (lead)", lambda: check_pdf(handout(), code, join_url, pages=1)),
    ]
    if cli_pack is not None:
        checks.append(
            (f"CLI export {cli_pack.name}", lambda: check_pack(read_file(cli_pack), title))
        )
    return checks


def read_file(path: Path) -> bytes:
    """The bytes of a file the CLI wrote."""
    if not path.is_file():
        raise Broken(f"{path} was not written")
    return path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    """Run every check, print one line each, and return 1 if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="where the demo server listens")
    parser.add_argument("--code", default="DEMOYP", help="the demo activity's join code")
    parser.add_argument("--cli-pack", type=Path, help="the ZIP `participation export` wrote")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    try:
        wait_for(base_url)
        checks = planned_checks(base_url, args.code, args.cli_pack)
    except (Broken, requests.RequestException) as exc:
        print(f"FAIL  could not start checking: {exc}")
        return 1
    failed = 0
    for name, check in checks:
        started = time.perf_counter()
        try:
            outcome = check()
        except Exception as exc:  # every failure is reported, then the run fails
            failed += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
            continue
        print(f"ok    {name}: {outcome} ({time.perf_counter() - started:.1f} s)")
    print(f"{len(checks) - failed} of {len(checks)} downloads complete and readable.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
