import csv
import io

from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .http_common import SpmPortalHttpCase

LINES = (("T-INS", "2", "100"),)


@tagged("post_install", "-at_install")
class TestBillingHoldsChannels(SpmPortalHttpCase):
    """The form, the upload and the API hold a near duplicate alike; the
    distributor reads why on the billing's page and in the list; only the
    reviewer releases, whatever a client sends."""

    def billing(self, number):
        return self.Billing.search(
            [("distributor_id", "=", self.distributor_a.id), ("bill_number", "=", number)]
        )

    def upload(self, numbers):
        content = io.StringIO()
        writer = csv.writer(content, lineterminator="\n")
        writer.writerow(["bill_number", "bill_date", "retailer", "product", "quantity", "price_unit", "type"])
        for number in numbers:
            writer.writerow([number, self.yesterday.isoformat(), "Corner Shop", "T-INS", 2, "100", "sale"])
        files = {"file": ("sales.csv", io.BytesIO(content.getvalue().encode()), "text/csv")}
        response = self.upload_file(files)
        # The upload's job creates and submits the billings.
        for upload in self.env["spm.secondary.upload"].search([("state", "in", ("queued", "running"))]):
            while upload._spm_run_batch():
                pass
        return response

    def assert_held_after(self, first, second):
        self.env.invalidate_all()
        first, second = self.billing(first), self.billing(second)
        self.assertEqual((first.state, second.state), ("validated", "held"))
        self.assertEqual(second.hold_ids.related_billing_id, first)
        return second

    def test_form(self):
        self.login(self.portal_a)
        for number in ("P-1", "P-2"):
            response = self.post("/my/secondary-sales/save", self.form_data(number=number, lines=LINES))
            self.assertIn(response.status_code, (200, 303), response.text[:500])
        held = self.assert_held_after("P-1", "P-2")
        page = self.url_open(held.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-state="held"', page.text)
        self.assertIn("Possible duplicate of bill P-1 of", page.text)
        # The first bill's page names the later one.
        page = self.url_open(self.billing("P-1").access_url)
        self.assertIn("may report this sale again", page.text)
        self.assertIn(">P-2</a>", page.text)

    def test_upload(self):
        self.login(self.portal_a)
        response = self.upload(["U-1"])
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        response = self.upload(["U-2"])
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        self.assert_held_after("U-1", "U-2")
        listing = self.url_open("/my/secondary-sales")
        self.assertIn("Held: Possible duplicate of bill U-1 of", listing.text)

    def test_api(self):
        payload = {"billings": [self.api_billing(number="API-1"), self.api_billing(number="API-2")]}
        response = self.api("POST", payload=payload, key=self.key_a)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual([b["state"] for b in response.json()["billings"]], ["validated", "held"])
        self.assert_held_after("API-1", "API-2")

    def test_reason_is_text_on_the_page(self):
        self.login(self.portal_a)
        for number in ("T-1", "T-2"):
            self.post(
                "/my/secondary-sales/save",
                self.form_data(number=number, lines=LINES, retailer="<b>Shop</b> & co"),
            )
        held = self.billing("T-2")
        self.assertEqual(held.state, "held")
        page = self.url_open(held.access_url).text
        self.assertIn("&lt;b&gt;Shop&lt;/b&gt; &amp; co", page)
        self.assertNotIn("<b>Shop</b>", page)

    def test_json_rpc_release_and_writes_refused(self):
        self.login(self.portal_a)
        for number in ("R-1", "R-2"):
            self.post("/my/secondary-sales/save", self.form_data(number=number, lines=LINES))
        held = self.billing("R-2")
        hold = held.hold_ids
        forged = {"spm_billing_workflow": True, "default_state": "released"}
        for user in (self.portal_a, self.sales_a, self.manager_consumer, self.manager_pharma):
            self.authenticate(user.login, user.login)
            calls = [
                ("spm.secondary.billing", "write", [[held.id], {"state": "validated"}]),
                ("spm.secondary.billing.hold", "write", [hold.ids, {"state": "released"}]),
                ("spm.secondary.billing.hold", "unlink", [hold.ids]),
                (
                    "spm.secondary.billing.hold",
                    "create",
                    [{"billing_id": held.id, "kind": "duplicate", "reason": "x"}],
                ),
                ("spm.secondary.billing", "_release_holds", [[held.id]]),
            ]
            if user != self.manager_pharma:
                calls.append(("spm.secondary.billing", "action_release_hold", [[held.id]]))
            for model, method, args in calls:
                with (
                    self.subTest(user=user.login, method=method),
                    mute_logger("odoo.http"),
                    self.assertRaises(JsonRpcException),
                ):
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw",
                        {"model": model, "method": method, "args": args, "kwargs": {"context": forged}},
                    )
            self.env.invalidate_all()
            self.assertEqual((held.state, hold.state), ("held", "active"))
        # The reviewer releases.
        self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "spm.secondary.billing",
                "method": "action_release_hold",
                "args": [[held.id]],
                "kwargs": {},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(
            (held.state, hold.state, hold.released_by_id), ("validated", "released", self.manager_pharma)
        )
