"""A server killed in the middle of a request leaves the database as it was.

A real Odoo server process runs on the test database; each test starts a
long request, kills the process with SIGKILL while the request runs (the test
checks that the client lost its connection, so the kill did land mid-request),
checks with plain SQL that nothing of the request was saved, starts the server
again and repeats the request, which then succeeds.
"""

from __future__ import annotations

import io
import time

import pytest

from tests.odoo_server import OdooServer, kill_while_blocked, make_credited_account, scalar

ORDER_LINES = 60
EXPORT_LINES = 2_000


@pytest.fixture
def server(odoo_env):
    with OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db) as server:
        yield server


def test_killed_order_confirmation_credits_nothing_then_again_once(server, odoo_env, pg_connect):
    account = make_credited_account(server, [70, 30])
    partner, product = account["customer"], account["product"]
    order = server.call(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [
                [0, 0, {"product_id": product, "product_uom_qty": 1 + i % 7, "price_unit": 3.0}]
                for i in range(ORDER_LINES)
            ],
        },
    )
    monthly_before = scalar(
        pg_connect, odoo_env.db, "SELECT COALESCE(SUM(amount), 0) FROM spm_credit_monthly"
    )

    db = odoo_env.db
    # Killed inside the credit engine: the test holds the locks of the order's lines as credit sources.
    line_ids = scalar(
        pg_connect, db, "SELECT array_agg(id) FROM sale_order_line WHERE order_id = %s", [order]
    )
    error = kill_while_blocked(
        server,
        lambda: server.call("sale.order", "action_confirm", [order]),
        pg_connect,
        db,
        "INSERT INTO spm_credit_source_lock AS l (source_ref) SELECT 'sale.order.line,' || unnest(%s::int[])"
        " ON CONFLICT (source_ref) DO UPDATE SET version = l.version + 1",
        [line_ids],
    )
    assert error is not None, "the confirmation finished before the kill"
    assert scalar(pg_connect, db, "SELECT state FROM sale_order WHERE id = %s", [order]) == "draft"
    assert scalar(pg_connect, db, "SELECT COUNT(*) FROM spm_credit_line WHERE order_id = %s", [order]) == 0
    assert scalar(pg_connect, db, "SELECT COALESCE(SUM(amount), 0) FROM spm_credit_monthly") == monthly_before

    server.start()
    server.call("sale.order", "action_confirm", [order], timeout=1800)
    assert scalar(pg_connect, db, "SELECT state FROM sale_order WHERE id = %s", [order]) == "sale"
    assert scalar(pg_connect, db, "SELECT COUNT(*) FROM spm_credit_line WHERE order_id = %s", [order]) == (
        2 * ORDER_LINES
    )
    total = scalar(
        pg_connect, db, "SELECT SUM(price_subtotal) FROM sale_order_line WHERE order_id = %s", [order]
    )
    assert (
        scalar(pg_connect, db, "SELECT SUM(amount) FROM spm_credit_line WHERE order_id = %s", [order])
        == total
    )
    assert scalar(pg_connect, db, "SELECT COALESCE(SUM(amount), 0) FROM spm_credit_monthly") == (
        monthly_before + total
    )


def test_killed_export_changes_nothing_and_exports_again(server, odoo_env, pg_connect):
    import openpyxl  # noqa: PLC0415 - in the venv, as Odoo needs it

    db = odoo_env.db
    origin = f"FAULT-{time.time_ns() % 10**9}"
    # Enough credit to make the export last: copies of the demo's lines, this month.
    with pg_connect(db) as conn, conn.cursor() as cr:
        cr.execute(
            """
            INSERT INTO spm_credit_line (user_id, business_unit_id, company_id, partner_id, product_id, date,
                                         month, amount, amount_collected, share, kind, basis, state, origin,
                                         create_uid, write_uid, create_date, write_date)
            SELECT l.user_id, l.business_unit_id, l.company_id, l.partner_id, l.product_id, CURRENT_DATE,
                   date_trunc('month', CURRENT_DATE), 1, 0, 100, 'manual', 'manual', 'confirmed', %s,
                   1, 1, now(), now()
              FROM generate_series(1, %s) g
              CROSS JOIN LATERAL (SELECT * FROM spm_credit_line LIMIT 1) l
        """,
            [origin, EXPORT_LINES],
        )
        cr.execute(
            """
            INSERT INTO spm_credit_monthly (user_id, business_unit_id, company_id, month, amount,
                                            amount_collected, line_count)
            SELECT user_id, business_unit_id, company_id, month, SUM(amount), 0, COUNT(*)
              FROM spm_credit_line WHERE origin = %s GROUP BY 1, 2, 3, 4
        """,
            [origin],
        )
    counts_sql = "SELECT (SELECT COUNT(*) FROM spm_credit_line) + (SELECT COUNT(*) FROM ir_attachment)"
    before = scalar(pg_connect, db, counts_sql)
    today = time.strftime("%Y-%m")
    wizard = server.call(
        "spm.credit.report.wizard", "create", {"date_from": f"{today}-01", "date_to": _month_end(today)}
    )

    def export():
        response = server.session.get(f"{server.url}/spm_credit/report/{wizard}", timeout=600)
        response.raise_for_status()
        return response.content

    # Killed inside the export: the test holds a lock that keeps it from reading the credit lines.
    error = kill_while_blocked(
        server, export, pg_connect, db, "LOCK TABLE spm_credit_line IN ACCESS EXCLUSIVE MODE"
    )
    assert error is not None, "the export finished before the kill"
    assert scalar(pg_connect, db, counts_sql) == before

    server.start()
    content = export()
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames[:2] == ["Summary", "Detail"]
    assert scalar(pg_connect, db, counts_sql) == before


def _month_end(year_month):
    import calendar  # noqa: PLC0415

    year, month = map(int, year_month.split("-"))
    return f"{year_month}-{calendar.monthrange(year, month)[1]}"
