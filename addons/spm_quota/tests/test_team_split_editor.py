from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import SpmQuotaCase


class SpmTeamSplitCase(SpmQuotaCase):
    """An account and four named salespersons for a team split."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic = cls.env["res.partner"].create({"name": "Split Clinic", "is_company": True})
        for user, name in (
            (cls.sales_a, "Ann Split"),
            (cls.sales_b, "Bob Split"),
            (cls.sales_c, "Cid Split"),
            (cls.sales_d, "Dee Overlay"),
        ):
            user.name = name

    def _editor(self, user=None, partner=None):
        editor = Form(self.env["spm.assignment.split"].with_user(user or self.manager_pharma))
        editor.partner_id = partner or self.clinic
        editor.business_unit_id = self.unit_pharma
        return editor

    def _add(self, editor, user, share=0.0, kind="split", date_from=None):
        with editor.line_ids.new() as line:
            line.user_id = user
            if date_from:
                line.date_from = date_from
            line.kind = kind
            if kind == "split":
                line.share = share

    def _clinic_assignments(self):
        return self.env["spm.assignment"].search(
            [("partner_id", "=", self.clinic.id)], order="kind, share desc"
        )


@tagged("post_install", "-at_install")
class TestTeamSplitEditor(SpmTeamSplitCase):
    """A team split is entered and saved as a set, and checked as a set."""

    def test_split_saved_as_a_set_with_a_running_total(self):
        editor = self._editor()
        self._add(editor, self.sales_a, 50.0)
        self.assertEqual(editor.split_total, 50.0)
        self._add(editor, self.sales_b, 30.0)
        self._add(editor, self.sales_c, 20.0)
        self._add(editor, self.sales_d, kind="overlay")
        self.assertEqual(editor.split_total, 100.0, "the overlay is not counted")
        editor.save().action_save()
        saved = self._clinic_assignments()
        self.assertEqual(
            [(a.user_id, a.kind, a.split_share) for a in saved],
            [
                (self.sales_d, "overlay", 0.0),
                (self.sales_a, "split", 50.0),
                (self.sales_b, "split", 30.0),
                (self.sales_c, "split", 20.0),
            ],
        )
        self.assertEqual(saved.business_unit_id, self.unit_pharma)
        self.assertEqual(sum(saved.mapped("split_share")), 100.0, "the list's total counts splits only")

    def test_set_checked_on_save_changes_nothing(self):
        editor = self._editor()
        self._add(editor, self.sales_a, 50.0)
        self._add(editor, self.sales_b, 30.0)
        wizard = editor.save()
        with self.assertRaisesRegex(ValidationError, "add up to 80"), self.cr.savepoint():
            wizard.action_save()
        self.assertFalse(self._clinic_assignments())

    def test_editor_changes_the_split_from_today_keeping_history(self):
        old_a, old_b = self._assign_split(
            self.clinic, [(self.sales_a, 60.0), (self.sales_b, 40.0)], unit=self.unit_pharma
        )
        today = fields.Date.context_today(old_a)
        editor = self._editor()
        self.assertEqual(len(editor.line_ids), 2)
        with editor.line_ids.edit(0) as line:
            line.share = 50.0
        editor.line_ids.remove(1)
        self._add(editor, self.sales_c, 50.0)
        editor.save().action_save()
        yesterday = today - timedelta(days=1)
        # What was in force before today is untouched: the credit given keeps its explanation.
        self.assertEqual((old_a.share, old_a.date_to, old_a.active), (60.0, yesterday, True))
        self.assertEqual((old_b.share, old_b.date_to, old_b.active), (40.0, yesterday, True))
        Assignment = self.env["spm.assignment"]
        in_force = self._clinic_assignments().filtered_domain(Assignment._in_force_domain(today))
        self.assertEqual(
            sorted((a.user_id.name, a.share, a.date_from) for a in in_force),
            [("Ann Split", 50.0, today), ("Cid Split", 50.0, today)],
        )
        before = self._clinic_assignments().filtered_domain(Assignment._in_force_domain(yesterday))
        self.assertEqual(before, old_a | old_b)

    def test_editor_changes_a_future_split_in_place(self):
        start = fields.Date.context_today(self.env.user) + timedelta(days=10)
        future = self._assign_split(
            self.clinic, [(self.sales_a, 100.0)], unit=self.unit_pharma, date_from=start
        )
        editor = self._editor()
        with editor.line_ids.edit(0) as line:
            line.user_id = self.sales_b
        editor.save().action_save()
        self.assertEqual((future.user_id, future.date_from, future.active), (self.sales_b, start, True))
        self.assertEqual(self._clinic_assignments(), future, "nothing had started: changed in place")

    def test_manager_cannot_edit_another_units_split(self):
        wizard = (
            self.env["spm.assignment.split"]
            .with_user(self.manager_consumer)
            .create(
                {
                    "partner_id": self.clinic.id,
                    "business_unit_id": self.unit_pharma.id,
                    "line_ids": [Command.create({"user_id": self.sales_a.id, "share": 100.0})],
                }
            )
        )
        with self.assertRaises(AccessError), self.cr.savepoint():
            wizard.action_save()
        self.assertFalse(self._clinic_assignments())


@tagged("post_install", "-at_install")
class TestTeamSplitTour(HttpCase, SpmTeamSplitCase):
    """The same split entered in the browser, from the Assignments menu."""

    def test_tour_split_and_overlay_from_assignments_menu(self):
        self.start_tour(
            "/odoo/action-spm_quota.spm_assignment_action", "spm_quota_team_split", login="t_mgr_pharma"
        )
        saved = self._clinic_assignments()
        self.assertEqual(
            [(a.user_id, a.kind, a.split_share) for a in saved],
            [
                (self.sales_d, "overlay", 0.0),
                (self.sales_a, "split", 50.0),
                (self.sales_b, "split", 30.0),
                (self.sales_c, "split", 20.0),
            ],
        )
        self.assertEqual(saved.business_unit_id, self.unit_pharma)
