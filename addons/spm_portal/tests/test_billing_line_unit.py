from odoo import Command
from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBillingLineUnit(SpmPortalCase):
    """A billing line's stored unit is the one source of the billing's units (review,
    access, search): it follows the units' mapping when a category changes unit."""

    def _review_activity_users(self, billing):
        activity_type = self.env.ref("spm_portal.mail_activity_type_secondary_review")
        return billing.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id

    def test_line_unit_follows_its_category_to_another_unit(self):
        self.unit_consumer.secondary_validation = "review"
        billing = self._billing(lines=[("T-INS", 1, 100.0)], submit=False)
        line = billing.line_ids
        self.assertEqual(line.business_unit_id, self.unit_pharma)
        self.assertFalse(billing._spm_review_units())
        # The Pharma category moves to Consumer, whose manager reviews billings.
        self.unit_pharma.product_category_ids = [Command.unlink(self.categ_pharma.id)]
        self.unit_consumer.product_category_ids = [Command.link(self.categ_pharma.id)]
        self.assertEqual(line.business_unit_id, self.unit_consumer)
        self.assertEqual(billing.business_unit_ids, self.unit_consumer)
        self.assertEqual(billing._spm_review_units(), self.unit_consumer)
        self.assertEqual(
            self.Billing.search(
                [("id", "=", billing.id), ("business_unit_ids", "in", self.unit_consumer.ids)]
            ),
            billing,
        )
        billing.action_submit()
        self.assertEqual(billing.state, "submitted")
        self.assertEqual(self._review_activity_users(billing), self.manager_consumer)

    def test_line_unit_follows_a_subcategory_mapped_to_its_own_unit(self):
        product = self.env["product.product"].create(
            {"name": "Test Generic", "default_code": "T-GEN", "categ_id": self.categ_generics.id}
        )
        billing = self._billing(lines=[("T-GEN", 1, 10.0)], submit=False)
        self.assertEqual(billing.line_ids.business_unit_id, self.unit_pharma)
        generics = self.env["spm.business.unit"].create(
            {
                "name": "Test Generics Unit",
                "code": "TGEN",
                "product_category_ids": [Command.set(self.categ_generics.ids)],
            }
        )
        # The most specific category wins, as credit resolves it.
        self.assertEqual(billing.line_ids.business_unit_id, generics)
        self.assertEqual(billing.line_ids.product_id, product)
        generics.active = False
        self.assertEqual(billing.line_ids.business_unit_id, self.unit_pharma)
        self.unit_pharma.active = False
        self.assertFalse(billing.line_ids.business_unit_id)
        self.assertFalse(billing.business_unit_ids)
