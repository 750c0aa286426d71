"""Common classes of the portal tests, composed with those of the other
addons: distributors with their portal users, secondary billings;
``SpmPortalCase`` is all of them with ``SpmCreditCase``."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.spm_credit.tests.common import (
    SpmCreditCase,
    SpmProductsCommon,
    fuzz_settings,  # noqa: F401 (the portal's fuzz tests import it from here)
)
from odoo.addons.spm_quota.tests.common import SpmAssignmentsCommon, SpmPartnersCommon, SpmUnitsCommon


class SpmDistributorsCommon(SpmAssignmentsCommon, SpmPartnersCommon, SpmUnitsCommon):
    """Two distributors with a portal user each. Distributor A is split 60/40
    between salespersons A and B in Pharma and credited to C in Consumer;
    distributor B belongs to D."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.distributor_a = cls.distributor
        cls.distributor_a.name = "Test Distributor A"
        cls.distributor_b = cls.env["res.partner"].create(
            {
                "name": "Test Distributor B",
                "is_company": True,
                "is_distributor": True,
            }
        )
        cls._assign_split(
            cls.distributor_a,
            [(cls.sales_a, 60.0), (cls.sales_b, 40.0)],
            unit=cls.unit_pharma,
            date_from="2020-01-01",
        )
        cls._assign(cls.distributor_a, cls.sales_c, 100.0, unit=cls.unit_consumer, date_from="2020-01-01")
        cls._assign(cls.distributor_b, cls.sales_d, 100.0, date_from="2020-01-01")
        cls.portal_a = cls._portal_user("t_portal_a", cls.distributor_a)
        cls.portal_b = cls._portal_user("t_portal_b", cls.distributor_b)

    @classmethod
    def _retailer(cls, distributor, name, code=None, **vals):
        """A retailer (a partner of its own) linked to ``distributor`` under ``code``."""
        retailer = cls.env["res.partner"].create(
            {"name": name, "is_company": True, "spm_is_retailer": True, **vals}
        )
        cls.env["spm.distributor.retailer"].create(
            {"distributor_id": distributor.id, "retailer_id": retailer.id, "code": code}
        )
        return retailer

    @classmethod
    def _portal_user(cls, login, distributor):
        user = new_test_user(cls.env, login, groups="base.group_portal", name=f"{login} contact")
        user.partner_id.parent_id = distributor
        return user


class SpmBillingsCommon(SpmDistributorsCommon, SpmProductsCommon):
    """The products' codes and barcode that billings name, a product not for
    sale, and a helper that creates billings through the validator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.yesterday = cls.today - timedelta(days=1)
        cls.product_pharma.write({"default_code": "T-INS", "barcode": "4000000000017"})
        cls.product_consumer.default_code = "T-SUN"
        cls.product_orphan.default_code = "T-ORP"
        cls.product_not_sold = cls.env["product.product"].create(
            {
                "name": "Test Internal Sample",
                "default_code": "T-SMP",
                "categ_id": cls.categ_pharma.id,
                "sale_ok": False,
            }
        )
        cls.Billing = cls.env["spm.secondary.billing"]

    @classmethod
    def _billing(
        cls,
        distributor=None,
        lines=None,
        number="B-001",
        bill_date=None,
        retailer="Corner Shop",
        billing_type="sale",
        submit=True,
        source="backoffice",
    ):
        """Create (and submit) a billing through the validator, as every channel does."""
        distributor = distributor or cls.distributor_a
        data = {
            "bill_number": number,
            "bill_date": bill_date or cls.yesterday,
            "retailer": retailer,
            "type": billing_type,
            "lines": [
                {"product": product, "quantity": qty, "price_unit": price}
                for product, qty, price in (lines or [("T-INS", 10, 100.0)])
            ],
        }
        Billing = cls.env["spm.secondary.billing"]
        prepared, errors = Billing._check_billings([data], distributor)
        assert not errors, errors
        created, _existing = Billing._create_checked(prepared, source, submit=submit)
        return created


class SpmPortalCase(SpmBillingsCommon, SpmCreditCase):
    """Two distributors with a portal user each. Distributor A is split 60/40
    between salespersons A and B in Pharma and credited to C in Consumer;
    distributor B belongs to D. Both units validate on submission."""

    def _query_plans(self, matches, call):
        """``call()``'s result and the plans PostgreSQL chose for its queries whose text
        ``matches``, with sequential scans off: on a test database's few rows the planner
        would scan the tables whatever their indexes."""
        cr = self.env.cr
        execute, plans = cr.execute, []

        def explain(query, params=None, log_exceptions=True):
            if isinstance(query, SQL) and matches(query.code):
                execute(SQL("EXPLAIN %s", query))
                plans.append("\n".join(row[0] for row in cr.fetchall()))
            return execute(query, params, log_exceptions)

        cr.execute("SET enable_seqscan = off")
        cr.execute = explain
        try:
            return call(), plans
        finally:
            cr.execute = execute
            cr.execute("RESET enable_seqscan")
