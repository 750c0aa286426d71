"""Hostile files and API bodies against a real server process.

Each hostile input (the ones the hostile tester found, and others at the
bounds of ``spm_portal/tools/limits.py``) is sent to a real Odoo server while
another distributor searches products in the portal. The test measures the
server's peak memory (``VmHWM``, reset through ``/proc/<pid>/clear_refs``)
over what it held before the request and over the idle process after a
warm-up, the time of the answer and the other distributor's latency
meanwhile, and checks that the answer is a clear 4xx and that no billing was
saved. The figures are printed (``pytest -s``) and
quoted in the README's reliability table.
"""

from __future__ import annotations

import io
import json
import statistics
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tests.odoo_server import OdooServer, portal_session, scalar

# What one request may cost, whatever it holds.
MAX_MEMORY_GROWTH_MIB = 300
MAX_SECONDS = 60
# The other distributor's product search while a hostile request runs.
MAX_OTHER_LATENCY_SECONDS = 5

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit"
# What openpyxl needs to open the archive too: the test files are real workbooks.
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _workbook(rows):
    """An XLSX archive of the given ``<row>`` elements, written as a stream."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE_RELS}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return output.getvalue()


def wide_rows_xlsx():
    """The hostile tester's file: about 115 KB, rows of 200,000 cells each."""
    row = "<c><v>1</v></c>" * 200_000
    return _workbook(f"<row>{row}</row>" for _ in range(20))


def wide_empty_rows_xlsx():
    """Rows of styled empty cells, 16,384 each (a whole row formatted)."""
    row = '<c s="1"/>' * 16_384
    return _workbook(f"<row>{row}</row>" for _ in range(300))


def many_cells_xlsx():
    """50,000 rows of 64 numbers: every row within the bounds, the sheet not (6.4 million elements)."""
    header = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in HEADER.split(","))
    row = "<c><v>1</v></c>" * 64
    return _workbook([f"<row>{header}</row>", *(f"<row>{row}</row>" for _ in range(50_000))])


def million_columns_csv():
    return ("bill_number," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()


def untitled_values_csv():
    """50,000 rows, each with a value in a column without a title: 50,000 errors."""
    return (HEADER + "\n" + "A,2026-01-01,S,P,1,1,stray\n" * 50_000).encode()


def wide_csv():
    """50,000 rows of 64 columns, 58 of them untitled: 2.9 million errors."""
    return (HEADER + "\n" + ("A,2026-01-01,S,P,1,1" + ",1" * 58 + "\n") * 50_000).encode()


def ones_body():
    """A 9 MB body of [1,1,...]: it built five million errors and ended in a MemoryError."""
    return b'{"billings": [' + b",".join([b"1"] * 4_500_000) + b"]}"


def empty_lines_body():
    """290,000 empty lines: just within the bound of JSON values, so parsed, then refused."""
    return b'{"billings": [{"lines": [' + b",".join([b"{}"] * 290_000) + b"]}]}"


def invalid_lines_body():
    """1,000 billings of 50 lines of unknown products: the largest request the
    API reads, every line wrong."""
    line = {"product": "NO-SUCH-PRODUCT", "quantity": 1, "price_unit": 1.5}
    billings = [
        {
            "bill_number": f"HOSTILE-{i}",
            "bill_date": "2026-01-02",
            "retailer": "Hostile",
            "lines": [line] * 50,
        }
        for i in range(1000)
    ]
    return json.dumps({"billings": billings}).encode()


UPLOADS = {
    "xlsx of 20 rows of 200,000 cells": (wide_rows_xlsx, "more than 64 columns"),
    "xlsx of 300 rows of 16,384 empty cells": (wide_empty_rows_xlsx, "more than 1024 cells"),
    "xlsx of 50,000 rows of 64 cells": (many_cells_xlsx, "too many cells"),
    "csv header of a million unknown columns": (million_columns_csv, "is too long"),
    "csv of 50,000 rows with an untitled value": (untitled_values_csv, "50000 problems were found"),
    "csv of 50,000 rows of 64 columns": (wide_csv, "2900000 problems were found"),
}
BODIES = {
    "api body of 4.5 million ones (9 MB)": (ones_body, 413, "JSON values"),
    "api body of 290,000 empty lines": (empty_lines_body, 413, "at most 1000 billings and 50000 lines"),
    "api body of 50,000 lines, all wrong": (invalid_lines_body, 400, "more problems, not listed"),
}


@pytest.fixture(scope="module")
def server(odoo_env):
    with OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db) as server:
        yield server


@pytest.fixture(scope="module")
def sessions(server):
    """The hostile distributor's portal session and the other distributor's one."""
    hostile = portal_session(server, "spm_distributor", "spm_distributor", "/my/secondary-sales/upload")
    other = portal_session(server, "spm_distributor_2", "spm_distributor_2", "/my/secondary-sales/upload")
    return hostile, other


def _search_products(server, session):
    response = session.post(
        f"{server.url}/my/secondary-sales/products",
        json={"jsonrpc": "2.0", "method": "call", "params": {"term": "A", "limit": 10}},
        timeout=120,
    )
    response.raise_for_status()
    assert "result" in response.json(), response.text[:300]


def _measure(server, other_session, send):
    """Run ``send()`` while the other distributor searches products; return
    the response, its seconds, the peak memory growth (MiB) and the other's latencies."""
    status = Path(f"/proc/{server.process.pid}/clear_refs")
    before = server.memory_mib("VmRSS")
    status.write_text("5")  # resets VmHWM to the current RSS
    outcome, latencies = {}, []

    def run():
        start = time.monotonic()
        outcome["response"] = send()
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=run)
    thread.start()
    while not latencies or thread.is_alive():
        start = time.monotonic()
        _search_products(server, other_session)
        latencies.append(time.monotonic() - start)
        time.sleep(0.05)
    thread.join()
    peak = server.memory_mib("VmHWM")
    # Over what the process held before this request, and over the idle process after warm-up.
    return outcome["response"], outcome["seconds"], (peak - before, peak - server.idle_mib), latencies


def _check(name, response, seconds, growth, latencies, status, text):
    latency_max = max(latencies)
    print(
        f"\n{name}: {response.status_code} in {seconds:.1f} s, server memory +{growth[0]:.0f} MiB "
        f"(+{growth[1]:.0f} over idle), "
        f"other user's search {statistics.median(latencies) * 1000:.0f} ms median, "
        f"{latency_max * 1000:.0f} ms max ({len(latencies)} searches)"
    )
    assert response.status_code == status, response.text[:500]
    assert text in " ".join(response.text.split()), response.text[:2000]
    assert seconds < MAX_SECONDS
    assert max(growth) < MAX_MEMORY_GROWTH_MIB
    assert latency_max < MAX_OTHER_LATENCY_SECONDS


def _billing_count(pg_connect, db):
    return scalar(pg_connect, db, "SELECT COUNT(*) FROM spm_secondary_billing")


@pytest.fixture(scope="module")
def warm(server, sessions, api_key):
    """One ordinary upload and API call first: the memory measured is the request's, not Odoo's warm-up."""
    (hostile, token), (other, _token) = sessions
    hostile.post(
        f"{server.url}/my/secondary-sales/upload",
        data={"csrf_token": token},
        files={"file": ("b.csv", f"{HEADER}\nW-1,2026-01-01,S,NO-SUCH,1,1\n".encode(), "text/csv")},
        timeout=120,
    )
    hostile.post(
        f"{server.url}/api/spm/v1/secondary-billings",
        data=b'{"billings": [{"bill_number": "W-1", "lines": []}]}',
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        timeout=120,
    )
    _search_products(server, other)
    server.idle_mib = server.memory_mib("VmRSS")


@pytest.mark.parametrize("name", list(UPLOADS))
def test_hostile_upload(name, server, sessions, warm, odoo_env, pg_connect):
    make, text = UPLOADS[name]
    content = make()
    (hostile, token), (other, _token) = sessions
    before = _billing_count(pg_connect, odoo_env.db)

    def send():
        return hostile.post(
            f"{server.url}/my/secondary-sales/upload",
            data={"csrf_token": token, "submit": "1"},
            files={"file": ("hostile", content, "application/octet-stream")},
            timeout=600,
        )

    _check(name, *_measure(server, other, send), 400, text)
    assert _billing_count(pg_connect, odoo_env.db) == before


@pytest.mark.parametrize("name", list(BODIES))
def test_hostile_api_body(name, server, sessions, api_key, warm, odoo_env, pg_connect):
    make, status, text = BODIES[name]
    body = make()
    (_hostile, _token), (other, _token2) = sessions
    before = _billing_count(pg_connect, odoo_env.db)

    def send():
        import requests  # noqa: PLC0415 - in the venv, as Odoo needs it

        return requests.post(
            f"{server.url}/api/spm/v1/secondary-billings",
            data=body,
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
            timeout=600,
        )

    _check(name, *_measure(server, other, send), status, text)
    assert _billing_count(pg_connect, odoo_env.db) == before
