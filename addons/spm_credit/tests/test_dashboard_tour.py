import functools
import threading
import time
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase, SpmCreditCase):
    """The dashboard of a salesperson follows credit booked by someone else,
    live, through the bus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A: 50 % of 100 this month.
        cls._order([(cls.product_pharma, 1, 100.0)])

    def setUp(self):
        super().setUp()
        # Read the addons' manifests now, in one thread: the browser's first
        # requests would otherwise parse them concurrently, which CPython 3.11
        # sometimes fails at ("AST constructor recursion depth mismatch").
        self.assertIn("spm_credit", odoo.http.root.statics)
        # Odoo refuses websockets during tests; the bus is what this test is about.
        self.startPatcher(patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True))
        self.errors = []
        # Set once the dashboard got its first figures from the server.
        self.dashboard_loaded = threading.Event()
        Dashboard = type(self.env["spm.credit.dashboard"])
        get_dashboard_data = Dashboard.get_dashboard_data

        @functools.wraps(get_dashboard_data)
        def get_dashboard_data_and_signal(model, *args, **kwargs):
            result = get_dashboard_data(model, *args, **kwargs)
            self.dashboard_loaded.set()
            return result

        self.startPatcher(patch.object(Dashboard, "get_dashboard_data", get_dashboard_data_and_signal))

    def _book_credit_when_the_dashboard_listens(self):
        """In another thread, once the dashboard shows its figures and its bus
        listens: confirm an order in a cursor of its own and publish its
        notification as a commit does."""
        group = self.env.ref("spm_quota.group_spm_salesperson")
        channel = hashable(channel_with_db(self.env.cr.dbname, group))
        deadline = time.monotonic() + 45
        try:
            while not (self.dashboard_loaded.is_set() and dispatch._channels_to_ws.get(channel)):
                if time.monotonic() > deadline:
                    raise TimeoutError("The dashboard never loaded or its bus never subscribed")
                time.sleep(0.2)
            # Let the dashboard render its first figures before they change.
            time.sleep(1.0)
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].create(
                    {
                        "partner_id": self.customer.id,
                        "team_id": self.team_other.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product_pharma.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 250.0,
                                }
                            )
                        ],
                    }
                ).action_confirm()
                # The test cursor drops post-commit hooks: run them, so that
                # PostgreSQL's NOTIFY wakes the bus dispatcher as in production.
                cr.flush()
                cr.postcommit.run()
        except Exception as exc:  # reported by the test, in its own thread
            self.errors.append(exc)

    def test_dashboard_follows_credit_live(self):
        booker = threading.Thread(
            target=self._book_credit_when_the_dashboard_listens, name="spm_credit_booker"
        )
        booker.start()
        try:
            self.start_tour(
                "/odoo/action-spm_credit.spm_credit_dashboard_action",
                "spm_credit_dashboard_live",
                login="t_sales_a",
                timeout=90,
            )
        finally:
            booker.join(60)
        self.assertFalse(self.errors, self.errors)
        achieved = self.env["spm.credit.monthly"].search([("user_id", "=", self.sales_a.id)])
        self.assertAlmostEqual(sum(achieved.mapped("amount")), 175.0)
        # The two rows the tour found in the list opened from the figure are its lines.
        action = (
            self.env["spm.credit.dashboard"]
            .with_user(self.sales_a)
            .get_figure_action("achieved", str(achieved[:1].month))
        )
        lines = self.env["spm.credit.line"].search(action["domain"])
        self.assertEqual((len(lines), sum(lines.mapped("amount"))), (2, 175.0))
