"""Small common classes of the SPM tests, composed as Odoo's
``sale/tests/common.py`` composes ``ProductCommon`` and ``SalesTeamCommon``:
each sets up one thing on top of ``SpmCommon`` and a test class takes the
ones it needs. ``SpmQuotaCase`` (here), ``SpmCreditCase`` and
``SpmPortalCase`` (in the other addons) are the usual compositions."""

from odoo.tests import TransactionCase, new_test_user


class SpmCommon(TransactionCase):
    """The company, with tracking off (the tests check records, not their chatter)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company


class SpmUsersCommon(SpmCommon):
    """Users by role: two unit managers, an SPM administrator and four salespersons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_pharma = new_test_user(cls.env, "t_mgr_pharma", groups="spm_quota.group_spm_manager")
        cls.manager_consumer = new_test_user(cls.env, "t_mgr_consumer", groups="spm_quota.group_spm_manager")
        cls.admin = new_test_user(cls.env, "t_spm_admin", groups="spm_quota.group_spm_admin")
        cls.sales_a = new_test_user(cls.env, "t_sales_a", groups="spm_quota.group_spm_salesperson")
        cls.sales_b = new_test_user(cls.env, "t_sales_b", groups="spm_quota.group_spm_salesperson")
        cls.sales_c = new_test_user(cls.env, "t_sales_c", groups="spm_quota.group_spm_salesperson")
        cls.sales_d = new_test_user(cls.env, "t_sales_d", groups="spm_quota.group_spm_salesperson")


class SpmUnitsCommon(SpmUsersCommon):
    """Two business units: Pharma (the Pharma category, its Generics subcategory
    and the Pharma team) and Consumer (its category); a category and a team of no
    unit; the flat seasonality profile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categ_pharma = Category.create({"name": "Test Pharma"})
        cls.categ_generics = Category.create({"name": "Test Generics", "parent_id": cls.categ_pharma.id})
        cls.categ_consumer = Category.create({"name": "Test Consumer"})
        cls.categ_other = Category.create({"name": "Test Other"})
        cls.team_pharma = cls.env["crm.team"].create({"name": "Test Pharma Team"})
        cls.team_other = cls.env["crm.team"].create({"name": "Test Team Without Unit"})
        Unit = cls.env["spm.business.unit"]
        cls.unit_pharma = Unit.create(
            {
                "name": "Test Pharma",
                "code": "TPH",
                "manager_id": cls.manager_pharma.id,
                "product_category_ids": [(6, 0, cls.categ_pharma.ids)],
                "team_ids": [(6, 0, cls.team_pharma.ids)],
            }
        )
        cls.unit_consumer = Unit.create(
            {
                "name": "Test Consumer",
                "code": "TCH",
                "manager_id": cls.manager_consumer.id,
                "product_category_ids": [(6, 0, cls.categ_consumer.ids)],
            }
        )
        cls.flat = cls.env.ref("spm_quota.spm_seasonality_profile_flat")


class SpmPartnersCommon(SpmCommon):
    """Two customers (the first with a contact) and a distributor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Test Customer", "is_company": True})
        cls.customer_contact = Partner.create({"name": "Test Buyer", "parent_id": cls.customer.id})
        cls.customer_2 = Partner.create({"name": "Test Customer 2", "is_company": True})
        cls.distributor = Partner.create(
            {"name": "Test Distributor", "is_company": True, "is_distributor": True}
        )


class SpmAssignmentsCommon(SpmCommon):
    """Helpers that assign accounts to salespersons."""

    @classmethod
    def _assign(
        cls, partner, user, share=100.0, unit=None, kind="split", date_from="2026-01-01", date_to=False
    ):
        return cls.env["spm.assignment"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "share": share,
                "kind": kind,
                "business_unit_id": unit.id if unit else False,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    @classmethod
    def _assign_split(cls, partner, user_shares, unit=None, date_from="2026-01-01", date_to=False):
        """Create a team split in one batch, as the partner form saves it."""
        return cls.env["spm.assignment"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "share": share,
                    "kind": "split",
                    "business_unit_id": unit.id if unit else False,
                    "date_from": date_from,
                    "date_to": date_to,
                }
                for user, share in user_shares
            ]
        )


class SpmQuotaCase(SpmAssignmentsCommon, SpmPartnersCommon, SpmUnitsCommon):
    """Two business units, their manager, salespersons and accounts."""
