from odoo.tests import TransactionCase, new_test_user


class SpmQuotaCase(TransactionCase):
    """Two business units, their manager, salespersons and accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        Category = cls.env["product.category"]
        cls.categ_pharma = Category.create({"name": "Test Pharma"})
        cls.categ_generics = Category.create({"name": "Test Generics", "parent_id": cls.categ_pharma.id})
        cls.categ_consumer = Category.create({"name": "Test Consumer"})
        cls.categ_other = Category.create({"name": "Test Other"})
        cls.team_pharma = cls.env["crm.team"].create({"name": "Test Pharma Team"})
        cls.team_other = cls.env["crm.team"].create({"name": "Test Team Without Unit"})
        cls.manager_pharma = new_test_user(cls.env, "t_mgr_pharma", groups="spm_quota.group_spm_manager")
        cls.manager_consumer = new_test_user(cls.env, "t_mgr_consumer", groups="spm_quota.group_spm_manager")
        cls.admin = new_test_user(cls.env, "t_spm_admin", groups="spm_quota.group_spm_admin")
        cls.sales_a = new_test_user(cls.env, "t_sales_a", groups="spm_quota.group_spm_salesperson")
        cls.sales_b = new_test_user(cls.env, "t_sales_b", groups="spm_quota.group_spm_salesperson")
        cls.sales_c = new_test_user(cls.env, "t_sales_c", groups="spm_quota.group_spm_salesperson")
        cls.sales_d = new_test_user(cls.env, "t_sales_d", groups="spm_quota.group_spm_salesperson")
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
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Test Customer", "is_company": True})
        cls.customer_contact = Partner.create({"name": "Test Buyer", "parent_id": cls.customer.id})
        cls.customer_2 = Partner.create({"name": "Test Customer 2", "is_company": True})
        cls.distributor = Partner.create(
            {"name": "Test Distributor", "is_company": True, "is_distributor": True}
        )
        cls.flat = cls.env.ref("spm_quota.spm_seasonality_profile_flat")

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
