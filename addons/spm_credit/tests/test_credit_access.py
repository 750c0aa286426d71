from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SpmCreditCase


@tagged("post_install", "-at_install")
class TestCreditAccess(SpmCreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order([(cls.product_pharma, 1, 100.0)])
        cls.accountant = new_test_user(cls.env, "t_spm_accountant", groups="spm_credit.group_spm_accountant")

    def test_salesperson_sees_only_own_credit(self):
        lines = self.Credit.with_user(self.sales_a).search([])
        self.assertTrue(lines)
        self.assertEqual(lines.user_id, self.sales_a)
        other = self.Credit.search([("user_id", "=", self.sales_b.id)], limit=1)
        with self.assertRaises(AccessError):
            other.with_user(self.sales_a).read(["amount"])
        monthly = self.env["spm.credit.monthly"].with_user(self.sales_a).search([])
        self.assertEqual(monthly.user_id, self.sales_a)

    def test_manager_sees_units_accountant_everything(self):
        self.assertEqual(
            set(self.Credit.with_user(self.manager_pharma).search([]).business_unit_id.ids),
            {self.unit_pharma.id},
        )
        self.assertFalse(
            self.Credit.with_user(self.manager_consumer).search([("order_id", "=", self.order.id)])
        )
        self.assertEqual(
            self.Credit.with_user(self.accountant).search_count([("order_id", "=", self.order.id)]), 4
        )

    def test_adjustments_by_managers_with_reason(self):
        Credit = self.Credit.with_user(self.manager_pharma)
        vals = {"user_id": self.sales_a.id, "business_unit_id": self.unit_pharma.id, "amount": 15.0}
        with self.assertRaises(ValidationError):
            Credit.create(vals)
        line = Credit.create({**vals, "reason": "Fair bonus"})
        self.assertEqual(line.basis, "manual")
        self.assertIn("Fair bonus", line.message_ids[0].body)
        with self.assertRaises(AccessError):
            self.Credit.with_user(self.manager_consumer).create({**vals, "reason": "Not my unit"})
        with self.assertRaises(AccessError):
            self.Credit.with_user(self.sales_a).create({**vals, "reason": "Self-service"})
