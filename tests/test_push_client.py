"""The command-line client tools/spm_push_billings.py.

Reading, grouping and the handling of the API's answers are tested offline
with a fake HTTP session. Under ``./spm test``, the client also pushes a file
to a real Odoo server started on the throwaway database, with the demo
distributor's API key (skipped outside of it).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
CLIENT = REPO_ROOT / "tools" / "spm_push_billings.py"
HEADER = "bill_number,bill_date,retailer,product,quantity,price_unit,type\n"


def _load_client():
    spec = importlib.util.spec_from_file_location("spm_push_billings", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


client = _load_client()


class FakeResponse:
    def __init__(self, status, payload):
        self.status_code = status
        self._payload = payload

    def json(self):
        if self._payload is None:
            raise ValueError("not JSON")
        return self._payload


class FakeSession:
    """Answers like the API: refuses billings whose first line has quantity 0,
    and bill numbers listed in ``conflicts``; accepts the rest, all or none."""

    def __init__(self, conflicts=(), status=None):
        self.headers = {}
        self.requests = []
        self.conflicts = set(conflicts)
        self.status = status

    def get(self, url, **kwargs):
        self.requests.append(("GET", url, kwargs))
        return FakeResponse(200, {})

    def post(self, url, json=None, **kwargs):
        self.requests.append(("POST", url, json))
        if self.status:
            return FakeResponse(self.status, {"error": "unauthorized", "message": "The API key is wrong."})
        errors = []
        for index, billing in enumerate(json["billings"]):
            if billing["bill_number"] in self.conflicts:
                errors.append(
                    {
                        "bill_number": billing["bill_number"],
                        "field": f"billings[{index}].bill_number",
                        "message": "already used",
                    }
                )
            elif float(billing["lines"][0]["quantity"]) == 0:
                errors.append(
                    {
                        "bill_number": billing["bill_number"],
                        "field": f"billings[{index}].lines[0].quantity",
                        "message": "cannot be zero",
                    }
                )
        if errors:
            return FakeResponse(400, {"error": "invalid", "message": "none was saved", "errors": errors})
        return FakeResponse(
            201,
            {
                "billings": [
                    {
                        "bill_number": b["bill_number"],
                        "state": "validated",
                        "status": "created",
                        "reference": "SB/1",
                    }
                    for b in json["billings"]
                ]
            },
        )


def write_csv(tmp_path, rows, header=HEADER, encoding="utf-8"):
    path = tmp_path / "sales.csv"
    path.write_bytes((header + "".join(f"{row}\n" for row in rows)).encode(encoding))
    return path


def test_groups_rows_into_billings_by_bill_number():
    table = client.read_table(
        (
            "\ufeff" + HEADER.replace(",", ";") + "A;2026-01-02;Shop;P1;2;3,5;sale\n\n"
            "B;2026-01-03;Kiosk;P2;1;1;return\nA;;;P3;4;1;\n"
        ).encode()
    )
    billings = client.group_billings(table)
    assert [b["bill_number"] for b in billings] == ["A", "B"]
    assert billings[0]["retailer"] == "Shop"
    assert billings[0]["type"] == "sale"
    assert [line["product"] for line in billings[0]["lines"]] == ["P1", "P3"]
    assert billings[0]["lines"][0] == {"product": "P1", "quantity": "2", "price_unit": "3,5"}
    assert billings[1]["type"] == "return"


def test_reads_xlsx_with_dates_and_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Bill Number", "Date", "Retailer", "Product", "Qty", "Unit Price"])
    workbook.active.append([1001, date(2026, 1, 5), "Shop", "AMX-500", 2.0, 11.5])
    output = io.BytesIO()
    workbook.save(output)
    path = tmp_path / "sales.xlsx"
    path.write_bytes(output.getvalue())
    billings = client.read_billings(path)
    assert billings == [
        {
            "bill_number": "1001",
            "bill_date": "2026-01-05",
            "retailer": "Shop",
            "lines": [{"product": "AMX-500", "quantity": 2, "price_unit": 11.5}],
        }
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"bill_number,retailer\nA,B\n", "missing columns"),
        ((HEADER + "A,2026-01-01,Caf\xe9,P,1,1,sale\n").encode("latin-1"), "not UTF-8"),
        ((HEADER + ",2026-01-01,Shop,P,1,1,sale\n").encode(), "bill number is missing"),
        (b"PK\x03\x04broken", "cannot read the workbook"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(client.FileError, match=message):
        client.read_billings(path)


def test_pushes_in_batches_and_prints_one_line_per_billing(tmp_path, capsys):
    rows = [f"N-{i},2026-01-01,Shop,P,1,2,sale" for i in range(5)]
    session = FakeSession()
    code = client.main(
        ["--url", "http://odoo.test/", "--api-key", "k", "--batch-size", "2", str(write_csv(tmp_path, rows))],
        session=session,
    )
    assert code == client.EXIT_OK
    posts = [r for r in session.requests if r[0] == "POST"]
    assert [len(r[2]["billings"]) for r in posts] == [2, 2, 1]
    assert posts[0][1] == "http://odoo.test/api/spm/v1/secondary-billings"
    assert session.headers["Authorization"] == "Bearer k"
    out = capsys.readouterr().out.splitlines()
    assert out == [f"N-{i}\tOK\tvalidated (created, SB/1)" for i in range(5)]


def test_refused_billings_do_not_block_the_others(tmp_path, capsys):
    rows = ["A,2026-01-01,Shop,P,1,2,sale", "B,2026-01-01,Shop,P,0,2,sale", "C,2026-01-01,Shop,P,1,2,sale"]
    session = FakeSession(conflicts={"C"})
    code = client.main(
        ["--url", "http://odoo.test", "--api-key", "k", str(write_csv(tmp_path, rows))], session=session
    )
    assert code == client.EXIT_REFUSED
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "A\tOK\tvalidated (created, SB/1)"
    assert out[1].startswith("B\tREFUSED\tbillings[1].lines[0].quantity: cannot be zero")
    assert out[2].startswith("C\tREFUSED\t")
    # The valid billing was sent again alone, once the server refused the batch.
    assert [len(r[2]["billings"]) for r in session.requests if r[0] == "POST"] == [3, 1]


def test_wrong_key_fails_every_billing(tmp_path, capsys):
    session = FakeSession(status=401)
    code = client.main(
        [
            "--url",
            "http://odoo.test",
            "--api-key",
            "bad",
            str(write_csv(tmp_path, ["A,2026-01-01,Shop,P,1,2,sale"])),
        ],
        session=session,
    )
    assert code == client.EXIT_REFUSED
    assert "The API key is wrong" in capsys.readouterr().out


def test_usage_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("SPM_API_KEY", raising=False)
    monkeypatch.delenv("SPM_URL", raising=False)
    with pytest.raises(SystemExit):
        client.main(["--url", "http://odoo.test", str(tmp_path / "x.csv")])
    assert client.main(["--url", "http://odoo.test", "--api-key", "k", str(tmp_path / "missing.csv")]) == 2


# ---------------------------------------------------------------- against Odoo


@pytest.fixture
def odoo_server(odoo_env, api_key, free_port, tmp_path):
    """An Odoo server on the throwaway database of ./spm test, and an API key of
    the demo distributor (the Odoo tests installed the addons with demo data)."""
    port = free_port()
    log = tmp_path / "odoo.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            odoo_env.odoo_cmd(
                "-c",
                str(odoo_env.conf),
                "-d",
                odoo_env.db,
                "--db-filter",
                f"^{odoo_env.db}$",
                "--http-port",
                str(port),
                "--workers",
                "0",
                "--max-cron-threads",
                "0",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while True:
            try:
                requests.get(f"{url}/web/health", timeout=5)
                break
            except requests.RequestException:
                if time.time() > deadline or process.poll() is not None:
                    pytest.fail(f"Odoo did not start: {log.read_text()[-3000:]}")
                time.sleep(1)
        yield url, api_key
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def test_push_to_odoo(odoo_server, tmp_path, capsys):
    url, key = odoo_server
    day = (date.today() - timedelta(days=1)).isoformat()
    prefix = f"PYTEST-{uuid.uuid4().hex[:8]}"
    # A retailer of this run: the same lines to the same shop within days would be held as a duplicate.
    shop = f"Pytest Pharmacy {prefix}"
    rows = [
        f"{prefix}-1,{day},{shop},AMX-500,3,11.5,sale",
        f"{prefix}-1,{day},{shop},PCM-1000,10,3.4,sale",
        f"{prefix}-2,{day},{shop},AMX-500,1,11.5,return",
    ]
    path = write_csv(tmp_path, rows)
    args = ["--url", url, "--api-key", key, str(path)]
    assert client.main(args) == client.EXIT_OK, capsys.readouterr()
    out = capsys.readouterr().out
    assert f"{prefix}-1\tOK\tvalidated (created" in out
    assert f"{prefix}-2\tOK\tvalidated (created" in out
    # A retry of the same file: nothing is duplicated.
    assert client.main(args) == client.EXIT_OK
    assert out.count("created") == 2
    assert capsys.readouterr().out.count("(existing") == 2
    # The same bill number with another content is refused, naming the earlier billing.
    path.write_text(HEADER + f"{prefix}-2,{day},{shop},AMX-500,2,11.5,return\n")
    assert client.main(args) == client.EXIT_REFUSED
    assert "already used by your billing SB/" in capsys.readouterr().out
    response = requests.get(
        f"{url}/api/spm/v1/secondary-billings/{prefix}-1",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert json.loads(response.text)["state"] == "validated"
