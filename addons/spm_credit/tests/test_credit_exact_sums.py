from contextlib import closing
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmCreditCase, fuzz_settings
from .test_credit_report_xlsx import SpmCreditReportCase

CENT = Decimal("0.01")
# Extreme but allowed amounts: from a cent to a trillion, with awkward cents.
PRICES = st.integers(1, 999).map(lambda cents: cents / 100) | st.integers(10**11, 10**14).map(
    lambda cents: cents / 100
)
# Lines of an order: (pharma, credited on the order, or consumer, on the invoice), quantity, price.
ORDER_LINES = st.lists(st.tuples(st.booleans(), st.integers(1, 3), PRICES), min_size=1, max_size=3)
# Payments come twice as often: the collected amounts are half of what is checked.
KINDS = ("order", "invoice", "pay", "pay", "refund", "reset", "cancel", "unreconcile")
# (kind, which document, a fraction in 1/10000 or a flag in its parity, the lines of an order)
OPERATION = st.tuples(st.sampled_from(KINDS), st.integers(0, 7), st.integers(1, 10_000), ORDER_LINES)
# The documents every sequence starts with: orders, invoiced at once or not.
START = st.lists(st.tuples(ORDER_LINES, st.booleans()), min_size=1, max_size=3)


def decimal(value):
    return Decimal(str(value))


def to_cent(value):
    return value.quantize(CENT, ROUND_HALF_UP)


@tagged("post_install", "-at_install")
class TestCreditExactSums(SpmCreditCase):
    """The monthly aggregate equals its credit lines to the cent, whatever the
    amounts and the sequence of events; the daily check reports a difference and
    an administrator's rebuild repairs it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = cls.sales_a | cls.sales_b | cls.sales_c | cls.sales_d
        cls.Monthly = cls.env["spm.credit.monthly"]

    def _sums(self, model):
        """{(user, unit, company, month): (amount, collected)} of ``model``, summed in SQL."""
        groups = self.env[model]._read_group(
            [("user_id", "in", self.users.ids)],
            ["user_id", "business_unit_id", "company_id", "month:day"],
            ["amount:sum", "amount_collected:sum"],
        )
        return {tuple(group[:4]): group[4:] for group in groups}

    def _assert_aggregate_equals_lines(self, step=""):
        self.assertEqual(self._sums("spm.credit.monthly"), self._sums("spm.credit.line"), step)

    def _assert_collected_adds_up(self, orders, invoices, step=""):
        """What each invoice's credit collected is its paid share, to the cent
        (for credit on orders: each order line's paid share)."""

        def paid_share(move):
            total = decimal(move.amount_total_signed)
            return (total - decimal(move.amount_residual_signed)) / total if total else Decimal(0)

        for invoice in invoices.filtered(lambda m: m.state == "posted"):
            lines = self.Credit.browse(
                [
                    line.id
                    for lines in self.env["spm.credit.engine"]
                    ._active_lines(invoice.invoice_line_ids)
                    .values()
                    for line in lines
                ]
            )
            credit = sum(map(decimal, lines.mapped("amount")), Decimal(0))
            collected = sum(map(decimal, lines.mapped("amount_collected")), Decimal(0))
            self.assertEqual(collected, to_cent(credit * paid_share(invoice)), f"{step}: {invoice.name}")
        for sale_line, lines in self.env["spm.credit.engine"]._active_lines(orders.order_line).items():
            confirmed = lines.filtered(lambda line: line.state == "confirmed")
            posted = sale_line.invoice_lines.filtered(lambda aml: aml.parent_state == "posted")
            invoiced = sum((decimal(-aml.balance) for aml in posted), Decimal(0))
            paid = sum((decimal(-aml.balance) * paid_share(aml.move_id) for aml in posted), Decimal(0))
            credit = sum(map(decimal, confirmed.mapped("amount")), Decimal(0))
            expected = to_cent(credit * paid / invoiced) if invoiced else Decimal(0)
            collected = sum(map(decimal, lines.mapped("amount_collected")), Decimal(0))
            self.assertEqual(collected, expected, f"{step}: {sale_line.display_name}")

    def _run(self, operation, orders, invoices):
        """Apply one generated event to one of the documents it applies to (by
        index); return the documents, with those it created."""
        kind, index, number, lines = operation
        if kind == "order":
            products = {True: self.product_pharma, False: self.product_consumer}
            return orders | self._order([(products[p], qty, price) for p, qty, price in lines]), invoices
        candidates = {
            "invoice": orders.filtered(lambda o: o.state == "sale" and o.invoice_status == "to invoice"),
            "cancel": orders.filtered(
                lambda o: o.state == "sale" and not o.invoice_ids.filtered(lambda m: m.state == "posted")
            ),
            "pay": invoices.filtered(
                lambda m: m.state == "posted" and not m.currency_id.is_zero(m.amount_residual)
            ),
            "refund": invoices.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice"),
            "reset": invoices.filtered(lambda m: m.state == "posted"),
            "unreconcile": invoices.filtered(lambda m: m.state == "posted" and m.payment_state != "not_paid"),
        }[kind]
        if not candidates:
            return orders, invoices
        record = candidates[index % len(candidates)]
        if kind == "invoice":
            invoices |= self._invoice(record)
        elif kind == "cancel":
            record._action_cancel()
        elif kind == "pay":
            self._pay(record, record.currency_id.round(record.amount_residual * number / 10_000) or 0.01)
        elif kind == "refund":
            cancel = number % 2 == 1 and record.payment_state == "not_paid"
            refund = record._reverse_moves(cancel=cancel)
            if not cancel:
                refund.action_post()
            invoices |= refund
        elif kind == "reset":
            record.button_draft()
            if number % 2:
                record.action_post()
            else:
                record.button_cancel()
        else:
            receivable = record.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            )
            receivable.remove_move_reconcile()
        return orders, invoices

    @fuzz_settings(20)
    @given(START, st.lists(OPERATION, min_size=4, max_size=12))
    def test_generated_sequences_keep_the_aggregate_exact(self, start, operations):
        """Sales, returns, cancellations, payments and unreconciliations of
        amounts up to a trillion: after each, the aggregate equals the lines
        and every invoice collects exactly its paid share."""
        # Each example starts from the same database.
        with closing(self.env.cr.savepoint()):
            orders, invoices = self.env["sale.order"], self.env["account.move"]
            for lines, invoiced in start:
                orders, invoices = self._run(("order", 0, 1, lines), orders, invoices)
                if invoiced:
                    orders, invoices = self._run(("invoice", -1, 1, lines), orders, invoices)
            self._assert_aggregate_equals_lines("start")
            for step, operation in enumerate(operations):
                orders, invoices = self._run(operation, orders, invoices)
                self._assert_aggregate_equals_lines(f"after {step}: {operation}")
                self._assert_collected_adds_up(orders, invoices, f"after {step}: {operation}")
            differences = self.Monthly._differences(self.company.ids)
            self.assertFalse(
                [key for key in differences if key[0] in self.users.ids], "the daily check agrees"
            )

    def test_trillions_net_to_zero(self):
        """Found by a hostile tester: large amounts summed as floats drifted
        from their lines by cents, and confirm-then-cancel left them there."""
        order = self._order(
            [
                (self.product_pharma, 1, 9876543210987.65),
                (self.product_pharma, 1, 8765432109876.54),
                (self.product_pharma, 1, 7654321098765.43),
            ]
        )
        self._assert_aggregate_equals_lines("confirmed")
        order._action_cancel()
        self._assert_aggregate_equals_lines("cancelled")
        for (user, *_key), (amount, collected) in self._sums("spm.credit.monthly").items():
            self.assertEqual((amount, collected), (0.0, 0.0), user.name)

    def _damage(self, user, amount=0.01, collected=0.0):
        """Shift the aggregate of ``user`` away from the lines (a bug or a hand edit)."""
        self.Monthly.flush_model()
        self.env.cr.execute(
            """
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, amount_collected, line_count)
            SELECT user_id, business_unit_id, company_id, month, %s, %s, 0
              FROM spm_credit_monthly WHERE user_id = %s LIMIT 1
            """,
            [amount, collected, user.id],
        )
        self.Monthly.invalidate_model()

    def _mismatches(self):
        return self.env["spm.credit.issue"].search(
            [("reason", "=", "monthly_mismatch"), ("user_id", "in", self.users.ids)]
        )

    def test_daily_check_reports_a_difference_and_the_rebuild_repairs_it(self):
        invoice = self._invoice(self._order([(self.product_consumer, 3, 333.37)]))
        self._pay(invoice, 123.45)
        self.Monthly._cron_check_lines()
        self.assertFalse(self._mismatches(), "an exact aggregate reports nothing")

        self._damage(self.sales_b, amount=-0.01, collected=0.02)
        self.env.ref("spm_credit.ir_cron_spm_credit_monthly_check").method_direct_trigger()
        issue = self._mismatches()
        self.assertEqual(len(issue), 1)
        self.assertEqual(
            (issue.state, issue.user_id, issue.business_unit_id, issue.amount, issue.collected_difference),
            ("open", self.sales_b, self.unit_consumer, 0.01, -0.02),
        )
        self.Monthly._cron_check_lines()
        self.assertEqual(self._mismatches(), issue, "checked again: the same issue, not a second one")

        with self.assertRaises(AccessError):
            self.Monthly.with_user(self.manager_consumer).action_rebuild()
        with self.assertRaises(AccessError):
            self.env.ref("spm_credit.spm_credit_monthly_action_rebuild").with_user(
                self.manager_consumer
            ).run()
        self.assertEqual(issue.state, "open", "refused: nothing changed")

        self.env.ref("spm_credit.spm_credit_monthly_action_rebuild").with_user(self.admin).run()
        self._assert_aggregate_equals_lines("rebuilt")
        self.assertEqual(issue.state, "resolved")
        rows = self.Monthly.search([("user_id", "=", self.sales_b.id)])
        self.assertEqual(len(rows), 1, "one row per key after the rebuild")
        self.assertEqual(rows.line_count, self.Credit.search_count([("user_id", "=", self.sales_b.id)]))


@tagged("post_install", "-at_install")
class TestReportSumsExact(SpmCreditReportCase):
    """The dashboard and the XLSX report add up amounts as decimals: float sums
    of many or large amounts drifted from the cent."""

    def test_year_target_adds_up(self):
        # Twelve months of 83.34 and 83.33: as floats, 1000.0100000000002.
        self._quota(self.sales_c, 1000.01)
        data = self.env["spm.credit.dashboard"].with_user(self.sales_c).get_dashboard_data("year")
        self.assertEqual(data["year_target"], 1000.01)

    def test_xlsx_totals_of_trillions(self):
        for user, amount in (
            (self.sales_a, 9876543210987.65),
            (self.sales_b, 8765432109876.54),
            (self.sales_c, 7654321098765.43),
        ):
            self._adjust(user, amount, reason="Trillions")
        lines = self.Credit.search(
            [
                ("date", ">=", self.year_start),
                ("date", "<=", self.year_end),
                ("business_unit_id", "in", (self.unit_pharma | self.unit_consumer).ids),
            ]
        )
        expected = float(sum(map(decimal, lines.mapped("amount")), Decimal(0)))
        __, totals = self._export(self.accountant)
        self.assertEqual((totals["summary"]["amount"], totals["detail"]["amount"]), (expected, expected))
