from datetime import date, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBillingBounds(SpmPortalCase):
    """Quantities, amounts and dates that the validator of every channel refuses."""

    def _errors(self, lines=(("T-INS", 1, 100.0),), billing_type="sale", bill_date=None, currency=None):
        data = {
            "row": 2,
            "bill_number": "BD-1",
            "bill_date": bill_date or self.yesterday,
            "retailer": "Corner Shop",
            "type": billing_type,
            "currency": currency,
            "lines": [
                {"row": 2 + index, "product": product, "quantity": qty, "price_unit": price}
                for index, (product, qty, price) in enumerate(lines)
            ],
        }
        _prepared, errors = self.Billing._check_billings([data], self.distributor_a)
        return [(e["row"], e["column"], e["message"]) for e in errors]

    def test_quantities_are_positive_for_sales_and_returns(self):
        for billing_type in ("sale", "return"):
            errors = self._errors(lines=[("T-INS", -5, 100.0)], billing_type=billing_type)
            self.assertEqual(
                errors,
                [
                    (
                        2,
                        "quantity",
                        "The quantity cannot be negative; report returns as billings of type return.",
                    )
                ],
            )
        self.assertEqual(self._errors(lines=[("T-INS", 2e9, 0.0)])[0][1], "quantity")
        refund = self._billing(number="BD-R", billing_type="return", lines=[("T-INS", 1, 100.0)])
        self.assertEqual(refund.amount_company_signed, -100.0, "a return is what credits negatively")

    def test_line_amount_and_total_under_the_company_bound(self):
        self.company.spm_secondary_max_amount = 1000.0
        self.assertEqual(self._errors(lines=[("T-INS", 10, 100.0)]), [])
        errors = self._errors(lines=[("T-INS", 10, 100.01)])
        self.assertEqual([(row, column) for row, column, _message in errors], [(2, None), (2, "lines")])
        self.assertIn(f"above {format_amount(self.env, 1000.0, self.company.currency_id)}", errors[0][2])
        # Lines each under the bound, a total above it.
        errors = self._errors(lines=[("T-INS", 6, 100.0), ("T-SUN", 50, 10.0)])
        self.assertEqual([(row, column) for row, column, _message in errors], [(2, "lines")])
        self.assertIn("split it into several bills", errors[0][2])

    def test_the_bound_is_in_company_currency(self):
        self.company.spm_secondary_max_amount = 1000.0
        currency = self._foreign_currency(2.0)  # 2 units of it are worth 1 of the company's
        self.assertEqual(self._errors(lines=[("T-INS", 10, 150.0)], currency=currency.name), [])
        self.assertTrue(self._errors(lines=[("T-INS", 10, 250.0)], currency=currency.name))

    def test_bill_dates_between_the_earliest_date_and_tomorrow(self):
        self.company.spm_secondary_min_bill_date = date(2024, 1, 1)
        for bill_date in (date(2024, 1, 1), self.today, self.today + timedelta(days=1)):
            self.assertEqual(self._errors(bill_date=bill_date), [], bill_date)
        for bill_date, message in (
            (date(1, 1, 1), "too old"),
            ("0001-01-01", "too old"),
            (date(2023, 12, 31), "too old"),
            (self.today + timedelta(days=2), "in the future"),
        ):
            errors = self._errors(bill_date=bill_date)
            self.assertEqual(len(errors), 1, bill_date)
            self.assertEqual(errors[0][1], "bill_date")
            self.assertIn(message, errors[0][2])

    def test_back_office_submission_is_checked_against_the_billings_company(self):
        billing = self._billing(number="BD-BO", submit=False, lines=[("T-INS", 10, 100.0)])
        self.company.spm_secondary_max_amount = 500.0
        with self.assertRaisesRegex(ValidationError, "above"):
            billing.with_user(self.manager_pharma).action_submit()
        self.assertEqual(billing.state, "draft")

    def test_only_spm_administrators_move_the_bounds(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager_pharma).write({"spm_secondary_max_amount": 1e12})
        with self.assertRaises(ValidationError):
            self.company.spm_secondary_max_amount = 0.0
        self.admin.groups_id |= self.env.ref("base.group_system")
        self.env["res.config.settings"].with_user(self.admin).create(
            {"spm_secondary_max_amount": 2500.0, "spm_secondary_min_bill_date": date(2025, 1, 1)}
        ).execute()
        self.assertEqual(self.company.spm_secondary_max_amount, 2500.0)
        self.assertEqual(self.company.spm_secondary_min_bill_date, date(2025, 1, 1))
