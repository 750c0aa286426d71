from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBillingInsert(SpmPortalCase):
    """Billings are inserted with their references drawn at once, and a line with what the
    ORM would compute after it (the copies of its billing's fields, its amounts, its unit),
    by the computes' own functions: no update of each line follows its creation, and the
    values are those the computes give."""

    @contextmanager
    def _line_updates(self):
        """The UPDATE statements of billing lines run in the block, with the number of lines
        each updated (``(code, rows)`` in the list yielded)."""
        cr, updates = self.env.cr, []
        execute = cr.execute

        def spied(query, params=None, log_exceptions=True):
            result = execute(query, params, log_exceptions)
            code = getattr(query, "code", query)
            if isinstance(code, str) and code.lstrip().startswith('UPDATE "spm_secondary_billing_line"'):
                updates.append((code, cr.rowcount))
            return result

        cr.execute = spied
        try:
            yield updates
        finally:
            cr.execute = execute

    def _recomputed(self, lines):
        """The lines' derived values as their computes give them now."""
        fields = ["price_subtotal", "amount_company", "business_unit_id", "company_id", "distributor_id"]
        fields += ["retailer_id", "bill_date", "state", "billing_type"]
        stored = lines.read(fields)
        for name in fields:
            self.env.add_to_compute(lines._fields[name], lines)
        lines._recompute_recordset()
        return stored, lines.read(fields)

    def test_lines_inserted_with_their_values(self):
        with self._line_updates() as updates:
            billing = self._billing(
                number="V-1",
                lines=[("T-INS", 3, 33.333), ("T-INS", 2.5, 10.0)],
                billing_type="return",
                submit=False,
            )
            self.env.flush_all()
        self.assertEqual(updates, [], "no line written again after its insertion")
        stored, recomputed = self._recomputed(billing.line_ids)
        self.assertEqual(stored, recomputed)
        self.assertRecordValues(
            billing.line_ids,
            [
                # 33.333 is a unit price of 33.33 (its digits)
                {"price_subtotal": 99.99, "amount_company": -99.99, "business_unit_id": self.unit_pharma.id},
                {"price_subtotal": 25.0, "amount_company": -25.0, "business_unit_id": self.unit_pharma.id},
            ],
        )
        self.assertEqual(set(billing.line_ids.mapped("bill_date")), {billing.bill_date})
        self.assertEqual(billing.line_ids.distributor_id, self.distributor_a)
        self.assertEqual(set(billing.line_ids.mapped("state")), {"draft"})

    def test_foreign_currency_lines(self):
        currency = self._foreign_currency(2.0)  # 2 units of it are worth 1 of the company's
        data = {
            "bill_number": "V-2",
            "bill_date": self.yesterday,
            "retailer": "Corner Shop",
            "currency": currency.name,
            "lines": [{"product": "T-INS", "quantity": 3, "price_unit": 10.01}],
        }
        prepared, errors = self.Billing._check_billings([data], self.distributor_a)
        self.assertFalse(errors)
        billing = self.Billing._create_checked(prepared, "upload")[0]
        self.env.flush_all()
        stored, recomputed = self._recomputed(billing.line_ids)
        self.assertEqual(stored, recomputed)
        self.assertRecordValues(billing.line_ids, [{"price_subtotal": 30.03, "amount_company": 15.02}])

    def test_a_line_added_on_the_form_and_changed(self):
        """Lines created on their own (the back office's form) and changed afterwards: the
        values given at insertion follow the billing and the line as computed ones do."""
        billing = self._billing(number="V-3", submit=False)
        line = self.env["spm.secondary.billing.line"].create(
            {
                "billing_id": billing.id,
                "product_id": self.product_consumer.id,
                "quantity": 2,
                "price_unit": 7.5,
            }
        )
        self.assertRecordValues(
            line,
            [{"price_subtotal": 15.0, "amount_company": 15.0, "business_unit_id": self.unit_consumer.id}],
        )
        billing.write({"billing_type": "return", "bill_date": self.yesterday.replace(day=1)})
        line.quantity = 4
        self.env.flush_all()
        self.assertRecordValues(
            line,
            [
                {
                    "price_subtotal": 30.0,
                    "amount_company": -30.0,
                    "billing_type": "return",
                    "bill_date": self.yesterday.replace(day=1),
                }
            ],
        )
        stored, recomputed = self._recomputed(billing.line_ids)
        self.assertEqual(stored, recomputed)

    def test_derived_values_are_never_the_caller_s(self):
        billing = self._billing(number="V-4", submit=False)
        for forged in (
            {"amount_company": 1e9},
            {"business_unit_id": self.unit_consumer.id},
            {"state": "validated"},
        ):
            with self.subTest(forged=forged), self.assertRaises(UserError):
                self.env["spm.secondary.billing.line"].create(
                    {
                        "billing_id": billing.id,
                        "product_id": self.product_pharma.id,
                        "quantity": 1,
                        "price_unit": 1.0,
                        **forged,
                    }
                )

    def _references(self, prefix, count):
        data = [
            {
                "bill_number": f"{prefix}-{n}",
                "bill_date": self.yesterday,
                "retailer": "Corner Shop",
                "lines": [{"product": "T-INS", "quantity": 1 + n, "price_unit": 1.0}],
            }
            for n in range(count)
        ]
        prepared, errors = self.Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        before = self.cr.sql_log_count
        billings = self.Billing._create_checked(prepared, "upload")[0]
        return billings.mapped("name"), self.cr.sql_log_count - before

    def test_references_drawn_at_once(self):
        self.sequence = self.env.ref("spm_portal.seq_spm_secondary_billing")
        self._references("R0", 2)  # the caches a first call fills
        first = self.sequence.number_next_actual
        names, queries = self._references("R1", 3)
        self.assertEqual(names, [self.sequence.get_next_char(first + n) for n in range(3)])
        more, more_queries = self._references("R2", 6)
        self.assertEqual(more, [self.sequence.get_next_char(first + 3 + n) for n in range(6)])
        self.assertEqual(more_queries, queries, "the same queries for 3 and for 6 billings")
        # A sequence without gaps draws them one by one, as Odoo does.
        self.sequence.implementation = "no_gap"
        first = self.sequence.number_next
        names, _queries = self._references("R3", 2)
        self.assertEqual(names, [self.sequence.get_next_char(first + n) for n in range(2)])

    def test_the_caller_s_values_are_left_as_given(self):
        """The values added at insertion are the create's own: a caller creating twice from
        the same values (a retry) is checked as the first time, not refused."""
        billing = self._billing(number="V-5", submit=False)
        vals = {
            "billing_id": billing.id,
            "product_id": self.product_pharma.id,
            "quantity": 1,
            "price_unit": 2.0,
        }
        given = dict(vals)
        Line = self.env["spm.secondary.billing.line"]
        lines = Line.create(vals) | Line.create(vals)
        self.assertEqual(vals, given)
        self.assertEqual(lines.mapped("amount_company"), [2.0, 2.0])
        billing_vals = {
            "distributor_id": self.distributor_a.id,
            "retailer_id": billing.retailer_id.id,
            "bill_number": "V-6",
            "bill_date": self.yesterday,
        }
        given = dict(billing_vals)
        self.assertEqual(self.Billing.create(billing_vals).bill_number_key, "v-6")
        self.assertEqual(billing_vals, given)

    def test_keys_are_never_the_caller_s(self):
        """The goods key and the bill number key that the holds and the uniqueness rest on
        are computed only: a manager or the distributor cannot set them, by write or create,
        whatever the context."""
        billing = self._billing(number="V-7", submit=False)
        key = billing.line_key
        for user in (self.manager_pharma, self.portal_a):
            for forged in ({"line_key": "0" * 64}, {"bill_number_key": "other"}):
                with self.subTest(user=user.login, forged=forged):
                    with self.assertRaises(UserError):
                        billing.with_user(user).with_context(spm_manager=True).write(forged)
                    with self.assertRaises(UserError):  # an AccessError for whoever may not create
                        self.Billing.with_user(user).create(
                            {
                                "distributor_id": self.distributor_a.id,
                                "retailer_id": billing.retailer_id.id,
                                "bill_number": "V-8",
                                "bill_date": self.yesterday,
                                **forged,
                            }
                        )
        self.assertEqual((billing.line_key, billing.bill_number_key), (key, "v-7"))

    def test_checked_lines_are_those_create_makes(self):
        """The lines of checked billings are inserted in one statement: they are stored as
        the ORM's create stores the same lines, and their billings' totals and goods key
        are computed from them, as are their lines in the cache."""
        lines = [("T-INS", 3, 33.333), ("T-SUN", 2.5, 10.0), ("T-INS", 1.0004, 0.5)]
        checked = self._billing(number="V-8", lines=lines, billing_type="return", submit=False)
        self.assertEqual(len(checked.line_ids), 3, "the billing's lines, as cached after the insertion")
        products = {"T-INS": self.product_pharma, "T-SUN": self.product_consumer}
        created = self.Billing.create(
            {
                "distributor_id": self.distributor_a.id,
                "retailer_id": checked.retailer_id.id,
                "bill_number": "V-9",
                "bill_date": checked.bill_date,
                "billing_type": "return",
                "line_ids": [
                    Command.create({"product_id": products[code].id, "quantity": qty, "price_unit": price})
                    for code, qty, price in lines
                ],
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        Line = self.env["spm.secondary.billing.line"]
        names = [
            name
            for name, field in Line._fields.items()
            if field.store and field.column_type and name not in ("id", "billing_id", *LOG_ACCESS_COLUMNS)
        ]

        def values(records, names):
            return [{name: record[name] for name in names} for record in records]

        self.assertEqual(values(checked.line_ids, names), values(created.line_ids, names))
        totals = ["line_key", "amount_total", "amount_company_signed"]
        self.assertEqual(values(checked, totals), values(created, totals))
        self.assertEqual(checked.amount_total, 125.49)

    def test_billings_given_their_totals_from_the_inserted_lines(self):
        """The goods key and the amounts of checked billings are given from the values of
        the lines inserted, by the computes' functions: the computes do not read the lines
        back, and what they would store is what is stored (a foreign currency, a return)."""
        currency = self._foreign_currency(2.0)
        bill = {"bill_date": self.yesterday, "retailer": "Corner Shop", "currency": currency.name}
        data = [
            {
                **bill,
                "bill_number": "K-1",
                "lines": [{"product": "T-INS", "quantity": 3, "price_unit": 10.01}],
            },
            {
                **bill,
                "bill_number": "K-2",
                "type": "return",
                "lines": [
                    {"product": "T-INS", "quantity": 1.5, "price_unit": 3.33},
                    {"product": "T-SUN", "quantity": 2, "price_unit": 7.0},
                ],
            },
        ]
        prepared, errors = self.Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        Billing, computed = type(self.Billing), []

        def spy(name):
            original = getattr(Billing, name)

            def spied(records):
                computed.append((name, records.ids))
                return original(records)

            return patch.object(Billing, name, spied)

        with spy("_compute_amounts"), spy("_compute_line_key"):
            billings = self.Billing._create_checked(prepared, "upload")[0]
            self.env.flush_all()
        self.assertEqual(computed, [], "no compute of the totals")
        totals = ["line_key", "amount_total", "amount_company_signed"]
        self.env.invalidate_all()
        stored = billings.read(totals)
        for name in totals:
            self.env.add_to_compute(Billing._fields[name], billings)
        billings._recompute_recordset()
        self.assertEqual(stored, billings.read(totals))
        self.assertEqual(billings.mapped("amount_total"), [30.03, 19.0])
        self.assertEqual(billings.mapped("amount_company_signed"), [15.02, -9.5])

    def _create_queries(self, prefix, lines_per_billing, price):
        data = [
            {
                "bill_number": f"{prefix}-{n}",
                "bill_date": self.yesterday,
                "retailer": "Corner Shop",
                "lines": [
                    {"product": "T-INS", "quantity": 1 + n + i, "price_unit": price}
                    for i in range(lines_per_billing)
                ],
            }
            for n in range(2)
        ]
        prepared, errors = self.Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        before = self.cr.sql_log_count
        self.Billing._create_checked(prepared, "upload", submit=True)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_lines_cost_no_query_each(self):
        # Prices of their own: no billing is held as another's duplicate.
        self._create_queries("Q0", 1, 1.0)  # the caches a first call fills
        self.assertEqual(self._create_queries("Q1", 8, 2.0), self._create_queries("Q2", 1, 3.0))

    def test_checked_lines_take_no_computed_value_from_the_context(self):
        """A context's default_ keys (a client sets any) give no checked line a computed value."""
        data = {
            "bill_number": "V-10",
            "bill_date": self.yesterday,
            "retailer": "Corner Shop",
            "lines": [{"product": "T-INS", "quantity": 2, "price_unit": 5.0}],
        }
        prepared, errors = self.Billing._check_billings([data], self.distributor_a)
        self.assertFalse(errors)
        forged = {
            "default_amount_company": 1e9,
            "default_price_subtotal": 1e9,
            "default_business_unit_id": self.unit_consumer.id,
            "default_state": "validated",
        }
        billing = self.Billing.with_context(**forged)._create_checked(prepared, "upload")[0]
        self.assertRecordValues(
            billing.line_ids,
            [
                {
                    "price_subtotal": 10.0,
                    "amount_company": 10.0,
                    "business_unit_id": self.unit_pharma.id,
                    "state": "draft",
                }
            ],
        )

    def test_submitted_lines_stored_with_the_state_they_get(self):
        """An upload's submitted lines are inserted as validated, what most become: only
        the lines of a billing that ends otherwise (held, waiting for review) are written
        again, and every line keeps its billing's state."""
        self.unit_consumer.secondary_validation = "review"
        bill = {"bill_date": self.yesterday, "retailer": "Corner Shop"}
        data = [
            {**bill, "bill_number": "S-1", "lines": [{"product": "T-INS", "quantity": 4, "price_unit": 5.0}]},
            # the same sale reported again: held
            {**bill, "bill_number": "S-2", "lines": [{"product": "T-INS", "quantity": 4, "price_unit": 5.0}]},
            # a unit that reviews: submitted
            {**bill, "bill_number": "S-3", "lines": [{"product": "T-SUN", "quantity": 1, "price_unit": 5.0}]},
        ]
        prepared, errors = self.Billing._check_billings(data, self.distributor_a)
        self.assertFalse(errors)
        with self._line_updates() as updates:
            billings = self.Billing._create_checked(prepared, "upload", submit=True)[0]
            self.env.flush_all()
        self.assertEqual(billings.mapped("state"), ["validated", "held", "submitted"])
        self.assertEqual(
            sum(rows for _code, rows in updates), 2, "the lines of the held and the submitted billings only"
        )
        self.env.invalidate_all()
        for billing in billings:
            self.assertEqual(billing.line_ids.mapped("state"), [billing.state])
