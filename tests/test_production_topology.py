"""The production topology of ``./spm run --production``, started by the
project's own code (``spm_tool.production.Production``, what the command
runs) on the test database: nginx in front of Odoo's prefork workers and
gevent worker, and a streaming replica of the embedded PostgreSQL that Odoo
reads what is marked read-only from.

Through nginx: a salesperson's dashboard in headless Chromium follows an
order confirmed from another connection without a reload (the bus through
nginx to the gevent worker); the dashboard's and the reports' reads reach the
replica and not the primary, the writes the primary (and the credit report's
download right after its wizard is saved copes with the replica's lag); a
file just under the portal's limit, far above nginx's old 1 MB default,
reaches Odoo whole; with the replica stopped, the dashboard still answers
(Odoo falls back to the primary).
"""

from __future__ import annotations

import contextlib
import os
import re
import runpy
import time

import psycopg2
import pytest
import requests

from spm_tool.common import STATE
from spm_tool.database import Database
from spm_tool.production import Production
from tests.browser import Browser
from tests.odoo_server import OdooServer, make_credited_account

DASHBOARD = "/odoo/action-spm_credit.spm_credit_dashboard_action"
ACHIEVED = "document.querySelector('.o_spm_achieved_month')?.dataset.value"
PASSWORD = "Production-2026"
# What the dashboard and the reports read: scans of these tables are counted on each server.
READ_TABLES = ("spm_credit_monthly", "spm_quota_line", "spm_credit_line")
# A backend flushes its statistics at most every second, and within 10 s once idle.
STATS_FLUSH = 11


class Client:
    """A JSON-RPC session through the proxy, as the web client's."""

    call = OdooServer.call

    def __init__(self, url, db, login, password):
        self.url, self.session = url, requests.Session()
        self.session.post(
            f"{url}/web/session/authenticate",
            timeout=120,
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
        ).raise_for_status()


@pytest.fixture(scope="module")
def production(odoo_env, tmp_path_factory):
    db = Database()
    if not db.embedded:
        pytest.skip("the replica is made of the embedded PostgreSQL only (SPM_DATABASE_URL is set)")
    db.start()
    # The test replica is kept (stopped) between runs: only the first run copies the cluster.
    topology = Production(
        db,
        odoo_env.conf,
        odoo_env.db,
        folder=tmp_path_factory.mktemp("production"),
        replica_folder=STATE / "pg-replica-test",
        slot="spm_replica_test",
        listen="127.0.0.1",
        # No cron job reads or writes meanwhile: what each server counts is the requests'.
        cron_workers=0,
        log_level="warn",
    )
    with topology:
        yield topology


@pytest.fixture(scope="module")
def admin(production, odoo_env):
    return Client(production.url, odoo_env.db, "admin", "admin")


@pytest.fixture(scope="module")
def account(admin):
    account = make_credited_account(admin, [100], password=PASSWORD)
    account["book"] = lambda amount: book(admin, account, amount)
    return account


def book(client, account, amount):
    order = client.call(
        "sale.order",
        "create",
        {
            "partner_id": account["customer"],
            "order_line": [
                [0, 0, {"product_id": account["product"], "product_uom_qty": 1, "price_unit": amount}]
            ],
        },
    )
    client.call("sale.order", "action_confirm", [order])


@contextlib.contextmanager
def connect(server, dbname):
    """An autocommit connection to ``dbname`` on ``server`` (the primary or the replica)."""
    conn = psycopg2.connect(
        host=server.host, port=server.port, user=server.user, password=server.password or None, dbname=dbname
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            yield cr
    finally:
        conn.close()


def counters(server, dbname):
    """{table: scans, 'written': rows written} of the tables READ_TABLES on ``server``."""
    with connect(server, dbname) as cr:
        cr.execute(
            """SELECT relname, COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0),
                      n_tup_ins + n_tup_upd + n_tup_del
                 FROM pg_stat_user_tables WHERE relname IN %s""",
            [READ_TABLES],
        )
        rows = cr.fetchall()
    found = {name: scans for name, scans, _written in rows}
    found["written"] = sum(written for _name, _scans, written in rows)
    return found


def delta(before, after):
    return {key: after[key] - before.get(key, 0) for key in after}


def test_dashboard_follows_an_order_through_the_proxy(production, account):
    account["book"](40.0)
    with Browser() as page:
        page.login(production.url, account["logins"][0], PASSWORD)
        page.goto(production.url + DASHBOARD)
        assert float(page.wait_for(ACHIEVED)) == 40.0
        page.evaluate("window.spmNotReloaded = true")
        # The page's bus is connected through nginx before the order is booked.
        page.wait_for("!document.querySelector('.o_spm_dashboard_offline')")
        time.sleep(1)
        account["book"](60.0)
        page.wait_for(f"Number({ACHIEVED}) === 100", timeout=60)
        assert page.evaluate("window.spmNotReloaded === true"), "the page was reloaded"


def test_reads_reach_the_replica_and_writes_the_primary(production, odoo_env, account, admin):
    salesperson = Client(production.url, odoo_env.db, account["logins"][0], PASSWORD)
    time.sleep(STATS_FLUSH)
    primary, replica = counters(production.db, odoo_env.db), counters(production.replica, odoo_env.db)
    calls = 10
    for _ in range(calls):
        data = salesperson.call("spm.credit.dashboard", "get_dashboard_data", period="month")
        assert data["user"]["id"] == account["users"][0]
    groups = admin.call(
        "spm.achievement.report", "web_read_group", [], ["achieved:sum"], ["user_id"], lazy=False
    )
    assert groups["groups"], "the achievement report is empty"
    time.sleep(STATS_FLUSH)
    read_primary = delta(primary, counters(production.db, odoo_env.db))
    read_replica = delta(replica, counters(production.replica, odoo_env.db))
    assert read_replica["spm_credit_monthly"] >= calls, read_replica
    assert read_replica["spm_quota_line"] >= calls, read_replica
    assert read_primary["spm_credit_monthly"] == 0 and read_primary["spm_quota_line"] == 0, read_primary
    assert read_primary["written"] == 0, read_primary

    account["book"](5.0)
    time.sleep(STATS_FLUSH)
    written = delta(primary, counters(production.db, odoo_env.db))["written"] - read_primary["written"]
    assert written > 0, "the order's credit was not written on the primary"
    assert delta(replica, counters(production.replica, odoo_env.db))["written"] == 0


def test_credit_report_export_reads_the_replica_and_copes_with_lag(production, odoo_env, admin):
    # The replica stops replaying: a wizard just saved on the primary is not on it yet.
    with connect(production.replica, "postgres") as cr:
        cr.execute("SELECT pg_wal_replay_pause()")
    try:
        wizard = admin.call("spm.credit.report.wizard", "create", {})
        answer = admin.session.get(f"{production.url}/spm_credit/report/{wizard}", timeout=300)
    finally:
        with connect(production.replica, "postgres") as cr:
            cr.execute("SELECT pg_wal_replay_resume()")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.content[:2] == b"PK", "not an XLSX workbook"

    # Replayed: the export reads its credit lines from the replica.
    assert production.replica.wait_streaming()
    time.sleep(STATS_FLUSH)
    primary, replica = counters(production.db, odoo_env.db), counters(production.replica, odoo_env.db)
    answer = admin.session.get(f"{production.url}/spm_credit/report/{wizard}", timeout=300)
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    time.sleep(STATS_FLUSH)
    assert delta(replica, counters(production.replica, odoo_env.db))["spm_credit_line"] > 0
    assert delta(primary, counters(production.db, odoo_env.db))["spm_credit_line"] == 0


def test_body_over_one_megabyte_reaches_odoo(production, admin, repo_root):
    """A file just under the portal's 10 MB reaches Odoo whole: nginx's default
    limit (1 MB) answered its bare 413 to a 1.3 MB upload."""
    limits = runpy.run_path(str(repo_root / "addons" / "spm_portal" / "tools" / "limits.py"))
    size = limits["MAX_FILE_SIZE"] - 1024
    page = admin.session.get(f"{production.url}/odoo", timeout=120).text
    token = re.search(r'csrf_token: "([^"]+)"', page).group(1)
    partner = admin.call("res.users", "read", [2], ["partner_id"])[0]["partner_id"][0]
    answer = admin.session.post(
        f"{production.url}/web/binary/upload_attachment",
        data={"csrf_token": token, "model": "res.partner", "id": partner},
        files={"ufile": ("big.bin", os.urandom(size), "application/octet-stream")},
        timeout=300,
    )
    assert answer.status_code == 200, f"{answer.status_code}: {answer.text[:300]}"
    (uploaded,) = answer.json()
    try:
        assert admin.call("ir.attachment", "read", [uploaded["id"]], ["file_size"])[0]["file_size"] == size
    finally:
        admin.call("ir.attachment", "unlink", [uploaded["id"]])


def test_replica_stopped_the_dashboard_still_answers(production, odoo_env, account):
    salesperson = Client(production.url, odoo_env.db, account["logins"][0], PASSWORD)
    production.replica.stop()
    answers = [
        salesperson.call("spm.credit.dashboard", "get_dashboard_data", period="month")["user"]["id"]
        for _ in range(2 * production.workers)
    ]
    assert answers == [account["users"][0]] * len(answers)
