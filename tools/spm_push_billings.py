#!/usr/bin/env python3
"""Push a distributor's secondary billings from a CSV or XLSX file to SPM for Odoo.

The file has the columns of the portal's upload template, one row per
billing line: bill_number, bill_date, retailer, product, quantity,
price_unit, and optionally type (sale or return) and currency. Rows are
grouped into billings by bill number and sent in batches to the JSON API
(POST /api/spm/v1/secondary-billings) with the distributor portal user's API
key. One line is printed per billing: its bill number, then its state
(with "created" or "existing") or the reason it was refused. The exit code
is 0 when every billing was accepted, 1 when one was refused, 2 when the
file or the command line is wrong.

Sending the same file again is safe: billings already sent with the same
content are reported as existing, not duplicated.

    SPM_API_KEY=... python3 tools/spm_push_billings.py --url https://odoo.example.com sales.xlsx

Needs ``requests`` (and ``openpyxl`` for XLSX files), and runs from a
checkout of the repository: the columns and their aliases are read from
``addons/spm_portal/tools/billing_columns.py``, the module of the portal's
upload, so the client accepts every header the upload does.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import requests

# The upload's columns and their aliases, from the addon's pure-Python module
# (no Odoo needed): the client reads a header exactly as the portal's upload.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "addons" / "spm_portal" / "tools"))
from billing_columns import (  # noqa: E402
    COLUMNS,
    HEADER_COLUMNS,
    LINE_COLUMNS,
    REQUIRED_COLUMNS,
    normalize_header,
)

API_PATH = "/api/spm/v1/secondary-billings"
DEFAULT_BATCH = 100
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class FileError(Exception):
    """The file cannot be read as billings."""


def _cell(value):
    """A cell as the API takes it: text, a number, or an ISO date."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def read_table(data: bytes) -> list[list]:
    """The rows of a CSV (UTF-8) or XLSX file, told apart by their content."""
    if not data.strip():
        raise FileError("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            import openpyxl
        except ImportError as exc:
            raise FileError("reading XLSX files needs openpyxl: pip install openpyxl") from exc
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # any unreadable workbook is the user's file's problem
            raise FileError(f"cannot read the workbook: {exc}") from exc
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError("the CSV file is not UTF-8: save it as CSV UTF-8") from exc
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise FileError(f"cannot read the CSV file: {exc}") from exc


def group_billings(table: list[list]) -> list[dict]:
    """The billings of a table whose first non-blank row names the columns,
    in the order of the file, as the API takes them."""
    rows = [row for row in table if any(cell not in (None, "") and str(cell).strip() for cell in row)]
    if not rows:
        raise FileError("the file is empty")
    columns = [normalize_header(title) for title in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileError(f"missing columns: {', '.join(missing)} (the first row must name the columns)")
    billings: dict[str, dict] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {c: _cell(v) for c, v in zip(columns, row, strict=False) if c in COLUMNS}
        bill_number = str(values.get("bill_number") or "").strip()
        if not bill_number:
            raise FileError(f"row {number}: the bill number is missing")
        billing = billings.setdefault(bill_number, {
            "bill_number": bill_number,
            **{field: values.get(field) for field in HEADER_COLUMNS if values.get(field) not in (None, "")},
            "lines": [],
        })
        for field in HEADER_COLUMNS:
            if field not in billing and values.get(field) not in (None, ""):
                billing[field] = values[field]
        billing["lines"].append({field: values.get(field) for field in LINE_COLUMNS})
    if not billings:
        raise FileError("the file has no rows under its header")
    return list(billings.values())


def read_billings(path: Path) -> list[dict]:
    return group_billings(read_table(path.read_bytes()))


def batches(billings: list[dict], size: int) -> Iterable[list[dict]]:
    for start in range(0, len(billings), size):
        yield billings[start:start + size]


class Pusher:
    """Sends billings to the API and collects one result per bill number."""

    def __init__(self, url: str, api_key: str, session: requests.Session | None = None, timeout: float = 120,
                 db: str | None = None):
        self.url = url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})
        self.timeout = timeout
        self.db = db
        self.results: dict[str, tuple[bool, str]] = {}

    def select_database(self):
        """On a server with several databases, pick ``db`` for the session."""
        if self.db:
            self.session.get(f"{self.url}/web/login", params={"db": self.db}, timeout=self.timeout)

    def _post(self, billings: list[dict]) -> requests.Response:
        return self.session.post(f"{self.url}{API_PATH}", json={"billings": billings}, timeout=self.timeout)

    def push(self, batch: list[dict]) -> None:
        """Send one batch. The server saves all or none of a batch: when some
        billings are refused, the others are sent again without them."""
        try:
            response = self._post(batch)
        except requests.RequestException as exc:
            self._fail(batch, f"cannot reach the server: {exc}")
            return
        if response.status_code in (200, 201):
            self._accepted(response)
            return
        payload = self._json(response)
        errors = payload.get("errors") or []
        by_number: dict[str, list[str]] = {}
        for error in errors:
            if error.get("bill_number"):
                where = f"{error['field']}: " if error.get("field") else ""
                by_number.setdefault(str(error["bill_number"]), []).append(where + str(error.get("message")))
        if response.status_code not in (400, 409) or not by_number:
            message = payload.get("message") or f"HTTP {response.status_code}"
            details = "; ".join(
                f"{e.get('field')}: {e.get('message')}" for e in errors if not e.get("bill_number")
            )
            self._fail(batch, f"{message} {details}".strip())
            return
        for number, messages in by_number.items():
            self.results[number] = (False, "; ".join(messages))
        rest = [billing for billing in batch if billing["bill_number"] not in by_number]
        if rest:
            self.push(rest)

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            payload = response.json()
        except ValueError:
            return {"message": f"HTTP {response.status_code}: the answer is not JSON (is the URL right?)"}
        return payload if isinstance(payload, dict) else {}

    def _accepted(self, response: requests.Response) -> None:
        for billing in self._json(response).get("billings", []):
            self.results[str(billing.get("bill_number"))] = (
                True, f"{billing.get('state')} ({billing.get('status')}, {billing.get('reference')})",
            )

    def _fail(self, batch: list[dict], message: str) -> None:
        for billing in batch:
            self.results[billing["bill_number"]] = (False, message)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Push secondary billings from a CSV or XLSX file to SPM for Odoo's API.",
    )
    parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX file with the upload template's columns")
    parser.add_argument("--url", default=os.environ.get("SPM_URL"),
                        help="the Odoo server, e.g. https://odoo.example.com (or SPM_URL)")
    parser.add_argument("--api-key", default=os.environ.get("SPM_API_KEY"),
                        help="the distributor portal user's API key (better: the SPM_API_KEY variable)")
    parser.add_argument("--db", default=os.environ.get("SPM_DB"),
                        help="the database, on a server that has several (or SPM_DB)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="billings per request")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each request")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("give the server's URL with --url or SPM_URL")
    if not args.api_key:
        parser.error("give the API key with --api-key or SPM_API_KEY")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    return args


def main(argv=None, session: requests.Session | None = None, out=None) -> int:
    out = out or sys.stdout
    args = parse_args(argv)
    try:
        billings = read_billings(args.file)
    except (FileError, OSError) as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    pusher = Pusher(args.url, args.api_key, session=session, timeout=args.timeout, db=args.db)
    try:
        pusher.select_database()
    except requests.RequestException as exc:
        print(f"cannot reach {args.url}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for batch in batches(billings, args.batch_size):
        pusher.push(batch)
    refused = 0
    for billing in billings:
        ok, message = pusher.results.get(billing["bill_number"], (False, "not sent"))
        refused += not ok
        print(f"{billing['bill_number']}\t{'OK' if ok else 'REFUSED'}\t{message}", file=out)
    print(f"{len(billings) - refused} accepted, {refused} refused", file=sys.stderr)
    return EXIT_REFUSED if refused else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
