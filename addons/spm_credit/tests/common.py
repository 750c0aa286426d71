from odoo import Command, fields

from odoo.addons.spm_quota.tests.common import SpmQuotaCase


class SpmCreditCase(SpmQuotaCase):
    """Pharma credits on orders, Consumer on invoices; the customer is split
    50/30/20 between A, B and C with D as overlay in Pharma."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.account"].search_count([("company_ids", "in", cls.company.ids)], limit=1):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.company, install_demo=False
            )
        cls.unit_pharma.credit_basis = "order"
        cls.unit_consumer.credit_basis = "invoice"
        cls.product_pharma, cls.product_consumer, cls.product_orphan = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "categ_id": categ.id,
                    "list_price": price,
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
                for name, categ, price in (
                    ("Test Insulin", cls.categ_generics, 100.0),
                    ("Test Sunscreen", cls.categ_consumer, 10.0),
                    ("Test Orphan", cls.categ_other, 5.0),
                )
            ]
        )
        cls._assign_split(
            cls.customer,
            [(cls.sales_a, 50.0), (cls.sales_b, 30.0), (cls.sales_c, 20.0)],
            date_from="2020-01-01",
        )
        cls._assign(
            cls.customer, cls.sales_d, 100.0, unit=cls.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        cls.Credit = cls.env["spm.credit.line"]

    @classmethod
    def _order(cls, lines, partner=None, confirm=True, date_order=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "team_id": cls.team_other.id,
                "date_order": date_order or fields.Datetime.now(),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty, "price_unit": price})
                    for product, qty, price in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _foreign_currency(self, rate):
        """Another currency, active, worth ``rate`` of the company's since 2020."""
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.company.currency_id.id)], limit=1)
        )
        currency.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "rate": rate, "name": "2020-01-01", "company_id": self.company.id}
        )
        return currency

    @staticmethod
    def _invoice(order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    def _credit(self, domain):
        """{salesperson: total credit} over the lines matching ``domain``."""
        totals = {}
        for line in self.Credit.search(domain):
            totals[line.user_id] = round(totals.get(line.user_id, 0.0) + line.amount, 2)
        return {user: amount for user, amount in totals.items() if amount}

    def _pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            )
            .create({"amount": amount, "payment_date": invoice.invoice_date})
            ._create_payments()
        )
