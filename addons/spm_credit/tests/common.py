"""Common classes of the credit tests, composed with those of
``spm_quota/tests/common.py``: products and orders, invoices and payments,
the crediting setup; ``SpmCreditCase`` is all of them."""

from odoo import Command, fields

from odoo.addons.spm_quota.tests.common import (
    SpmAssignmentsCommon,
    SpmCommon,
    SpmPartnersCommon,
    SpmQuotaCase,
    SpmUnitsCommon,
)


def fuzz_settings(max_examples):
    """The settings of every fuzz test: derandomized (CI runs the same examples
    each time), no deadline (real requests and files), no example database.

    Hypothesis is imported here, when a fuzz test is decorated: only the test
    modules that use it need it."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


class SpmInvoicesCommon(SpmCommon):
    """A chart of accounts on the company (the generic one when it has none);
    helpers that invoice orders, pay invoices and add a foreign currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.account"].search_count([("company_ids", "in", cls.company.ids)], limit=1):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.company, install_demo=False
            )

    @staticmethod
    def _invoice(order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

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


class SpmProductsCommon(SpmUnitsCommon):
    """Untaxed products invoiced on order: one of Pharma (in its Generics
    subcategory), one of Consumer and one of no unit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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


class SpmOrdersCommon(SpmPartnersCommon, SpmProductsCommon):
    """A helper that creates (and confirms) sale orders, by default for the
    customer, in the team of no unit."""

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


class SpmCreditCommon(SpmAssignmentsCommon, SpmPartnersCommon, SpmUnitsCommon):
    """Pharma credits on orders, Consumer on invoices; the customer is split
    50/30/20 between A, B and C with D as overlay in Pharma."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit_pharma.credit_basis = "order"
        cls.unit_consumer.credit_basis = "invoice"
        cls._assign_split(
            cls.customer,
            [(cls.sales_a, 50.0), (cls.sales_b, 30.0), (cls.sales_c, 20.0)],
            date_from="2020-01-01",
        )
        cls._assign(
            cls.customer, cls.sales_d, 100.0, unit=cls.unit_pharma, kind="overlay", date_from="2020-01-01"
        )
        cls.Credit = cls.env["spm.credit.line"]

    def _credit(self, domain):
        """{salesperson: total credit} over the lines matching ``domain``."""
        totals = {}
        for line in self.Credit.search(domain):
            totals[line.user_id] = round(totals.get(line.user_id, 0.0) + line.amount, 2)
        return {user: amount for user, amount in totals.items() if amount}


class SpmRecomputeJobCommon(SpmCommon):
    """The background recompute job from three documents on, in batches of two."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("spm_credit.recompute_background_documents", 2)
        cls.env["ir.config_parameter"].set_param("spm_credit.recompute_batch_documents", 2)
        cls.Job = cls.env["spm.credit.recompute"]


class SpmCreditCase(SpmCreditCommon, SpmOrdersCommon, SpmQuotaCase, SpmInvoicesCommon):
    """Pharma credits on orders, Consumer on invoices; the customer is split
    50/30/20 between A, B and C with D as overlay in Pharma."""
