from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestReassignAsManager(SpmQuotaCase):
    """A unit manager reassigns his unit's accounts himself, chatter included,
    although he may not write on partners."""

    def _wizard(self, user, partner):
        return (
            self.env["spm.assignment.reassign"]
            .with_user(user)
            .create(
                {
                    "partner_ids": [Command.set(partner.ids)],
                    "business_unit_id": self.unit_pharma.id,
                    "date": date(2026, 6, 1),
                    "line_ids": [Command.create({"user_id": self.sales_c.id, "share": 100.0})],
                }
            )
        )

    def test_unit_manager_reassigns_and_the_account_is_told(self):
        old = self._assign(self.customer, self.sales_a, 100.0, unit=self.unit_pharma)
        self.sales_c.name = "<b>Carla</b>"
        self.assertFalse(self.customer.with_user(self.manager_pharma).has_access("write"))
        self._wizard(self.manager_pharma, self.customer).action_reassign()
        self.assertEqual(old.date_to, date(2026, 5, 31))
        new = self.env["spm.assignment"].search([("partner_id", "=", self.customer.id), ("id", "!=", old.id)])
        self.assertEqual(new.user_id, self.sales_c)
        message = self.customer.message_ids.filtered(lambda m: "reassigned" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.manager_pharma.partner_id)
        # The salesperson's name is text: escaped, not markup.
        self.assertIn("&lt;b&gt;Carla&lt;/b&gt;", message.body)
        self.assertNotIn("<b>Carla", message.body)

    def test_other_unit_manager_moves_and_posts_nothing(self):
        old = self._assign(self.customer, self.sales_a, 100.0, unit=self.unit_pharma)
        before = self.customer.message_ids
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._wizard(self.manager_consumer, self.customer).action_reassign()
        self.assertFalse(old.date_to)
        self.assertEqual(self.customer.message_ids, before)
