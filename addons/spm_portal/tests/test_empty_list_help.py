from odoo.tests import TransactionCase, tagged

SPM_MODULES = ("spm_quota", "spm_credit", "spm_portal")


@tagged("post_install", "-at_install")
class TestEmptyListHelp(TransactionCase):
    def test_every_list_says_what_to_do_when_empty(self):
        """Every window action of the SPM addons that lists records (dialogs
        aside) has a help in Odoo's empty-view pattern: a title, then what
        fills the list."""
        data = self.env["ir.model.data"].search(
            [("module", "in", SPM_MODULES), ("model", "=", "ir.actions.act_window")]
        )
        actions = (
            self.env["ir.actions.act_window"]
            .browse(data.mapped("res_id"))
            .filtered(lambda action: action.target != "new")
        )
        self.assertIn(self.env.ref("spm_credit.spm_credit_dispute_action"), actions)
        self.assertIn(self.env.ref("spm_quota.spm_seasonality_profile_action"), actions)
        for action in actions:
            with self.subTest(action=action.name):
                self.assertIn('class="o_view_nocontent_smiling_face"', action.help or "")
                self.assertGreaterEqual((action.help or "").count("<p"), 2, "a title and an explanation")
