from datetime import timedelta

from odoo.tests import tagged

from .stock_common import SpmStockCase


@tagged("post_install", "-at_install")
class TestStockHoldsDays(SpmStockCase):
    """A sale is checked against its distributor's stock on every day from its
    bill date to today, the later documents counted: a backdated bill is held
    when it takes a later day's stock below zero, the lowest stock named; a
    later stock statement is a fresh base."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Distributor A counted 80 insulin ten days ago.
        cls._statement(cls._day(10), [(cls.product_pharma, 80)])

    @classmethod
    def _day(cls, days_ago):
        return cls.today - timedelta(days=days_ago)

    def _sale(self, number, quantity, days_ago):
        return self._billing(
            number=number, lines=[("T-INS", quantity, 1.0)], bill_date=self._day(days_ago), retailer=number
        )

    def _batch(self, bills):
        """Bills ``(number, quantity, days ago)`` checked and validated together, as an upload does."""
        data = [
            {
                "bill_number": number,
                "bill_date": self._day(days_ago),
                "retailer": number,
                "type": "sale",
                "lines": [{"product": "T-INS", "quantity": quantity, "price_unit": 1.0}],
            }
            for number, quantity, days_ago in bills
        ]
        prepared, errors = self.Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        created, _existing = self.Billing._create_checked(prepared, "upload", submit=True)
        return {billing.bill_number: billing for billing in created}

    def test_backdated_bill_short_on_a_later_day_is_held(self):
        self.assertEqual(self._sale("S-1", 80, days_ago=2).state, "validated")
        # The stock of five days ago is still 80, but 0 from two days ago on.
        backdated = self._sale("S-2", 50, days_ago=5)
        self.assertEqual(backdated.state, "held")
        self.assertEqual(backdated.hold_ids.reason, "You report 50 of T-INS sold; your stock was 0.")
        self.assertRecordValues(
            backdated.stock_shortfall_ids,
            [{"product_id": self.product_pharma.id, "reported_quantity": 50.0, "stock_quantity": 0.0}],
        )
        self.assertEqual(self._stock(self.product_pharma), 0.0, "a held sale takes nothing")

    def test_backdated_bill_covered_on_every_day_is_validated(self):
        self._primary([(self.product_pharma, 40, None)], invoice_date=self._day(4))
        self.assertEqual(self._sale("S-1", 80, days_ago=2).state, "validated")
        # 80 five days ago, 120 from four days ago, 40 from two days ago: 40 covers it.
        self.assertEqual(self._sale("S-2", 40, days_ago=5).state, "validated")
        self.assertEqual(self._stock(self.product_pharma), 0.0)
        # The lowest of the days named: nothing left from two days ago on.
        held = self._sale("S-3", 1, days_ago=6)
        self.assertEqual(held.hold_ids.reason, "You report 1 of T-INS sold; your stock was 0.")

    def test_a_later_statement_is_a_fresh_base(self):
        self.assertEqual(self._sale("S-1", 80, days_ago=1).state, "validated")
        # Counted 100 three days ago: 20 are left from yesterday on.
        self._statement(self._day(3), [(self.product_pharma, 100)])
        # A sale before the count is in it: checked up to the count only (80).
        self.assertEqual(self._sale("S-2", 50, days_ago=5).state, "validated")
        held = self._sale("S-3", 31, days_ago=4)
        self.assertEqual(held.hold_ids.reason, "You report 31 of T-INS sold; your stock was 30.")
        # A sale after the count takes from it, down to the 20 of yesterday.
        held = self._sale("S-4", 21, days_ago=2)
        self.assertEqual(held.hold_ids.reason, "You report 21 of T-INS sold; your stock was 20.")
        self.assertEqual(self._sale("S-5", 20, days_ago=2).state, "validated")

    def test_bills_of_a_batch_together_beyond_stock(self):
        self.assertEqual(self._sale("S-0", 30, days_ago=1).state, "validated")
        created = self._batch([("U-1", 20, 2), ("U-2", 20, 6), ("U-3", 20, 4), ("U-4", 5, 3)])
        # 80, 50 from yesterday on: the sales of six, four and three days ago
        # take 45 of it (5 left from yesterday on), the one of two days ago is short.
        self.assertEqual(
            {number: billing.state for number, billing in created.items()},
            {"U-1": "held", "U-2": "validated", "U-3": "validated", "U-4": "validated"},
        )
        self.assertEqual(created["U-1"].hold_ids.reason, "You report 20 of T-INS sold; your stock was 5.")
        self.assertEqual(self._stock(self.product_pharma), 5.0)
