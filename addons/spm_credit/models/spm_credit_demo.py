import random

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from odoo.addons.spm_quota.tools import trusted

from .spm_credit_engine import DISABLED_FLAG


class SpmCreditDemo(models.AbstractModel):
    """Demo history: months of orders, invoices and payments, credited as if
    they had happened on their dates, so that every figure shows something."""

    _name = "spm.credit.demo"
    _description = "SPM Credit Demo History"

    @api.model
    def _generate_history(self, months=6, orders_per_month=10, seed=42):
        """Create and credit ``orders_per_month`` orders in each of the last
        ``months`` months: invoiced two days later, paid in full after a month,
        half paid in the last month, open in the current one. Reproducible."""
        rng = random.Random(seed)
        customers = [self.env.ref(f"spm_quota.customer_{i:02d}") for i in range(1, 31)]
        products = [
            self.env.ref(f"spm_quota.product_{name}")
            for name in (
                "amoxicillin",
                "paracetamol",
                "insulin",
                "statin",
                "vitamin_c",
                "sunscreen",
                "cough_syrup",
                "hand_gel",
            )
        ]
        today = fields.Date.context_today(self)
        Order = self.env["sale.order"].with_context(tracking_disable=True)
        for age in range(months - 1, -1, -1):
            month_start = (today - relativedelta(months=age)).replace(day=1)
            for index in range(orders_per_month):
                day = month_start + relativedelta(days=rng.randint(0, 24))
                day = min(day, today)
                # Confirmed without credit, then credited once dated in the past.
                with trusted(self.env, DISABLED_FLAG):
                    # Customers in turn, so that every salesperson sells every month.
                    order = Order.create(
                        {
                            "partner_id": customers[(age * orders_per_month + index) % len(customers)].id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "product_uom_qty": rng.randint(20, 160)}
                                )
                                for product in rng.sample(products, 3)
                            ],
                        }
                    )
                    order.action_confirm()
                order.date_order = fields.Datetime.to_datetime(day)
                order.action_spm_recompute_credit()
                if age == 0 and index % 2:
                    continue  # recent orders still to invoice: provisional credit
                invoice = order._create_invoices()
                invoice.invoice_date = min(day + relativedelta(days=2), today)
                invoice.action_post()
                paid_share = 1.0 if age > 1 else 0.5 if age == 1 else 0.0
                if paid_share:
                    self.env["account.payment.register"].with_context(
                        active_model="account.move", active_ids=invoice.ids
                    ).create(
                        {
                            "amount": invoice.currency_id.round(invoice.amount_total * paid_share),
                            "payment_date": invoice.invoice_date,
                        }
                    )._create_payments()
        # A new customer nobody owns yet: its order shows up in Credit Issues.
        newcomer = self.env["res.partner"].create({"name": "Newtown Clinic", "is_company": True})
        self.env["sale.order"].create(
            {
                "partner_id": newcomer.id,
                "order_line": [Command.create({"product_id": products[2].id, "product_uom_qty": 12})],
            }
        ).action_confirm()
        return True
