from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIncentiveEmptyListHelp(TransactionCase):
    def test_every_list_says_what_to_do_when_empty(self):
        """Every window action of the addon that lists records (dialogs aside)
        has a help in Odoo's empty-view pattern: a title, then what fills the
        list."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "spm_incentive"), ("model", "=", "ir.actions.act_window")]
        )
        actions = (
            self.env["ir.actions.act_window"]
            .browse(data.mapped("res_id"))
            .filtered(lambda action: action.target != "new")
        )
        for xmlid in (
            "spm_incentive_plan_assignment_action",
            "spm_incentive_spif_action",
            "spm_incentive_statement_line_action",
            "spm_incentive_statement_action",
        ):
            self.assertIn(self.env.ref(f"spm_incentive.{xmlid}"), actions)
        for action in actions:
            with self.subTest(action=action.name):
                self.assertIn('class="o_view_nocontent_smiling_face"', action.help or "")
                self.assertGreaterEqual((action.help or "").count("<p"), 2, "a title and an explanation")

    def test_a_plans_lists_say_what_to_do_when_empty(self):
        plan = self.env["spm.incentive.plan"].create({"name": "Test Empty Help Plan"})
        for action in (
            plan.action_open_versions(),
            plan.action_open_assignments(),
            plan.action_open_statements(),
        ):
            with self.subTest(action=action["name"]):
                self.assertIn('class="o_view_nocontent_smiling_face"', action["help"])
                self.assertEqual(action["help"].count("<p"), 2)
