"""The push client reads a file's header as the portal's upload does.

Both take the columns and their aliases from the addon's pure-Python module
``addons/spm_portal/tools/billing_columns.py``; this test reads every header
the upload accepts through the client (no Odoo needed).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON_TOOLS = REPO_ROOT / "addons" / "spm_portal" / "tools"


def _load(name, path, package_dir=None):
    spec = importlib.util.spec_from_file_location(
        name, path, submodule_search_locations=[str(package_dir)] if package_dir else None
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


client = _load("spm_push_billings_columns", REPO_ROOT / "tools" / "spm_push_billings.py")
# The upload's package, as Odoo imports it (its file reader needs no Odoo).
tools = _load("spm_portal_upload_tools", ADDON_TOOLS / "__init__.py", ADDON_TOOLS)
upload = tools.billing_file
ROW = {
    "bill_number": "B-1",
    "bill_date": "2026-01-02",
    "retailer": "Shop",
    "product": "AMX-500",
    "quantity": "2",
    "price_unit": "3.5",
    "type": "return",
    "currency": "EUR",
    "retailer_vat": "27AAPFU0939F1ZV",
    "retailer_city": "Pune",
}


def _upload_headers():
    """Every header the upload maps to a column: the columns and their aliases,
    written as people write them (capitals, spaces, dashes)."""
    names = [*upload.COLUMNS, *tools.billing_columns.COLUMN_ALIASES]
    headers = []
    for name in names:
        headers += [name, name.upper(), name.replace("_", " ").title(), name.replace("_", "-")]
    return [header for header in headers if upload.normalize_header(header) in upload.COLUMNS]


@pytest.mark.parametrize("header", _upload_headers())
def test_client_accepts_every_header_of_the_upload(header):
    column = upload.normalize_header(header)
    titles = [header if name == column else name for name in upload.COLUMNS]
    billings = client.group_billings([titles, [ROW[name] for name in upload.COLUMNS]])
    billing = billings[0]
    value = billing["lines"][0][column] if column in upload.LINE_COLUMNS else billing[column]
    assert value == ROW[column]


def test_the_aliases_lost_by_the_former_copy():
    for header in ("bill_no", "Bill No", "bill_#", "retailer_name", "internal_reference"):
        assert header in _upload_headers()
