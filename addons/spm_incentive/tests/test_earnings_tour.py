import functools
import threading
import time
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler

from ..tools import period_bounds, period_months
from .common import SpmIncentiveCase


@tagged("post_install", "-at_install")
class TestEarningsTour(HttpCase, SpmIncentiveCase):
    """A salesperson's *My earnings* follow credit booked by someone else,
    live, through the bus; the what-if entry computes without writing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The running quarter's target: 3,000 (tiers: 2 % up to 100 %, 5 % above).
        start, end = period_bounds(fields.Date.context_today(cls.env["res.users"]), "quarter")
        cls._quota(cls.sales_a, cls.unit_pharma, {str(month): 1000 for month in period_months(start, end)})
        # A: 50 % of 100 this month, 1.00 earned.
        cls._order([(cls.product_pharma, 1, 100.0)])

    def setUp(self):
        super().setUp()
        # Read the addons' manifests in one thread (see spm_credit's dashboard tour).
        self.assertIn("spm_incentive", odoo.http.root.statics)
        # Odoo refuses websockets during tests; the bus is what this test is about.
        self.startPatcher(patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True))
        self.errors = []
        self.earnings_loaded = threading.Event()
        Assignment = type(self.env["spm.incentive.plan.assignment"])
        get_my_earnings = Assignment.get_my_earnings

        @functools.wraps(get_my_earnings)
        def get_my_earnings_and_signal(model, *args, **kwargs):
            result = get_my_earnings(model, *args, **kwargs)
            self.earnings_loaded.set()
            return result

        self.startPatcher(patch.object(Assignment, "get_my_earnings", get_my_earnings_and_signal))

    def _book_credit_when_the_page_listens(self):
        """In another thread, once the page shows its figures and its bus
        listens: confirm an order in a cursor of its own and publish its
        notification as a commit does."""
        group = self.env.ref("spm_quota.group_spm_salesperson")
        channel = hashable(channel_with_db(self.env.cr.dbname, group))
        deadline = time.monotonic() + 45
        try:
            while not (self.earnings_loaded.is_set() and dispatch._channels_to_ws.get(channel)):
                if time.monotonic() > deadline:
                    raise TimeoutError("The page never loaded or its bus never subscribed")
                time.sleep(0.2)
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

    def test_earnings_follow_credit_live_and_what_if(self):
        statements = self.Statement.search_count([])
        booker = threading.Thread(target=self._book_credit_when_the_page_listens, name="spm_incentive_booker")
        booker.start()
        try:
            self.start_tour(
                "/odoo/action-spm_incentive.spm_incentive_earnings_action",
                "spm_incentive_earnings_live",
                login="t_sales_a",
                timeout=90,
            )
        finally:
            booker.join(60)
        self.assertFalse(self.errors, self.errors)
        # 175 of 3,000 at 2 %; the what-if of 3,000 more wrote nothing.
        earning = self.assignment_a.with_user(self.sales_a).get_earnings()[self.assignment_a.id]
        self.assertEqual((earning["measure"], earning["earned"]), (175.0, 3.5))
        self.assertEqual(self.Statement.search_count([]), statements)
