from contextlib import closing
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .stock_common import SpmStockCase


@tagged("post_install", "-at_install")
class TestStockLedger(SpmStockCase):
    def test_ledger_adds_invoices_and_returns_and_subtracts_sales(self):
        day = self.today - timedelta(days=5)
        self._primary([(self.product_pharma, 100, None)], invoice_date=day)
        self._billing(number="S-1", lines=[("T-INS", 30, 100.0)], bill_date=day + timedelta(days=1))
        self._billing(
            number="R-1",
            lines=[("T-INS", 4, 100.0)],
            bill_date=day + timedelta(days=2),
            billing_type="return",
        )
        # A draft billing and an invoice not posted are no movement.
        self._billing(number="S-2", lines=[("T-INS", 50, 100.0)], submit=False)
        self._primary([(self.product_pharma, 1000, None)], post=False)
        self.assertEqual(self._stock(self.product_pharma), 74.0)
        self.assertEqual(self._stock(self.product_pharma, day=day), 100.0)
        self.assertEqual(self._stock(self.product_pharma, day=day - timedelta(days=1)), 0.0)
        # Another distributor's stock is its own.
        self.assertEqual(self._stock(self.product_pharma, distributor=self.distributor_b), 0.0)

    def test_credit_note_reduces_stock(self):
        self._primary([(self.product_pharma, 40, None)])
        self._primary([(self.product_pharma, 15, None)], move_type="out_refund")
        self.assertEqual(self._stock(self.product_pharma), 25.0)
        kinds = self.Stock.search([("distributor_id", "=", self.distributor_a.id)]).mapped("kind")
        self.assertCountEqual(kinds, ["primary", "credit_note"])

    def test_invoice_in_another_unit_is_converted_to_the_products(self):
        self._primary([(self.product_pharma, 2, self.uom_dozen), (self.product_consumer, 5, None)])
        self.assertEqual(self._stock(self.product_pharma), 24.0)
        self.assertEqual(self._stock(self.product_consumer), 5.0)

    def test_services_are_not_stocked(self):
        service = self.env["product.product"].create(
            {"name": "Test Training", "type": "service", "taxes_id": [Command.clear()]}
        )
        self._primary([(service, 3, None)])
        self.assertFalse(self.Stock.search([("product_id", "=", service.id)]))

    def test_statement_opens_the_stock(self):
        self._primary([(self.product_pharma, 100, None)], invoice_date=self.today - timedelta(days=10))
        self._statement(self.today - timedelta(days=3), [(self.product_pharma, 60)])
        self._primary([(self.product_pharma, 20, None)], invoice_date=self.yesterday)
        # The count replaces what came before it; later documents add to it.
        self.assertEqual(self._stock(self.product_pharma), 80.0)
        # A product the statement leaves out counts as none from then on.
        self._primary([(self.product_consumer, 9, None)], invoice_date=self.today - timedelta(days=10))
        self.assertEqual(self._stock(self.product_consumer), 0.0)
        self.assertEqual(self._stock(self.product_consumer, day=self.today - timedelta(days=4)), 9.0)

    def test_statement_variance(self):
        self._statement(self.today - timedelta(days=10), [(self.product_pharma, 50)])
        self._primary([(self.product_pharma, 30, None)], invoice_date=self.today - timedelta(days=6))
        self._billing(number="S-1", lines=[("T-INS", 20, 100.0)], bill_date=self.today - timedelta(days=5))
        statement = self._statement(self.today - timedelta(days=2), [(self.product_pharma, 45)])
        variance = self.env["spm.distributor.stock.variance"].search([("statement_id", "=", statement.id)])
        self.assertRecordValues(
            variance,
            [
                {
                    "product_id": self.product_pharma.id,
                    "declared_quantity": 45.0,
                    "ledger_quantity": 60.0,
                    "variance_quantity": -15.0,
                }
            ],
        )

    def test_confirmed_statement_never_changes(self):
        statement = self._statement(self.yesterday, [(self.product_pharma, 5)])
        with self.assertRaises(UserError):
            statement.line_ids.quantity = 7
        with self.assertRaises(UserError):
            statement.write({"date": self.today})
        with self.assertRaises(UserError):
            statement.unlink()
        with self.assertRaises(UserError):
            statement.line_ids = [Command.create({"product_id": self.product_consumer.id, "quantity": 1})]
        self.assertEqual(statement.line_ids.quantity, 5.0)

    def test_state_only_through_confirm(self):
        with self.assertRaises(AccessError):
            self.Statement.create(
                {"distributor_id": self.distributor_a.id, "date": self.yesterday, "state": "confirmed"}
            )
        statement = self.Statement.with_context(default_state="confirmed").create(
            {"distributor_id": self.distributor_a.id, "date": self.yesterday, "source": "portal"}
        )
        self.assertRecordValues(statement, [{"state": "draft", "source": "manager"}])
        with self.assertRaises(AccessError):
            statement.with_user(self.sales_a).action_confirm()
        self.assertEqual(statement.state, "draft")

    def test_bounds_refused_with_a_message_and_nothing_created(self):
        check = self.Statement._spm_check_statement
        _vals, errors = check(
            self.distributor_a, self.today + timedelta(days=1), [{"product": "T-INS", "quantity": 1}]
        )
        self.assertIn("after today", errors[0]["message"])
        _vals, errors = check(
            self.distributor_a, self.today - timedelta(days=2000), [{"product": "T-INS", "quantity": 1}]
        )
        self.assertIn("cannot be dated before", errors[0]["message"])
        _vals, errors = check(
            self.distributor_a,
            self.yesterday,
            [
                {"product": "T-INS", "quantity": "1e10"},
                {"product": "T-SUN", "quantity": "-1"},
                {"product": "NOPE", "quantity": "1"},
                {"product": "T-INS", "quantity": "abc"},
            ],
        )
        messages = " ".join(error["message"] for error in errors)
        self.assertIn("cannot exceed", messages)
        self.assertIn("cannot be negative", messages)
        self.assertIn('"NOPE" is unknown', messages)
        self.assertIn('"abc" is not a number', messages)
        many = [{"product": "T-INS", "quantity": 1}] * 5001
        vals, errors = check(self.distributor_a, self.yesterday, many)
        self.assertFalse(vals)
        self.assertEqual(len(errors), 1)
        self.assertIn("at most 5,000 products", errors[0]["message"])
        # The back office is held to the same bounds.
        with self.assertRaises(ValidationError):
            self.Statement.create(
                {"distributor_id": self.distributor_a.id, "date": self.today + timedelta(days=1)}
            )
        with self.assertRaises(ValidationError):
            self.Statement.create(
                {
                    "distributor_id": self.distributor_a.id,
                    "date": self.yesterday,
                    "line_ids": [Command.create({"product_id": self.product_pharma.id, "quantity": -3})],
                }
            )
        self.assertFalse(self.Statement.search([("distributor_id", "=", self.distributor_a.id)]))

    def test_portal_user_creates_only_its_own_statement(self):
        Statement = self.Statement.with_user(self.portal_b)
        with self.assertRaises(AccessError):
            Statement._spm_create_confirmed(
                self.distributor_a,
                self.yesterday,
                [{"product_id": self.product_pharma.id, "quantity": 1}],
                "portal",
            )
        with self.assertRaises(AccessError):
            Statement.create({"distributor_id": self.distributor_b.id, "date": self.yesterday})
        statement = Statement._spm_create_confirmed(
            self.distributor_b,
            self.yesterday,
            [{"product_id": self.product_pharma.id, "quantity": 1}],
            "portal",
        )
        self.assertRecordValues(statement.sudo(), [{"state": "confirmed", "source": "portal"}])
        self.assertFalse(self.Statement.with_user(self.portal_a).search([("id", "=", statement.id)]))

    def test_stock_of_many_pairs_in_one_query(self):
        self._primary([(self.product_pharma, 10, None), (self.product_consumer, 20, None)])
        pairs = [
            (self.distributor_a.id, self.product_pharma.id),
            (self.distributor_a.id, self.product_consumer.id),
            (self.distributor_b.id, self.product_pharma.id),
        ]
        self.env.flush_all()
        with self.assertQueryCount(1):
            stock = self.Stock._spm_stock_at(pairs, self.today)
        self.assertEqual(stock, dict(zip(pairs, [10.0, 20.0, 0.0], strict=True)))

    def test_validated_sales_are_read_through_their_index(self):
        """The ledger's sales of a distributor's product up to a day are found by
        the index of validated lines, not by a scan of the distributor's history."""
        self._billing(number="S-1", lines=[("T-INS", 3, 1.0)], bill_date=self.yesterday)
        self.env.flush_all()
        cr = self.env.cr
        with closing(cr.savepoint(flush=False)):
            # Which index of the lines the planner prefers depends on the statistics of the
            # database the tests run in: the others are set aside while planning (and put
            # back), so that the plan tells whether the ledger's query can use its own.
            cr.execute(
                """SELECT indexname FROM pg_indexes
                    WHERE tablename = 'spm_secondary_billing_line'
                      AND indexname NOT IN ('spm_secondary_billing_line_pkey',
                                            'spm_secondary_billing_line_stock_idx')"""
            )
            for (name,) in cr.fetchall():
                cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
            stock, plans = self._query_plans(
                lambda code: "unnest" in code and self.Stock._table in code,
                lambda: self._stock(self.product_pharma),
            )
        self.assertEqual(stock, -3.0)
        self.assertEqual(len(plans), 1)
        self.assertIn("spm_secondary_billing_line_stock_idx", plans[0])
