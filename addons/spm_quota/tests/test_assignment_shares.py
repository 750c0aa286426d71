from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestAssignmentShares(SpmQuotaCase):
    def test_split_must_add_up_to_100(self):
        with self.assertRaises(ValidationError) as error:
            self._assign(self.customer, self.sales_a, 60.0, unit=self.unit_pharma)
        message = str(error.exception)
        self.assertIn("Test Customer", message)
        self.assertIn("Test Pharma", message)
        self.assertIn("60", message)
        self.assertIn("01/01/2026", message)

    def test_team_split_saved_together(self):
        self.customer.write(
            {
                "spm_assignment_ids": [
                    Command.create({"user_id": self.sales_a.id, "share": 50.0, "date_from": "2026-01-01"}),
                    Command.create({"user_id": self.sales_b.id, "share": 30.0, "date_from": "2026-01-01"}),
                    Command.create({"user_id": self.sales_c.id, "share": 20.0, "date_from": "2026-01-01"}),
                ]
            }
        )
        self.assertEqual(len(self.customer.spm_assignment_ids), 3)
        self.assertEqual(sum(self.customer.spm_assignment_ids.mapped("share")), 100.0)

    def test_overlap_in_time_refused(self):
        self._assign(self.customer, self.sales_a, 100.0, date_from="2026-01-01", date_to="2026-06-30")
        # From June the two splits overlap and add up to 200 %.
        with self.assertRaises(ValidationError) as error:
            self._assign(self.customer, self.sales_b, 100.0, date_from="2026-06-01")
        self.assertIn("200", str(error.exception))
        self.assertIn("06/01/2026", str(error.exception))
        self.assertIn("06/30/2026", str(error.exception))
        # Starting the day after the first ends is fine.
        self._assign(self.customer, self.sales_b, 100.0, date_from="2026-07-01")

    def test_overlay_not_counted(self):
        self._assign(self.customer, self.sales_a, 100.0)
        overlay = self._assign(self.customer, self.sales_b, 100.0, kind="overlay")
        self.assertEqual(overlay.kind, "overlay")
        # The same assignment as a split would make 200 %.
        with self.assertRaises(ValidationError):
            overlay.kind = "split"

    def test_unit_split_takes_precedence(self):
        self._assign(self.customer, self.sales_a, 100.0)
        # A unit of its own: 100 % there, while the generic split keeps the other units.
        self._assign(self.customer, self.sales_b, 100.0, unit=self.unit_pharma)
        with self.assertRaises(ValidationError):
            self._assign(self.customer, self.sales_c, 10.0, unit=self.unit_pharma)

    def test_contact_is_stored_as_commercial_entity(self):
        assignment = self._assign(self.customer_contact, self.sales_a, 100.0)
        self.assertEqual(assignment.partner_id, self.customer)

    def test_changing_a_share_alone_is_refused(self):
        first = self._assign(self.customer, self.sales_a, 100.0)
        with self.assertRaises(ValidationError):
            first.share = 50.0

    def test_archiving_part_of_a_split_is_refused(self):
        self.customer.write(
            {
                "spm_assignment_ids": [
                    Command.create({"user_id": self.sales_a.id, "share": 50.0, "date_from": "2026-01-01"}),
                    Command.create({"user_id": self.sales_b.id, "share": 50.0, "date_from": "2026-01-01"}),
                ]
            }
        )
        first, second = self.customer.spm_assignment_ids
        with self.assertRaises(ValidationError):
            first.active = False
        # Archiving the whole split leaves the account unassigned, which is allowed.
        (first | second).write({"active": False})
        self.assertFalse(self.customer.with_context(active_test=True).spm_salesperson_ids)
