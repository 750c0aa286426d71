from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import SpmCreditCase


class SpmAchievementCase(SpmCreditCase):
    """This year's flat quotas: A 1,200 (100 a month) and B 240 (20 a month) in
    Pharma; one Pharma order of 100 this month credits A 50, B 30, C 20 and D
    (overlay) 100."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.this_month = cls.today.replace(day=1)
        cls.year_start = cls.today.replace(month=1, day=1)
        cls.year_end = cls.today.replace(month=12, day=31)
        cls.accountant = new_test_user(cls.env, "t_spm_accountant", groups="spm_credit.group_spm_accountant")
        cls.quota_a = cls._quota(cls.sales_a, 1200.0)
        cls.quota_b = cls._quota(cls.sales_b, 240.0)
        cls.order = cls._order([(cls.product_pharma, 1, 100.0)])

    @classmethod
    def _quota(cls, user, amount, unit=None, confirm=True):
        quota = cls.env["spm.quota"].create(
            {
                "user_id": user.id,
                "business_unit_id": (unit or cls.unit_pharma).id,
                "amount": amount,
                "date_from": cls.year_start,
                "date_to": cls.year_end,
                "seasonality_profile_id": cls.flat.id,
            }
        )
        if confirm:
            quota.action_confirm()
        return quota

    @classmethod
    def _adjust(cls, user, amount, unit=None, date=None, **vals):
        """A manual adjustment: the one way to credit by hand (managers, administrators)."""
        return cls.env["spm.credit.line"].create(
            {
                "user_id": user.id,
                "business_unit_id": (unit or cls.unit_pharma).id,
                "amount": amount,
                "date": date or cls.today,
                "basis": "manual",
                "kind": "manual",
                "reason": vals.pop("reason", "Test"),
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestAchievementReport(SpmAchievementCase):
    def _rows(self, user, domain=()):
        Report = self.env["spm.achievement.report"].with_user(user)
        return Report.search(list(domain))

    def test_salesperson_figures(self):
        rows = self._rows(self.sales_a, [("month", "=", self.this_month)])
        self.assertEqual(len(rows), 1, "one row: A in Pharma this month")
        self.assertEqual(
            (rows.user_id, rows.business_unit_id, rows.company_id),
            (self.sales_a, self.unit_pharma, self.company),
        )
        self.assertAlmostEqual(rows.target, 100.0)
        self.assertAlmostEqual(rows.achieved, 50.0)
        self.assertAlmostEqual(rows.collected, 0.0)
        self.assertAlmostEqual(rows.attainment, 50.0)
        # The other months of the year carry the target only.
        self.assertEqual(len(self._rows(self.sales_a)), 12)
        self.assertEqual(
            self._rows(self.sales_a).user_id, self.sales_a, "a salesperson sees their own rows only"
        )

    def test_no_target_no_attainment(self):
        rows = self._rows(self.sales_c, [("month", "=", self.this_month)])
        self.assertAlmostEqual(rows.achieved, 20.0)
        self.assertAlmostEqual(rows.target, 0.0)
        self.assertEqual(rows.attainment, 0.0, "no target: 0, not a division by zero")

    def test_draft_quotas_are_no_target(self):
        self._quota(self.sales_c, 600.0, confirm=False)
        rows = self._rows(self.sales_c, [("month", "=", self.this_month)])
        self.assertAlmostEqual(rows.target, 0.0)

    def test_grouped_attainment_is_ratio_of_sums(self):
        """A: 50 / 100 = 50 %, B: 30 / 20 = 150 %; together 80 / 120, not (50 + 150) / 2."""
        Report = self.env["spm.achievement.report"].with_user(self.manager_pharma)
        domain = [("month", "=", self.this_month), ("user_id", "in", (self.sales_a | self.sales_b).ids)]
        groups = Report.read_group(domain, ["target", "achieved", "attainment"], [])
        self.assertAlmostEqual(groups[0]["target"], 120.0)
        self.assertAlmostEqual(groups[0]["achieved"], 80.0)
        self.assertAlmostEqual(groups[0]["attainment"], 80.0 * 100 / 120)
        # Same in the pivot's form of the request (explicit aggregates, grouped).
        by_user = {
            group["user_id"][0]: group["attainment"]
            for group in Report.read_group(domain, ["attainment:sum", "attainment:avg"], ["user_id"])
        }
        self.assertAlmostEqual(by_user[self.sales_a.id], 50.0)
        self.assertAlmostEqual(by_user[self.sales_b.id], 150.0)
        # And for the ORM's own _read_group, over the whole year of A: 50 / 1,200.
        [(attainment,)] = Report._read_group([("user_id", "=", self.sales_a.id)], [], ["attainment:sum"])
        self.assertAlmostEqual(attainment, 50.0 * 100 / 1200)

    def test_manager_accountant_and_company_rules(self):
        self._adjust(self.sales_b, 40.0, unit=self.unit_consumer, reason="Consumer fair")
        # The test units only: demo data may credit other units.
        month = [
            ("month", "=", self.this_month),
            ("business_unit_id", "in", (self.unit_pharma | self.unit_consumer).ids),
        ]
        pharma = self._rows(self.manager_pharma, month)
        self.assertEqual(pharma.business_unit_id, self.unit_pharma, "a manager sees the units they manage")
        self.assertEqual(pharma.user_id, self.sales_a | self.sales_b | self.sales_c | self.sales_d)
        consumer = self._rows(self.manager_consumer, month)
        self.assertEqual(consumer.business_unit_id, self.unit_consumer)
        self.assertAlmostEqual(sum(consumer.mapped("achieved")), 40.0)
        everything = self._rows(self.accountant, month)
        self.assertEqual(everything.business_unit_id, self.unit_pharma | self.unit_consumer)
        self.assertAlmostEqual(sum(everything.mapped("achieved")), 240.0)

        other_company = self.env["res.company"].create({"name": "Test SPM Other Company"})
        unit_other = self.env["spm.business.unit"].create(
            {
                "name": "Test Other Co Unit",
                "code": "TOC",
                "company_id": other_company.id,
            }
        )
        self._adjust(self.sales_a, 70.0, unit=unit_other, company_id=other_company.id)
        self.accountant.company_ids |= other_company
        month = [("month", "=", self.this_month), ("user_id", "=", self.sales_a.id)]
        Report = self.env["spm.achievement.report"].with_user(self.accountant)
        rows = Report.with_context(allowed_company_ids=self.company.ids).search(month)
        self.assertNotIn(unit_other, rows.business_unit_id, "only the companies the user works in")
        rows = Report.with_context(allowed_company_ids=[self.company.id, other_company.id]).search(month)
        self.assertIn(unit_other, rows.business_unit_id)

    def test_monthly_aggregate_follows_later_credit(self):
        self._adjust(self.sales_a, 25.0, date=self.this_month)
        self._adjust(self.sales_a, -5.0, date=self.this_month + relativedelta(days=1))
        rows = self._rows(self.sales_a, [("month", "=", self.this_month)])
        self.assertAlmostEqual(rows.achieved, 70.0)
        self.assertAlmostEqual(rows.attainment, 70.0)
