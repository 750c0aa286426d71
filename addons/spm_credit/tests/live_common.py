import functools
import threading
import time
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, Command, api

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler


class SpmLiveCreditCommon:
    """For the tours of a screen that follows credit live over the bus (with
    ``HttpCase`` and a common class holding ``customer``, ``team_other`` and
    ``product_pharma``): while the tour watches the page, an order is confirmed
    in a cursor of its own once the page has loaded and its bus listens."""

    def _follow_live(self, addon, model, method):
        """Prepare a live tour of a screen of ``addon`` that loads its figures
        with ``model``'s ``method``."""
        # Read the addons' manifests now, in one thread: the browser's first
        # requests would otherwise parse them concurrently, which CPython 3.11
        # sometimes fails at ("AST constructor recursion depth mismatch").
        self.assertIn(addon, odoo.http.root.statics)
        # Odoo refuses websockets during tests; the bus is what these tests are about.
        self.startPatcher(patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True))
        self.errors = []
        # Set once the screen got its first figures from the server.
        self.screen_loaded = threading.Event()
        Model = type(self.env[model])
        load = getattr(Model, method)

        @functools.wraps(load)
        def load_and_signal(records, *args, **kwargs):
            result = load(records, *args, **kwargs)
            self.screen_loaded.set()
            return result

        self.startPatcher(patch.object(Model, method, load_and_signal))

    def _book_credit_when_the_screen_listens(self):
        """In another thread, once the screen shows its figures and its bus
        listens: confirm an order of 250 in a cursor of its own and publish its
        notification as a commit does."""
        group = self.env.ref("spm_quota.group_spm_salesperson")
        channel = hashable(channel_with_db(self.env.cr.dbname, group))
        deadline = time.monotonic() + 45
        try:
            while not (self.screen_loaded.is_set() and dispatch._channels_to_ws.get(channel)):
                if time.monotonic() > deadline:
                    raise TimeoutError("The screen never loaded or its bus never subscribed")
                time.sleep(0.2)
            # Let the screen render its first figures before they change.
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

    def _start_live_tour(self, url, tour, login):
        """Run ``tour`` at ``url`` as ``login`` while credit is booked meanwhile."""
        booker = threading.Thread(target=self._book_credit_when_the_screen_listens, name="spm_credit_booker")
        booker.start()
        try:
            self.start_tour(url, tour, login=login, timeout=90)
        finally:
            booker.join(60)
        self.assertFalse(self.errors, self.errors)
