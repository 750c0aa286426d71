from datetime import timedelta

from odoo.tests import tagged

from .stock_common import SpmStockCase
from .test_billing_holds import confirmed

REASON = "You report 120 of T-INS sold; your stock was 80."


@tagged("post_install", "-at_install")
class TestStockHolds(SpmStockCase):
    """A billing that reports more sold than its distributor's stock is held,
    the shortfall named, until a posted invoice or a stock statement covers
    it; a distributor that never counted its stock is not checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Distributor A counted 80 insulin and 10 sunscreen a week ago.
        cls.counted = cls.today - timedelta(days=7)
        cls._statement(cls.counted, [(cls.product_pharma, 80), (cls.product_consumer, 10)])

    def _held(self, quantity=120, number="S-1", **values):
        billing = self._billing(number=number, lines=[("T-INS", quantity, 100.0)], **values)
        self.assertEqual(billing.state, "held")
        return billing

    def _released_messages(self, billing):
        return billing.message_ids.filtered(lambda m: "stock now covers" in (m.body or ""))

    def test_billing_beyond_stock_is_held_with_the_shortfall_named(self):
        billing = self._held()
        self.assertRecordValues(billing.hold_ids, [{"kind": "stock", "state": "active", "reason": REASON}])
        self.assertRecordValues(
            billing.stock_shortfall_ids,
            [
                {
                    "product_id": self.product_pharma.id,
                    "reported_quantity": 120.0,
                    "stock_quantity": 80.0,
                    "missing_quantity": 40.0,
                    "hold_id": billing.hold_ids.id,
                }
            ],
        )
        self.assertEqual(billing.hold_ids.shortfall_ids, billing.stock_shortfall_ids)
        self.assertTrue(any(f"Held: {REASON}" in m.body for m in billing.message_ids))
        self.assertEqual(confirmed(billing), 0.0, "its credit is held")
        self.assertTrue(billing.credit_line_ids)
        # A held sale takes nothing from the stock; a sale within it is validated.
        self.assertEqual(self._stock(self.product_pharma), 80.0)
        self.assertEqual(self._billing(number="S-2", lines=[("T-INS", 80, 100.0)]).state, "validated")
        self.assertEqual(self._stock(self.product_pharma), 0.0)

    def test_reason_in_the_users_language(self):
        billing = self._billing(lines=[("T-INS", 120, 100.0)], submit=False)
        # Outside a request (a background job): the reason finds its language from the model's env.
        with self.assertNoLogs("odoo.tools.translate", "WARNING"):
            holds = self.Stock._spm_stock_holds(billing)
        self.assertEqual(holds[billing][0]["reason"], REASON)

    def test_only_the_products_short_are_named(self):
        billing = self._billing(lines=[("T-INS", 81, 100.0), ("T-SUN", 10, 5.0)])
        self.assertEqual(billing.state, "held")
        self.assertEqual(billing.hold_ids.reason, "You report 81 of T-INS sold; your stock was 80.")
        self.assertEqual(billing.stock_shortfall_ids.product_id, self.product_pharma)

    def test_within_tolerance_is_not_held(self):
        # The distributor's tolerance, the unit's: the larger one counts.
        self.distributor_a.spm_stock_tolerance = 39
        self._held(number="T-1", retailer="Shop 1")
        self.distributor_a.spm_stock_tolerance = 40
        billing = self._billing(number="T-2", lines=[("T-INS", 120, 100.0)], retailer="Shop 2")
        self.assertEqual(billing.state, "validated")
        self.distributor_a.spm_stock_tolerance = 0
        self.unit_pharma.spm_stock_tolerance = 45
        # 80 - 120 = -40 taken already: 5 more is within 45, 1 more is not.
        billing = self._billing(number="T-3", lines=[("T-INS", 5, 100.0)], retailer="Shop 3")
        self.assertEqual(billing.state, "validated")
        self._held(quantity=1, number="T-4", retailer="Shop 4")

    def test_a_return_is_never_held(self):
        billing = self._billing(lines=[("T-INS", 500, 100.0)], billing_type="return")
        self.assertEqual(billing.state, "validated")

    def test_billings_of_a_batch_take_from_the_stock_in_date_order(self):
        data = [
            {
                "bill_number": f"U-{n}",
                "bill_date": self.today - timedelta(days=4 - n),
                "retailer": f"Shop {n}",
                "type": "return" if n == 2 else "sale",
                "lines": [{"product": "T-INS", "quantity": 50, "price_unit": 1.0}],
            }
            for n in range(4)
        ]
        prepared, errors = self.Billing._check_billings(data[::-1], self.distributor_a)
        self.assertFalse(errors)
        created, _existing = self.Billing._create_checked(prepared, "upload", submit=True)
        # 80: the first sale takes 50, the second (30 left) is held; a return
        # of 50 makes 80 again, the last sale is within it.
        self.assertEqual(
            created.sorted("bill_date").mapped("state"), ["validated", "held", "validated", "validated"]
        )

    def test_a_distributor_never_counted_is_not_checked(self):
        billing = self._billing(distributor=self.distributor_b, lines=[("T-INS", 500, 1.0)])
        self.assertEqual(billing.state, "validated")
        # Nor a bill dated before the first count.
        billing = self._billing(
            number="OLD-1", lines=[("T-INS", 500, 1.0)], bill_date=self.counted - timedelta(days=1)
        )
        self.assertEqual(billing.state, "validated")

    def test_later_primary_invoice_releases_the_hold(self):
        billing = self._held()
        # 30 more make 110 of 120: not covered, still held, its shortfall unchanged.
        self._primary([(self.product_pharma, 30, None)], invoice_date=self.today - timedelta(days=3))
        self.assertEqual(billing.state, "held")
        self.assertEqual(billing.hold_ids.state, "active")
        self.assertEqual(confirmed(billing), 0.0)
        # A credit note, a draft invoice and an invoice dated after the bill do not cover it.
        self._primary([(self.product_pharma, 5, None)], move_type="out_refund")
        self._primary(
            [(self.product_pharma, 50, None)], invoice_date=self.today - timedelta(days=2), post=False
        )
        self._primary([(self.product_pharma, 50, None)], invoice_date=self.today)
        self.assertEqual(billing.state, "held")
        # Two dozen more, dated before the bill: 129, covered, released, its credit achieved at once.
        self._primary([(self.product_pharma, 2, self.uom_dozen)], invoice_date=self.today - timedelta(days=2))
        self.assertEqual(billing.state, "validated")
        self.assertEqual(billing.hold_ids.state, "released")
        self.assertEqual(confirmed(billing), 12000.0)
        self.assertEqual(len(self._released_messages(billing)), 1)
        # Nothing twice: another invoice changes nothing.
        self._primary([(self.product_pharma, 100, None)], invoice_date=self.today - timedelta(days=2))
        self.assertEqual(confirmed(billing), 12000.0)
        self.assertEqual(len(self._released_messages(billing)), 1)
        self.assertEqual(len(billing.hold_ids), 1)

    def test_one_invoice_releases_the_held_billings_it_covers_earliest_first(self):
        first = self._held(number="H-1", bill_date=self.today - timedelta(days=2))
        second = self._held(number="H-2", quantity=100)
        other = self._held(number="H-3", quantity=90)
        # 80 + 50 = 130: the first (120) is covered, not the later ones (10 left).
        self._primary([(self.product_pharma, 50, None)], invoice_date=self.today - timedelta(days=3))
        self.assertEqual((first.state, second.state, other.state), ("validated", "held", "held"))
        # 100 more: 110 left covers the second (100), not the third too.
        self._primary([(self.product_pharma, 100, None)], invoice_date=self.today - timedelta(days=3))
        self.assertEqual((second.state, other.state), ("validated", "held"))

    def test_stock_statement_releases_the_hold(self):
        billing = self._held()
        self._statement(self.today - timedelta(days=2), [(self.product_pharma, 119)])
        self.assertEqual(billing.state, "held", "119 do not cover 120")
        self.assertEqual(confirmed(billing), 0.0)
        self._statement(self.today - timedelta(days=2), [(self.product_pharma, 120)])
        self.assertEqual(billing.state, "validated")
        self.assertEqual(confirmed(billing), 12000.0)
        self.assertEqual(len(self._released_messages(billing)), 1)

    def test_cancelling_a_validated_sale_releases_the_holds_it_covers_earliest_first(self):
        sold = self._billing(number="C-1", lines=[("T-INS", 60, 100.0)], retailer="Shop 1")
        self.assertEqual(sold.state, "validated")
        first = self._held(
            number="C-2", quantity=50, retailer="Shop 2", bill_date=self.today - timedelta(days=2)
        )
        second = self._held(number="C-3", quantity=40, retailer="Shop 3")
        # A held sale took nothing: cancelling it gives nothing back.
        unsold = self._held(number="C-4", quantity=70, retailer="Shop 4")
        unsold.with_user(self.manager_pharma).action_cancel()
        self.assertEqual((first.state, second.state), ("held", "held"))
        # The 60 come back: 80 covers the first (50), not the second too (30 left).
        sold.with_user(self.manager_pharma).action_cancel()
        self.assertEqual((first.state, second.state), ("validated", "held"))
        self.assertEqual(confirmed(first), 5000.0)
        self.assertEqual(len(self._released_messages(first)), 1)
        self.assertEqual(self._stock(self.product_pharma), 30.0)

    def test_rejecting_a_validated_sale_releases_the_holds_it_covers(self):
        sold = self._billing(number="R-1", lines=[("T-INS", 60, 100.0)], retailer="Shop 1")
        held = self._held(number="R-2", quantity=50, retailer="Shop 2")
        # A rejected return takes its stock back: nothing to release.
        returned = self._billing(number="R-3", lines=[("T-INS", 5, 100.0)], billing_type="return")
        returned.with_user(self.manager_pharma).action_reject("Not returned")
        self.assertEqual(held.state, "held")
        self.env["spm.secondary.billing.reject"].with_user(self.manager_pharma).create(
            {"billing_ids": [sold.id], "reason": "Never sold"}
        ).action_reject()
        self.assertEqual((sold.state, held.state), ("rejected", "validated"))
        self.assertEqual(confirmed(held), 5000.0)

    def test_a_duplicate_hold_on_the_same_bill_stays(self):
        first = self._billing(number="D-1", lines=[("T-INS", 60, 100.0)])
        self.assertEqual(first.state, "validated")
        # The same sale again: a possible duplicate, and beyond the 20 left.
        again = self._billing(number="D-2", lines=[("T-INS", 60, 100.0)])
        self.assertEqual(again.state, "held")
        self.assertCountEqual(again.hold_ids.mapped("kind"), ["duplicate", "stock"])
        self._primary([(self.product_pharma, 40, None)], invoice_date=self.today - timedelta(days=3))
        stock_hold = again.hold_ids.filtered(lambda h: h.kind == "stock")
        duplicate = again.hold_ids - stock_hold
        self.assertEqual((stock_hold.state, duplicate.state), ("released", "active"))
        self.assertEqual(again.state, "held")
        self.assertEqual(confirmed(again), 0.0)
        # Its reviewer releases the duplicate: validated, credited once.
        again.with_user(self.manager_pharma).action_release_hold()
        self.assertEqual(again.state, "validated")
        self.assertEqual(confirmed(again), 6000.0)

    def test_stock_check_of_n_billings_costs_the_same_queries_as_2n(self):
        # The days checked have documents of their own: an invoice, a count.
        self._primary([(self.product_pharma, 30, None)], invoice_date=self.today - timedelta(days=4))
        self._statement(
            self.today - timedelta(days=2), [(self.product_pharma, 40), (self.product_consumer, 5)]
        )

        def batch(prefix, count):
            data = [
                {
                    "bill_number": f"{prefix}-{n}",
                    "bill_date": self.today - timedelta(days=n % 7),
                    "retailer": f"Shop {n}",
                    "type": "sale",
                    "lines": [
                        {"product": "T-INS", "quantity": 1 + n % 7, "price_unit": 1.0},
                        {"product": "T-SUN", "quantity": 1, "price_unit": 1.0},
                    ],
                }
                for n in range(count)
            ]
            prepared, errors = self.Billing._check_billings(data, self.distributor_a)
            self.assertFalse(errors)
            return self.Billing._create_checked(prepared, "upload", submit=False)[0]

        def queries(billings):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            holds = self.Stock._spm_stock_holds(billings)
            return self.cr.sql_log_count - before, holds

        queries(batch("W", 5))  # the caches a first call fills
        small, small_holds = queries(batch("S", 20))
        large, large_holds = queries(batch("L", 40))
        self.assertTrue(small_holds and large_holds, "shortfalls found, their reasons written")
        self.assertEqual(small, large)
        # The statements, the lines, the stock of the first days and of the later ones, the names.
        self.assertLessEqual(large, 10)

    def test_demo_has_a_stock_shortfall(self):
        short = self.env.ref("spm_portal.billing_1_stock_short", raise_if_not_found=False)
        if not short:
            self.skipTest("installed without demo data")
        self.assertEqual(short.state, "held")
        self.assertEqual(short.hold_ids.kind, "stock")
        self.assertEqual(short.stock_shortfall_ids.product_id, self.env.ref("spm_quota.product_amoxicillin"))
        self.assertIn("You report 5000 of AMX-500 sold; your stock was", short.hold_ids.reason)
