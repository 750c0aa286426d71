from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestChannelHealth(SpmPortalCase):
    """Distributor A, the last three months (M-2, M-1, M): primary sales of the
    month's last three days 0 %, 25 % then 30 %; in M, 1,000 of secondary
    sales and 200 of returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units = cls.unit_pharma | cls.unit_consumer
        cls.units.write(
            {
                "spm_channel_end_days": 3,
                "spm_channel_end_excess": 15.0,
                "spm_channel_return_ratio": 15.0,
                "spm_channel_stock_days": 90,
                "spm_channel_variance": 10.0,
            }
        )
        cls.month = cls.today.replace(day=1) - relativedelta(months=1)
        for months_before, day, quantity in ((2, 10, 10), (1, 5, 15), (1, -2, 5), (0, 10, 70), (0, -2, 30)):
            start = cls.month - relativedelta(months=months_before)
            invoice_date = (
                start + relativedelta(days=day - 1)
                if day > 0
                else start + relativedelta(months=1, days=day + 1)
            )
            cls._primary_invoice(invoice_date, quantity)
        cls._billing(number="S-1", bill_date=cls.month + relativedelta(days=14), lines=[("T-INS", 10, 100.0)])
        cls._billing(
            number="R-1",
            bill_date=cls.month + relativedelta(days=19),
            lines=[("T-INS", 2, 100.0)],
            billing_type="return",
        )
        cls.Health = cls.env["spm.channel.health"]

    @classmethod
    def _primary_invoice(cls, invoice_date, quantity):
        """``quantity`` of the Pharma product at 10.0 to distributor A, without taxes, posted."""
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.distributor_a.id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_pharma.id,
                            "quantity": quantity,
                            "price_unit": 10.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _row(self, distributor, month):
        self.Health.invalidate_model()
        return self.Health.search([("distributor_id", "=", distributor.id), ("month", "=", month)])

    def test_end_of_month_share_and_returns_ratio(self):
        self.assertRecordValues(
            self._row(self.distributor_a, self.month - relativedelta(months=1)),
            [
                {
                    "primary_amount": 200.0,
                    "primary_end_amount": 50.0,
                    "end_share": 25.0,
                    "usual_end_share": 0.0,
                }
            ],
        )
        row = self._row(self.distributor_a, self.month)
        self.assertRecordValues(
            row,
            [
                {
                    "end_days": 3,
                    "primary_amount": 1000.0,
                    "primary_end_amount": 300.0,
                    "end_share": 30.0,
                    # The average of the previous months with primary sales: (0 + 25) / 2.
                    "usual_end_share": 12.5,
                    "secondary_amount": 1000.0,
                    "return_amount": 200.0,
                    "return_ratio": 20.0,
                    "flag_end_loading": True,
                    "flag_returns": True,
                    "flagged": True,
                }
            ],
        )
        # 17.5 points over the usual share: flagged at 15, not at 20; returns at 20 % are not over 20 %.
        self.units.write({"spm_channel_end_excess": 20.0, "spm_channel_return_ratio": 20.0})
        self.assertRecordValues(
            self._row(self.distributor_a, self.month),
            [{"flag_end_loading": False, "flag_returns": False, "flagged": False}],
        )
        # 0 turns a signal off; the strictest unit decides.
        self.unit_pharma.spm_channel_end_excess = 0.0
        self.unit_consumer.spm_channel_end_excess = 17.0
        self.assertTrue(self._row(self.distributor_a, self.month).flag_end_loading)

    def test_first_month_compares_with_the_days_share(self):
        """Without earlier primary sales, the usual share is the days' share of the month."""
        row = self._row(self.distributor_a, self.month - relativedelta(months=2))
        days = ((self.month - relativedelta(months=1)) - (self.month - relativedelta(months=2))).days
        self.assertAlmostEqual(row.usual_end_share, round(300.0 / days, 2))
        self.assertEqual(row.end_share, 0.0)
        self.assertFalse(row.flagged)

    def test_flag_shown_on_the_distributor_and_its_billings(self):
        billing = self.Billing.search([("bill_number", "=", "S-1")])
        warning = self.distributor_a.with_user(self.manager_pharma).spm_channel_warning
        self.assertIn("30 % of the primary sales were booked in the last 3 days (usually 12 %)", warning)
        self.assertIn("returns are 20 % of the secondary sales", warning)
        reviewed = billing.with_user(self.manager_pharma)
        self.assertEqual(reviewed.distributor_channel_warning, warning)
        self.assertTrue(reviewed.distributor_channel_flagged)
        # Never shown to the distributor.
        self.assertFalse(billing.with_user(self.portal_a).distributor_channel_warning)
        self.assertFalse(self.distributor_b.spm_channel_warning)
        # Nothing automatic: the billings stay validated.
        self.assertEqual(
            set(self.Billing.search([("distributor_id", "=", self.distributor_a.id)]).mapped("state")),
            {"validated"},
        )

    def test_days_of_stock(self):
        if "spm.distributor.stock" not in self.env:
            self.skipTest("the distributor stock ledger is not installed")
        row = self._row(self.distributor_a, self.month)
        # Stock at the month end: 130 bought, 10 sold, 2 returned = 122, over 10 sold in the month.
        days = ((self.month + relativedelta(months=1)) - self.month).days
        self.assertAlmostEqual(row.max_stock_days, round(122 / (10 / days), 1))
        self.assertTrue(row.flag_stock)
        self.assertIn("covers", self.distributor_a.spm_channel_warning)
