from datetime import timedelta

from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .http_common import SpmPortalHttpCase
from .stock_common import SpmStockCase


@tagged("post_install", "-at_install")
class TestStockHoldsHttp(SpmStockCase, SpmPortalHttpCase):
    """The distributor reads a stock hold's shortfall on its billing's page,
    in the API's answer and under the Held filter; nobody but the workflow
    releases it, whatever a client sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._statement(cls.today - timedelta(days=7), [(cls.product_pharma, 80)])

    def test_page_names_the_shortfall_as_text(self):
        self.product_pharma.name = "<b>Insulin</b> & co"
        billing = self._billing(number="S-1", lines=[("T-INS", 120, 100.0)])
        self.assertEqual(billing.state, "held")
        self.login(self.portal_a)
        page = self.url_open(billing.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("You report 120 of T-INS sold; your stock was 80.", page.text)
        self.assertIn("o_spm_stock_shortfall", page.text)
        self.assertIn("&lt;b&gt;Insulin&lt;/b&gt; &amp; co", page.text)
        self.assertNotIn("<b>Insulin</b>", page.text)
        # Another distributor reads nothing of it.
        self.login(self.portal_b)
        self.assertEqual(self.url_open(billing.access_url).status_code, 404)

    def test_held_filter_of_the_list(self):
        held = self._billing(number="S-HELD", lines=[("T-INS", 120, 100.0)])
        validated = self._billing(number="S-OK", lines=[("T-INS", 10, 100.0)])
        self.assertEqual((held.state, validated.state), ("held", "validated"))
        self.login(self.portal_a)
        listing = self.url_open("/my/secondary-sales")
        self.assertIn("filterby=held", listing.text)
        self.assertIn(">S-OK<", listing.text)
        listing = self.url_open("/my/secondary-sales?filterby=held")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("S-HELD", listing.text)
        self.assertNotIn("S-OK", listing.text)

    def test_api_answer_gives_the_hold_reasons(self):
        payload = {"billings": [self.api_billing("API-1", lines=(("T-INS", 120, 100.0),))]}
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 201, response.text)
        [answer] = response.json()["billings"]
        self.assertEqual(answer["state"], "held")
        self.assertEqual(
            answer["holds"],
            [
                {
                    "kind": "stock",
                    "reason": "You report 120 of T-INS sold; your stock was 80.",
                    "shortfall": [{"product": "T-INS", "reported": 120.0, "stock": 80.0, "missing": 40.0}],
                }
            ],
        )
        # A billing not held has none.
        response = self.api("POST", payload={"billings": [self.api_billing("API-2")]}, key=self.key_a)
        self.assertEqual(response.json()["billings"][0]["holds"], [])

    def test_a_statement_counted_on_the_portal_releases_the_hold(self):
        billing = self._billing(number="S-1", lines=[("T-INS", 120, 100.0)])
        self.login(self.portal_a)
        response = self.post(
            "/my/secondary-sales/stock/save",
            {
                "date": (self.today - timedelta(days=2)).isoformat(),
                "line_product": ["T-INS"],
                "line_quantity": ["150"],
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.env.invalidate_all()
        self.assertEqual(billing.state, "validated")

    def test_rpc_cannot_release_or_forge(self):
        billing = self._billing(number="S-1", lines=[("T-INS", 120, 100.0)])
        hold, shortfall = billing.hold_ids, billing.stock_shortfall_ids
        forged = {"spm_billing_workflow": True, "spm_stock_workflow": True, "default_state": "released"}
        calls = [
            ("spm.secondary.billing", "_release_holds", [[billing.id]], {"kinds": ["stock"]}),
            ("spm.secondary.billing", "action_release_hold", [[billing.id]], {}),
            ("spm.distributor.stock", "_spm_recheck_stock_holds", [[]], {}),
            ("spm.distributor.stock", "_spm_stock_holds", [[]], {}),
            ("spm.secondary.billing.hold", "write", [hold.ids, {"state": "released"}], {}),
            ("spm.secondary.billing.hold.shortfall", "write", [shortfall.ids, {"stock_quantity": 500}], {}),
            ("spm.secondary.billing.hold.shortfall", "unlink", [shortfall.ids], {}),
            (
                "spm.secondary.billing.hold.shortfall",
                "create",
                [{"hold_id": hold.id, "product_id": self.product_pharma.id, "stock_quantity": 500}],
                {},
            ),
        ]
        for user in (self.portal_a, self.sales_a):
            self.authenticate(user.login, user.login)
            for model, method, args, kwargs in calls:
                with (
                    self.subTest(user=user.login, model=model, method=method),
                    mute_logger("odoo.http"),
                    self.assertRaises(JsonRpcException),
                ):
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw",
                        {
                            "model": model,
                            "method": method,
                            "args": args,
                            "kwargs": {**kwargs, "context": forged},
                        },
                    )
        self.env.invalidate_all()
        self.assertEqual((billing.state, hold.state), ("held", "active"))
        self.assertRecordValues(shortfall, [{"stock_quantity": 80.0, "reported_quantity": 120.0}])
