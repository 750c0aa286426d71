from datetime import timedelta

from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestSecondaryBillingValidation(SpmPortalCase):
    """The one validator of every channel: _check_billings."""

    def _check(self, billings, distributor=None, **kwargs):
        return self.Billing._check_billings(billings, distributor or self.distributor_a, **kwargs)

    def _input(self, **values):
        data = {
            "row": 2,
            "bill_number": "V-1",
            "bill_date": self.yesterday.isoformat(),
            "retailer": "Corner Shop",
            "lines": [{"row": 2, "product": "T-INS", "quantity": "3", "price_unit": "12.5"}],
        }
        lines = values.pop("lines", None)
        data.update(values)
        if lines is not None:
            data["lines"] = lines
        return data

    def _messages(self, errors):
        return [(e["row"], e["column"], e["message"]) for e in errors]

    def test_valid_billing_is_resolved(self):
        prepared, errors = self._check([self._input()])
        self.assertFalse(errors)
        vals = prepared[0]["vals"]
        self.assertEqual(vals["bill_date"], self.yesterday)
        self.assertEqual(vals["billing_type"], "sale")
        self.assertEqual(vals["currency_id"], self.company.currency_id.id)
        self.assertEqual(vals["retailer_name"], "Corner Shop", "a new retailer is created on the fly")
        self.assertEqual(
            vals["lines"], [{"product_id": self.product_pharma.id, "quantity": 3.0, "price_unit": 12.5}]
        )

    def test_products_by_reference_barcode_and_name(self):
        lines = [
            {"row": 2, "product": "T-INS", "quantity": 1, "price_unit": 1},
            {"row": 3, "product": "4000000000017", "quantity": 1, "price_unit": 1},
            {"row": 4, "product": "[T-SUN] Test Sunscreen", "quantity": 1, "price_unit": 1},
            {"row": 5, "product": "Test Sunscreen", "quantity": 1, "price_unit": 1},
        ]
        prepared, errors = self._check([self._input(lines=lines)])
        self.assertFalse(errors)
        self.assertEqual(
            [v["product_id"] for v in prepared[0]["vals"]["lines"]],
            [
                self.product_pharma.id,
                self.product_pharma.id,
                self.product_consumer.id,
                self.product_consumer.id,
            ],
        )

    def test_control_characters_refused_in_the_users_language(self):
        # Outside a request (a background job): the message finds its language from the checker's env.
        with self.assertNoLogs("odoo.tools.translate", "WARNING"):
            _prepared, errors = self._check([self._input(retailer="Shop\u0007")])
        self.assertEqual(
            self._messages(errors),
            [(2, "retailer", "This value contains control characters, which are not allowed.")],
        )

    def test_a_shared_reference_names_the_newest_product(self):
        """Two products sharing a reference: the newest is meant, by reference
        and by "[reference] name" alike (as by name; barcodes are unique)."""
        newer = self.env["product.product"].create({"name": "Test Insulin, 2", "default_code": "T-INS"})
        lines = [
            {"row": 2, "product": "T-INS", "quantity": 1, "price_unit": 1},
            {"row": 3, "product": "[T-INS] Anything", "quantity": 1, "price_unit": 1},
        ]
        prepared, errors = self._check([self._input(lines=lines)])
        self.assertFalse(errors)
        self.assertEqual([v["product_id"] for v in prepared[0]["vals"]["lines"]], [newer.id, newer.id])

    def test_every_error_is_reported_with_row_and_column(self):
        after_tomorrow = (self.today + timedelta(days=2)).isoformat()
        billings = [
            self._input(
                row=2,
                bill_number="",
                retailer="",
                lines=[
                    {"row": 2, "product": "NOPE", "quantity": "0", "price_unit": "-1"},
                ],
            ),
            self._input(
                row=3,
                bill_number="V-2",
                bill_date=after_tomorrow,
                lines=[
                    {"row": 3, "product": "T-SMP", "quantity": "abc", "price_unit": ""},
                    {"row": 4, "product": "", "quantity": "", "price_unit": "1e400"},
                ],
            ),
            self._input(
                row=5, bill_number="V-3", bill_date="31/31/2026", type="gift", currency="XXX", lines=[]
            ),
        ]
        prepared, errors = self._check(billings)
        found = {(e["row"], e["column"]) for e in errors}
        self.assertEqual(
            found,
            {
                (2, "bill_number"),
                (2, "retailer"),
                (2, "product"),
                (2, "quantity"),
                (2, "price_unit"),
                (3, "bill_date"),
                (3, "product"),
                (3, "quantity"),
                (3, "price_unit"),
                (4, "product"),
                (4, "quantity"),
                (4, "price_unit"),
                (5, "bill_date"),
                (5, "type"),
                (5, "currency"),
                (5, "lines"),
            },
        )
        messages = " | ".join(e["message"] for e in errors)
        for expected in (
            "bill number is missing",
            "in the future",
            "not a date",
            "cannot be zero",
            "cannot be negative",
            "is unknown",
            "may not report",
            "not a number",
            "no lines",
        ):
            self.assertIn(expected, messages)
        self.assertTrue(all(p["vals"] is None for p in prepared))

    def test_bill_date_in_a_locked_period_is_taken(self):
        # Credited later in the first open month (test_late_billing), not refused.
        self.company.spm_credit_lock_date = self.yesterday
        prepared, errors = self._check([self._input()])
        self.assertFalse(errors)
        self.assertEqual(len(prepared), 1)

    def test_allowed_products_narrow_what_a_distributor_reports(self):
        self.distributor_a.spm_allowed_product_ids = self.product_consumer
        _prepared, errors = self._check([self._input()])
        self.assertEqual(
            self._messages(errors),
            [
                (2, "product", "Test Distributor A may not report the product [T-INS] Test Insulin."),
            ],
        )
        _prepared, errors = self._check(
            [self._input(lines=[{"row": 2, "product": "T-SUN", "quantity": 1, "price_unit": 1}])]
        )
        self.assertFalse(errors)

    def test_duplicate_bill_number_names_the_earlier_billing(self):
        earlier = self._billing(number="V-1")
        _prepared, errors = self._check([self._input()])
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["code"], "duplicate")
        self.assertIn(earlier.name, errors[0]["message"])
        # The other distributor may use the same number.
        _prepared, errors = self._check([self._input()], distributor=self.distributor_b)
        self.assertFalse(errors)
        # Twice in one request.
        _prepared, errors = self._check(
            [self._input(bill_number="V-9"), self._input(row=3, bill_number="V-9")]
        )
        self.assertEqual([(e["row"], e["column"]) for e in errors], [(3, "bill_number")])

    def test_identical_retry_is_the_earlier_billing(self):
        earlier = self._billing(number="V-1", lines=[("T-INS", 3, 12.5)], retailer="Corner Shop")
        prepared, errors = self._check([self._input(retailer="corner  shop")], allow_identical=True)
        self.assertFalse(errors)
        self.assertEqual(prepared[0]["existing"], earlier)
        self.assertIsNone(prepared[0]["vals"])
        _prepared, errors = self._check(
            [self._input(lines=[{"row": 2, "product": "T-INS", "quantity": "4", "price_unit": "12.5"}])],
            allow_identical=True,
        )
        self.assertEqual(errors[0]["code"], "duplicate")
        # The edited billing is not its own duplicate.
        _prepared, errors = self._check([self._input()], exclude=earlier)
        self.assertFalse(errors)

    def test_retailers_are_matched_by_code_or_name_and_created_once(self):
        shop = self._retailer(self.distributor_a, "Pharmacie du Centre", "R-042")
        billings = [
            self._input(bill_number="R-1", retailer="r-042"),
            self._input(bill_number="R-2", retailer="PHARMACIE DU CENTRE"),
            self._input(bill_number="R-3", retailer="New Kiosk"),
            self._input(bill_number="R-4", retailer="new kiosk"),
        ]
        prepared, errors = self._check(billings)
        self.assertFalse(errors)
        created, _existing = self.Billing._create_checked(prepared, "upload")
        self.assertEqual(created[0].retailer_id, shop)
        self.assertEqual(created[1].retailer_id, shop)
        self.assertEqual(created[2].retailer_id, created[3].retailer_id)
        kiosk = created[2].retailer_id
        self.assertFalse(kiosk.parent_id, "a retailer is a partner of its own")
        self.assertTrue(kiosk.spm_is_retailer)
        self.assertEqual(kiosk.commercial_partner_id, kiosk, "a retailer is its own commercial entity")
        self.assertIn(kiosk, self.distributor_a._spm_retailers())

    def test_numbers_as_distributors_type_them(self):
        lines = [
            {"row": 2, "product": "T-INS", "quantity": "1 000", "price_unit": "12,50"},
            {"row": 3, "product": "T-INS", "quantity": "2", "price_unit": "1.234,5"},
            {"row": 4, "product": "T-INS", "quantity": 2.0, "price_unit": 0},
        ]
        prepared, errors = self._check([self._input(lines=lines)])
        self.assertFalse(errors)
        self.assertEqual(
            [(v["quantity"], v["price_unit"]) for v in prepared[0]["vals"]["lines"]],
            [(1000.0, 12.5), (2.0, 1234.5), (2.0, 0.0)],
        )

    def test_not_a_distributor(self):
        _prepared, errors = self._check([self._input()], distributor=self.customer)
        self.assertIn("not a distributor", errors[0]["message"])
