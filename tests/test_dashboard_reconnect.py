"""The live dashboard recovers by itself when the server restarts.

A salesperson's dashboard is open in headless Chromium on a real Odoo server
process. The server is killed: the page says it is offline. The server is
started again on the same port and credit is booked for the salesperson. The
page, never reloaded, reconnects its bus, drops the offline badge and shows
the new figure.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import Browser
from tests.odoo_server import OdooServer, make_credited_account

DASHBOARD = "/odoo/action-spm_credit.spm_credit_dashboard_action"
ACHIEVED = "document.querySelector('.o_spm_achieved_month')?.dataset.value"
OFFLINE = "!!document.querySelector('.o_spm_dashboard_offline')"


@pytest.fixture
def server(odoo_env):
    with OdooServer(odoo_env.python, odoo_env.odoo_bin, odoo_env.conf, odoo_env.db) as server:
        yield server


def test_dashboard_recovers_after_server_restart(server):
    account = make_credited_account(server, [100], password="Reconnect-2026")

    def book(amount):
        order = server.call(
            "sale.order",
            "create",
            {
                "partner_id": account["customer"],
                "order_line": [
                    [0, 0, {"product_id": account["product"], "product_uom_qty": 1, "price_unit": amount}]
                ],
            },
        )
        server.call("sale.order", "action_confirm", [order])

    book(40.0)
    with Browser() as page:
        page.login(server.url, account["logins"][0], "Reconnect-2026")
        page.goto(server.url + DASHBOARD)
        assert float(page.wait_for(ACHIEVED)) == 40.0
        page.evaluate("window.spmNotReloaded = true")
        assert page.evaluate(OFFLINE) is False

        server.kill()
        page.wait_for(OFFLINE, timeout=30)
        badge = page.evaluate("document.querySelector('.o_spm_dashboard_offline').textContent")
        assert "Offline" in badge and "reconnecting" in badge
        server.start()
        book(60.0)

        page.wait_for(f"Number({ACHIEVED}) === 100 && !{OFFLINE}", timeout=90)
        assert page.evaluate("window.spmNotReloaded === true"), "the page was reloaded"
        assert json.loads(page.evaluate("JSON.stringify(location.pathname)")).startswith("/odoo")
