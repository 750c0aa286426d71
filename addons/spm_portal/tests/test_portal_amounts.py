from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools.misc import formatLang

from .http_common import SpmPortalHttpCase

# Quantities and unit prices as distributors type them, and whether they are
# numbers. The form's live totals are the server's reading of them (the page
# has no number parser of its own), so they are what the billing will hold.
CASES = [
    ("2", "100", True),
    ("1 234,5", "2", True),
    ("1.234,50", "1", True),
    ("1,234.50", "1", True),
    ("1'000", "0.5", True),
    ("3", "2,5", True),
    (" 4 ", ".5", True),
    ("1e3", "1", True),
    ("abc", "1", False),
    ("1,2,3", "1", False),
    ("1e400", "1", False),
    ("2e13", "1", False),
    ("NaN", "1", False),
    ("0x10", "1", False),
    ("2", "", False),
]


@tagged("post_install", "-at_install")
class TestPortalAmounts(SpmPortalHttpCase):
    """The billing form's subtotals and total come from the server's number reader."""

    def setUp(self):
        super().setUp()
        self.login(self.portal_a)

    def amounts(self, lines, currency=None):
        return self.make_jsonrpc_request(
            "/my/secondary-sales/amounts",
            {"lines": lines, "currency": currency or self.company.currency_id.name},
        )

    def test_the_preview_is_what_the_billing_holds(self):
        currency = self.company.currency_id
        result = self.amounts([[quantity, price] for quantity, price, _number in CASES] + [["", ""]])
        self.assertEqual(result["subtotals"][-1], "", "an empty row has no subtotal")
        self.assertFalse(result["complete"], "some rows are not numbers")
        total = 0.0
        for (quantity, price, number), subtotal in zip(CASES, result["subtotals"], strict=False):
            with self.subTest(quantity=quantity, price=price):
                data = {
                    "bill_number": f"A-{quantity}-{price}",
                    "bill_date": self.yesterday,
                    "retailer": "Corner Shop",
                    "lines": [{"product": "T-INS", "quantity": quantity, "price_unit": price}],
                }
                prepared, errors = self.Billing.sudo()._check_billings([data], self.distributor_a)
                if not number:
                    self.assertEqual(subtotal, "\u2014")
                    self.assertTrue(errors, "the billing refuses what the preview does not read")
                    continue
                self.assertFalse(errors)
                created, _existing = self.Billing.sudo()._create_checked(prepared, "portal")
                stored = created.line_ids.price_subtotal
                self.assertEqual(subtotal, formatLang(self.env, stored, digits=currency.decimal_places))
                total += stored
        complete = self.amounts([["2", "100"], ["1 234,5", "2"], ["", ""]])
        self.assertTrue(complete["complete"])
        self.assertEqual(complete["total"], formatLang(self.env, 2669.0, digits=currency.decimal_places))
        self.assertGreater(total, 0)

    def test_bounded_and_tolerant_input(self):
        result = self.amounts(
            [["1" * 2000, "1"], "not a row", [None, 5], [["2"], "1"]] + [["1", "1"]] * 10_100
        )
        self.assertEqual(result["subtotals"][:4], ["\u2014", "", "", "\u2014"])
        self.assertLessEqual(len(result["subtotals"]), 10_001)
        self.assertEqual(
            self.amounts("nonsense", currency=["EUR"]), {"subtotals": [], "total": "0.00", "complete": True}
        )

    def test_internal_users_are_refused(self):
        self.login(self.sales_a)
        with self.assertRaises(JsonRpcException) as caught:
            self.amounts([["1", "1"]])
        self.assertIn("NotFound", str(caught.exception))
