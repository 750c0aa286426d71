from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestManagerMessages(SpmQuotaCase):
    """What a sales manager reads when he maps units and moves accounts."""

    def test_shared_category_names_its_unit(self):
        with self.assertRaisesRegex(ValidationError, "belongs to the business unit Test Pharma"):
            self.unit_consumer.product_category_ids = [Command.link(self.categ_pharma.id)]

    def test_shared_team_names_its_unit(self):
        with self.assertRaisesRegex(
            ValidationError, "Test Pharma Team already belongs to the business unit Test Pharma"
        ):
            self.unit_consumer.team_ids = [Command.link(self.team_pharma.id)]

    def test_reassign_everything_shows_what_moves(self):
        first, second = (
            self._assign(partner, self.sales_a, 100.0, unit=self.unit_pharma, date_from="2026-01-01")
            for partner in (self.customer, self.customer_2)
        )
        other = self._assign(
            self.customer_2, self.sales_b, 100.0, unit=self.unit_consumer, date_from="2026-01-01"
        )
        wizard = Form(self.env["spm.assignment.reassign"].with_user(self.manager_pharma))
        self.assertEqual(len(wizard.preview_ids), 0, "nothing chosen, nothing to show")
        wizard.from_user_id = self.sales_a
        wizard.date = date(2026, 6, 1)
        # No account chosen: every account of A is listed before anything moves.
        self.assertEqual(wizard.preview_ids[:], first | second)
        self.assertEqual(wizard.preview_account_count, 2)
        self.assertNotIn(other, wizard.preview_ids[:])
        wizard.partner_ids.add(self.customer)
        self.assertEqual(wizard.preview_ids[:], first, "the chosen accounts only")
        wizard.partner_ids.clear()
        with wizard.line_ids.new() as line:
            line.user_id = self.sales_c
        record = wizard.save()
        self.assertEqual(first.date_to, False, "previewing moves nothing")
        # The button without accounts asks to confirm; confirmed, what was shown moves.
        arch = self.env["spm.assignment.reassign"].get_view(view_type="form")["arch"]
        self.assertIn('string="Reassign All Accounts"', arch)
        self.assertIn("confirm=", arch.split('string="Reassign All Accounts"')[1].split("/>")[0])
        record.action_reassign()
        self.assertEqual((first | second).mapped("date_to"), [date(2026, 5, 31)] * 2)
