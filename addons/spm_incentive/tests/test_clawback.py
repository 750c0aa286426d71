from odoo.tests import tagged

from .common import SpmIncentiveCase


class SpmClawbackCase(SpmIncentiveCase):
    """A's quotas of Q4 2026 (300) and Q1 2027 (3,000); an order of 999.99 in
    December credits A 50 % (499.99): 16.00 on the plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quota(cls.sales_a, cls.unit_pharma, {"2026-10-01": 100, "2026-11-01": 100, "2026-12-01": 100})
        cls._quota(cls.sales_a, cls.unit_pharma, {"2027-01-01": 1000, "2027-02-01": 1000, "2027-03-01": 1000})
        cls.order = cls._order([(cls.product_pharma, 9, 111.11)], date_order="2026-12-01 10:00:00")


@tagged("post_install", "-at_install")
class TestClawback(SpmClawbackCase):
    """Credit lost after a statement was approved comes back, negative, in the next open statement."""

    def test_cancelled_order_is_clawed_back(self):
        q4 = self._generate("2026-12-01")
        # 50 % of 999.99 = 499.99 (largest remainder) against 300: 2 % of 300 + 5 % of 199.99 = 15.9995
        self.assertEqual(q4.measure, 499.99)
        self.assertEqual(q4.plan_amount, 16.0)
        q4.with_user(self.manager_pharma).action_approve_manager()
        self.order._action_cancel()
        reversals = self.Credit.search(
            [("order_id", "=", self.order.id), ("user_id", "=", self.sales_a.id), ("amount", "<", 0)]
        )
        self.assertTrue(reversals and all(reversals.mapped("reversed_line_id")))
        self.assertEqual(q4.amount_payable, 16.0)

        q1 = self._generate("2027-01-15")
        clawback = q1.line_ids.filtered(lambda line: line.kind == "clawback")
        self.assertEqual(len(clawback), len(reversals))
        # The statement's effective rate (16 / 499.99) on the 499.99 lost
        self.assertEqual(sum(clawback.mapped("amount")), -16.0)
        self.assertEqual(clawback.credit_line_id, reversals)
        self.assertEqual(clawback.original_line_id, reversals.reversed_line_id)
        self.assertEqual(clawback.origin_statement_id, q4)
        self.assertIn(self.order.name, clawback[0].reason)
        self.assertEqual(q1.carried_amount, -16.0)
        # Nothing earned in Q1: nothing paid, the rest waits for the next statement.
        self.assertEqual(q1.amount_payable, 0.0)
        self.assertEqual(q1.balance_forward, -16.0)
        # Recomputed, carried once; the approved statement unchanged.
        q1.action_recompute()
        self.assertEqual(q1.carried_amount, -16.0)
        self.assertEqual(q4.amount_payable, 16.0)
        # Once carried, never carried again into a later statement: Q2 gets
        # Q1's balance, not the clawback again, and pays what is left.
        q1.with_user(self.manager_pharma).action_approve_manager()
        self._quota(self.sales_a, self.unit_pharma, {"2027-04-01": 100, "2027-05-01": 100, "2027-06-01": 100})
        self._adjust(self.sales_a, self.unit_pharma, "2027-04-10", 1000.0)
        q2 = self._generate("2027-04-15")
        self.assertFalse(q2.line_ids.filtered(lambda line: line.kind == "clawback"))
        balance = q2.line_ids.filtered(lambda line: line.kind == "balance")
        self.assertEqual(balance.origin_statement_id, q1)
        self.assertEqual(balance.amount, -16.0)
        # 2 % of 300 + 5 % of 700 = 41, less the 16 carried
        self.assertEqual(q2.plan_amount, 41.0)
        self.assertEqual(q2.amount_payable, 25.0)
        self.assertEqual(q2.balance_forward, 0.0)
        q2.action_recompute()
        self.assertEqual(len(q2.line_ids.filtered(lambda line: line.kind == "balance")), 1)
        q2.with_user(self.manager_pharma).action_approve_manager()
        q3 = self._generate("2027-07-15")
        self.assertFalse(q3.line_ids.filtered(lambda line: line.kind in ("balance", "clawback")))

    def test_draft_statement_recomputes_instead(self):
        q4 = self._generate("2026-12-01")
        self.order._action_cancel()
        q4.action_recompute()
        self.assertEqual(q4.measure, 0.0)
        self.assertEqual(q4.amount_payable, 0.0)
        q1 = self._generate("2027-01-15")
        self.assertFalse(q1.line_ids.filtered(lambda line: line.kind == "clawback"))

    def test_late_credit_is_carried_too(self):
        q4 = self._generate("2026-12-01")
        q4.with_user(self.manager_pharma).action_approve_manager()
        late = self._adjust(self.sales_a, self.unit_pharma, "2026-12-20", 100.0, reason="Late invoice")
        q1 = self._generate("2027-01-15")
        carried = q1.line_ids.filtered(lambda line: line.kind == "late")
        self.assertEqual(carried.credit_line_id, late)
        # q4's effective rate (16 / 499.99) on the 100 received late
        self.assertEqual(carried.amount, 3.2)
        self.assertIn("received after", carried.reason)
        self.assertEqual(q1.carried_amount, 3.2)
        self.assertEqual(q1.amount_payable, 3.2)
        q1.action_recompute()
        self.assertEqual(len(q1.line_ids.filtered(lambda line: line.kind == "late")), 1)
