from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPerformanceMenus(TransactionCase):
    """Sales > Performance in sections, each role landing where its work is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "t_menu_accountant",
            groups="spm_credit.group_spm_accountant,account.group_account_invoice",
        )
        cls.salesperson = new_test_user(cls.env, "t_menu_sales", groups="spm_quota.group_spm_salesperson")
        cls.manager = new_test_user(cls.env, "t_menu_manager", groups="spm_quota.group_spm_manager")

    def _menus(self, user):
        return self.env["ir.ui.menu"].with_user(user).load_web_menus(debug=False)

    def _xmlid(self, menus, menu_id):
        return menus[menu_id]["xmlid"]

    def _sales_app(self, menus):
        [app] = [menu for menu in menus.values() if menu["xmlid"] == "sale.sale_menu_root"]
        return app

    def _children(self, menus, xmlid):
        [menu] = [menu for menu in menus.values() if menu["xmlid"] == xmlid]
        return [menus[child]["xmlid"] for child in menu["children"]]

    def test_sections(self):
        menus = self._menus(self.manager)
        sections = self._children(menus, "spm_quota.spm_menu_root")
        ours = [
            "spm_credit.spm_menu_performance",
            "spm_credit.spm_menu_credit",
            "spm_quota.spm_menu_planning",
        ]
        # Sections only (other addons add theirs, spm_incentive its Incentives), ours in this order.
        self.assertEqual([xmlid for xmlid in sections if xmlid in ours], ours)
        for section in sections:
            self.assertTrue(self._children(menus, section), f"{section} is a section, not an entry")
        self.assertEqual(
            self._children(menus, "spm_credit.spm_menu_performance")[:3],
            [
                "spm_credit.spm_menu_dashboard",
                "spm_credit.spm_menu_achievement",
                "spm_credit.spm_menu_achievement_figure",
            ],
            "a manager has no accountant's overview",
        )
        self.assertIn(
            "spm_credit.spm_menu_credit_disputes", self._children(menus, "spm_credit.spm_menu_credit")
        )
        self.assertEqual(
            self._children(menus, "spm_quota.spm_menu_planning"),
            [
                "spm_quota.spm_menu_assignments",
                "spm_quota.spm_menu_reassign",
                "spm_quota.spm_menu_quotas",
                "spm_quota.spm_menu_quota_lines",
            ],
        )

    def test_landings(self):
        dashboard = self.env.ref("spm_credit.spm_credit_dashboard_action")
        overview = self.env.ref("spm_credit.spm_credit_accountant_overview_action")
        # Sales opens on the first action of its menus: each role's own.
        self.assertEqual(self._sales_app(self._menus(self.accountant))["actionID"], overview.id)
        performance = self._children(self._menus(self.accountant), "spm_credit.spm_menu_performance")
        self.assertNotIn("spm_credit.spm_menu_dashboard", performance, "no empty 'My performance'")
        self.assertIn("spm_credit.spm_menu_achievement", performance)
        self.assertIn(
            "spm_credit.spm_menu_credit_report",
            self._children(self._menus(self.accountant), "spm_credit.spm_menu_credit"),
        )
        for user in (self.salesperson, self.manager):
            menus = self._menus(user)
            [dashboard_menu] = [m for m in menus.values() if m["xmlid"] == "spm_credit.spm_menu_dashboard"]
            self.assertEqual(dashboard_menu["actionID"], dashboard.id)

    def test_credit_report_under_invoicing_reporting(self):
        menus = self._menus(self.accountant)
        self.assertIn(
            "spm_credit.spm_menu_credit_report_accounting",
            self._children(menus, "account.account_reports_management_menu"),
        )
        [menu] = [m for m in menus.values() if m["xmlid"] == "spm_credit.spm_menu_credit_report_accounting"]
        self.assertEqual(menu["actionID"], self.env.ref("spm_credit.spm_credit_report_wizard_action").id)
        self.assertEqual(menus[menu["appID"]]["xmlid"], "account.menu_finance")
        # A salesperson has no Invoicing, nor the report.
        self.assertNotIn(
            "spm_credit.spm_menu_credit_report_accounting",
            {m["xmlid"] for m in self._menus(self.salesperson).values()},
        )


@tagged("post_install", "-at_install")
class TestAccountantLandingTour(HttpCase):
    def test_accountant_lands_on_reports(self):
        new_test_user(
            self.env,
            "t_tour_accountant",
            groups="spm_credit.group_spm_accountant,account.group_account_invoice",
        )
        self.start_tour("/odoo", "spm_credit_accountant_landing", login="t_tour_accountant")
