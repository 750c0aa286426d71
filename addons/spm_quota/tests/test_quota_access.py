from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestQuotaAccess(SpmQuotaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Quota = cls.env["spm.quota"]
        vals = {"date_from": "2026-01-01", "date_to": "2026-12-31", "amount": 1200.0}
        cls.quota_a = Quota.create(
            {**vals, "user_id": cls.sales_a.id, "business_unit_id": cls.unit_pharma.id}
        )
        cls.quota_b = Quota.create(
            {**vals, "user_id": cls.sales_b.id, "business_unit_id": cls.unit_pharma.id}
        )
        cls.quota_consumer = Quota.create(
            {**vals, "user_id": cls.sales_a.id, "business_unit_id": cls.unit_consumer.id}
        )
        cls._assign(cls.customer, cls.sales_a, 100.0, unit=cls.unit_pharma)
        cls._assign(cls.customer, cls.sales_b, 100.0, unit=cls.unit_consumer)

    def test_salesperson_reads_only_own_quotas(self):
        Quota = self.env["spm.quota"].with_user(self.sales_a)
        self.assertEqual(Quota.search([]), self.quota_a | self.quota_consumer)
        with self.assertRaises(AccessError):
            self.quota_b.with_user(self.sales_a).read(["amount"])
        lines = self.env["spm.quota.line"].with_user(self.sales_a).search([])
        self.assertEqual(lines.quota_id, self.quota_a | self.quota_consumer)

    def test_salesperson_cannot_write_own_quota(self):
        with self.assertRaises(AccessError):
            self.quota_a.with_user(self.sales_a).write({"amount": 1.0})

    def test_salesperson_reads_only_own_assignments(self):
        assignments = self.env["spm.assignment"].with_user(self.sales_b).search([])
        self.assertEqual(assignments.user_id, self.sales_b)

    def test_manager_edits_only_own_units(self):
        self.quota_a.with_user(self.manager_pharma).write({"amount": 2400.0})
        self.assertEqual(self.quota_a.amount, 2400.0)
        # Reading every unit is allowed (to compare), changing another unit is not.
        self.quota_consumer.with_user(self.manager_pharma).read(["amount"])
        with self.assertRaises(AccessError):
            self.quota_consumer.with_user(self.manager_pharma).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["spm.quota"].with_user(self.manager_pharma).create(
                {
                    "user_id": self.sales_b.id,
                    "business_unit_id": self.unit_consumer.id,
                    "date_from": "2027-01-01",
                    "date_to": "2027-12-31",
                    "amount": 5.0,
                }
            )

    def test_admin_edits_every_unit(self):
        self.quota_consumer.with_user(self.admin).write({"amount": 600.0})
        self.assertEqual(self.quota_consumer.amount, 600.0)

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other SPM Co"})
        other_unit = self.env["spm.business.unit"].create(
            {"name": "Elsewhere", "code": "ELS", "company_id": other_company.id}
        )
        self.assertFalse(
            self.env["spm.business.unit"].with_user(self.admin).search([("id", "=", other_unit.id)])
        )
