from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmPortalCase


@tagged("post_install", "-at_install")
class TestBulkValidate(SpmPortalCase):
    """Validate from the list of secondary billings validates what the manager
    reviews and says what it did, counted from what happened."""

    def test_bulk_validate_counts_what_it_did(self):
        (self.unit_pharma | self.unit_consumer).secondary_validation = "review"
        mine = self.Billing.browse()
        for quantity, number in enumerate(("BV-1", "BV-2", "BV-3"), start=1):
            mine |= self._billing(number=number, lines=[("T-INS", quantity, 100.0)])
        other_unit = self._billing(number="BV-4", lines=[("T-SUN", 1, 10.0)])
        draft = self._billing(number="BV-5", submit=False)
        rejected = self._billing(number="BV-6")
        rejected.with_user(self.manager_pharma).action_reject("Wrong retailer")
        billings = mine | other_unit | draft | rejected
        self.assertEqual(set(mine.mapped("state")), {"submitted"})
        self.assertEqual(other_unit.state, "submitted")

        action = billings.with_user(self.manager_pharma).action_bulk_validate()

        self.assertEqual(set(mine.mapped("state")), {"validated"})
        self.assertEqual(mine.validated_by_id, self.manager_pharma)
        self.assertEqual(other_unit.state, "submitted", "another unit's billing waits for its manager")
        self.assertEqual((draft.state, rejected.state), ("draft", "rejected"))
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            "3 validated, 1 left to the review of their units' managers, 2 skipped (not submitted).",
        )
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.client", "tag": "soft_reload"})

        action = other_unit.with_user(self.manager_consumer).action_bulk_validate()
        self.assertEqual(other_unit.state, "validated")
        self.assertEqual(
            action["params"]["message"],
            "1 validated, 0 left to the review of their units' managers, 0 skipped (not submitted).",
        )

    def test_bulk_validate_is_for_managers(self):
        self.unit_pharma.secondary_validation = "review"
        billing = self._billing(number="BV-7")
        with self.assertRaises(AccessError):
            billing.with_user(self.portal_a).action_bulk_validate()
        with self.assertRaises(AccessError):
            billing.with_user(self.sales_a).action_bulk_validate()
        self.assertEqual(billing.state, "submitted")
