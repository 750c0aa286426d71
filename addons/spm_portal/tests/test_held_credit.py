import io
import json
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.spm_credit.models.spm_credit_engine import SpmCreditEngine

from .common import SpmPortalCase


class HeldCreditCommon(SpmPortalCase):
    """A first bill of 1,000 in Pharma credits A 600 and B 400; the same bill
    reported again is held as a possible duplicate: its 600 and 400 are held
    apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Monthly = cls.env["spm.credit.monthly"]
        cls.accountant = new_test_user(cls.env, "t_held_accountant", groups="spm_credit.group_spm_accountant")
        cls.first = cls._billing(number="H-001")
        cls.held = cls._billing(number="H-002")
        cls.month = cls.today.replace(day=1)

    @classmethod
    def _billing(cls, **kwargs):
        # Billed today: this month's figures, whatever the day.
        return super()._billing(**{"bill_date": cls.today, **kwargs})

    def _release(self, billing):
        billing.with_user(self.manager_pharma).action_release_hold()

    def _reject(self, billing):
        billing.with_user(self.manager_pharma).action_reject("Reported twice")

    def _lines(self, billing, **values):
        return self.Credit.search(
            [("secondary_billing_id", "=", billing.id), *((k, "=", v) for k, v in values.items())]
        )

    def _figures(self, user, unit=None):
        """(achieved, held) of ``user`` in Pharma this month, from the aggregate."""
        [(achieved, held)] = self.Monthly._read_group(
            [
                ("user_id", "=", user.id),
                ("business_unit_id", "=", (unit or self.unit_pharma).id),
                ("month", "=", self.month),
            ],
            [],
            ["amount:sum", "held_amount:sum"],
        )
        return achieved, held

    def _held_lines_sum(self, user):
        return round(
            sum(self.Credit.search([("user_id", "=", user.id), ("is_held", "=", True)]).mapped("amount")), 2
        )


@tagged("post_install", "-at_install")
class TestHeldCredit(HeldCreditCommon):
    """The credit of a held billing is recorded but not counted as achieved
    until it is released (then achieved) or rejected (then gone)."""

    def _assert_aggregate_is_the_lines(self):
        """The aggregate, kept row by row, equals its rebuild from the lines."""
        self.assertEqual(self.Monthly._differences(self.company.ids), [])
        domain = [("company_id", "=", self.company.id)]
        spec = (["user_id", "business_unit_id", "month:month"], ["amount:sum", "held_amount:sum"])
        kept = sorted(self.Monthly._read_group(domain, *spec))
        self.Monthly._rebuild(self.company.ids)
        self.assertEqual(sorted(self.Monthly._read_group(domain, *spec)), kept)

    def test_held_credit_is_recorded_not_achieved(self):
        self.assertEqual((self.first.state, self.held.state), ("validated", "held"))
        lines = self._lines(self.held)
        self.assertEqual(set(lines.mapped("state")), {"held"})
        self.assertTrue(all(lines.mapped("is_held")))
        self.assertEqual(self._credit([("id", "in", lines.ids)]), {self.sales_a: 600.0, self.sales_b: 400.0})
        self.assertEqual(
            self._figures(self.sales_a), (600.0, 600.0), "the first bill achieved, the second held"
        )
        self.assertEqual(self._figures(self.sales_b), (400.0, 400.0))
        self._assert_aggregate_is_the_lines()

    def test_release_turns_held_into_achieved_in_one_transaction(self):
        # A failure while crediting undoes the release whole: the billing stays held, its credit too.
        with (
            patch.object(SpmCreditEngine, "_create_engine_lines", side_effect=UserError("crediting failed")),
            self.assertRaises(UserError),
            self.env.cr.savepoint(),
        ):
            self._release(self.held)
        self.env.invalidate_all()
        self.assertEqual(self.held.state, "held")
        self.assertEqual(self._figures(self.sales_a), (600.0, 600.0))

        held_lines = self._lines(self.held)
        self._release(self.held)
        self.assertEqual(self.held.state, "validated")
        reversals = self._lines(self.held, state="reversed")
        self.assertEqual(reversals.reversed_line_id, held_lines, "each held line reversed")
        self.assertTrue(all(reversals.mapped("is_held")), "held credit cancels held credit only")
        confirmed = self._lines(self.held, state="confirmed")
        self.assertFalse(any(confirmed.mapped("is_held")))
        self.assertEqual(
            self._credit([("id", "in", confirmed.ids)]), {self.sales_a: 600.0, self.sales_b: 400.0}
        )
        self.assertEqual(self._figures(self.sales_a), (1200.0, 0.0))
        self.assertEqual(self._figures(self.sales_b), (800.0, 0.0))
        self._assert_aggregate_is_the_lines()

    def test_rejected_held_credit_is_gone(self):
        held_lines = self._lines(self.held)
        self._reject(self.held)
        self.assertEqual(self.held.state, "rejected")
        self.assertEqual(self._lines(self.held, state="reversed").reversed_line_id, held_lines)
        self.assertEqual(self._credit([("secondary_billing_id", "=", self.held.id)]), {})
        self.assertFalse(self._lines(self.held, state="confirmed"))
        self.assertEqual(self._figures(self.sales_a), (600.0, 0.0), "achieved untouched, held gone")
        self._assert_aggregate_is_the_lines()

    def test_aggregate_after_hold_release_reject_and_merge(self):
        third = self._billing(number="H-003")
        self.assertEqual(third.state, "held")
        self._release(self.held)
        self._reject(third)
        self.Monthly._compact()
        self.assertEqual(self._figures(self.sales_a), (1200.0, 0.0))
        self._assert_aggregate_is_the_lines()
        # A damaged held amount alone is a difference the daily check reports.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE spm_credit_monthly SET held_amount = 5 WHERE id = "
            "(SELECT id FROM spm_credit_monthly WHERE user_id = %s LIMIT 1)",
            [self.sales_a.id],
        )
        self.Monthly.invalidate_model()
        self.assertEqual(len(self.Monthly._differences(self.company.ids)), 1)

    def test_no_rpc_path_sets_held(self):
        line = self._lines(self.held)[:1]
        for user in (self.manager_pharma, self.sales_a, self.admin):
            with self.assertRaises(UserError):
                line.with_user(user).write({"is_held": False})
        for vals in ({"is_held": True}, {"state": "held"}):
            with self.assertRaises(UserError):
                self.Credit.with_user(self.manager_pharma).create(
                    {
                        "user_id": self.sales_a.id,
                        "business_unit_id": self.unit_pharma.id,
                        "amount": 10.0,
                        "reason": "Held by hand",
                        **vals,
                    }
                )
        with self.assertRaises(UserError):
            self.Credit.with_user(self.sales_a).create(
                {
                    "user_id": self.sales_a.id,
                    "business_unit_id": self.unit_pharma.id,
                    "amount": 10.0,
                    "reason": "Mine",
                    "is_held": True,
                }
            )
        self.assertTrue(line.is_held)

    def test_achievement_report_held(self):
        Report = self.env["spm.achievement.report"].with_user(self.manager_pharma)
        [(achieved, held)] = Report._read_group(
            [("user_id", "=", self.sales_a.id), ("month", "=", self.month)], [], ["achieved:sum", "held:sum"]
        )
        self.assertEqual((achieved, held), (600.0, self._held_lines_sum(self.sales_a)))
        self.assertEqual(held, 600.0)
        figures = dict(
            self.env["spm.achievement.figure"]
            .with_user(self.manager_pharma)
            ._read_group(
                [("user_id", "=", self.sales_a.id), ("month", "=", self.month)], ["figure"], ["amount:sum"]
            )
        )
        self.assertEqual((figures["achieved"], figures["held"]), (600.0, 600.0))

    def test_xlsx_summary_held_column(self):
        from openpyxl import load_workbook

        wizard = (
            self.env["spm.credit.report.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "date_from": self.month.replace(month=1),
                    "date_to": self.month.replace(month=12, day=31),
                    "business_unit_ids": [(6, 0, self.unit_pharma.ids)],
                }
            )
        )
        output = io.BytesIO()
        totals = wizard._write_xlsx(output)
        sheet = load_workbook(io.BytesIO(output.getvalue()), data_only=True)["Summary"]
        header_row = int(sheet.freeze_panes[1:]) - 1
        rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
        header, data, total = rows[0], rows[1:-1], dict(zip(rows[0], rows[-1], strict=True))
        self.assertEqual(header[-2:], ("Attainment", "Held"), "Held after the existing columns")
        by_user = {row["Salesperson"]: row for row in (dict(zip(header, r, strict=True)) for r in data)}
        for user in (self.sales_a, self.sales_b):
            self.assertEqual(by_user[user.name]["Held"], self._held_lines_sum(user))
            row = by_user[user.name]
            self.assertEqual(row["Provisional"] + row["Confirmed"], row["Achieved"], "held is not achieved")
        self.assertEqual(
            (by_user[self.sales_a.name]["Achieved"], by_user[self.sales_a.name]["Held"]), (600, 600)
        )
        self.assertEqual(total["Held"], 1000.0)
        self.assertEqual(totals["summary"]["held"], 1000.0)

    def test_dashboard_shows_held_apart(self):
        Dashboard = self.env["spm.credit.dashboard"]
        month = Dashboard.with_user(self.sales_a).get_dashboard_data()["performance"]["month"]
        self.assertEqual((month["achieved"], month["held"]), (600.0, 600.0))
        board = Dashboard.with_user(self.manager_pharma).get_dashboard_data()
        [team] = [team for team in board["teams"] if team["unit_id"] == self.unit_pharma.id]
        members = {member["user_id"]: member for member in team["members"]}
        self.assertEqual(
            [(members[u.id]["achieved"], members[u.id]["held"]) for u in (self.sales_a, self.sales_b)],
            [(600.0, 600.0), (400.0, 400.0)],
            "per salesperson on the manager's board",
        )
        self.assertEqual(team["totals"]["held"], 1000.0)
        # Each figure opens the lines it sums.
        for figure, expected in (("held", 600.0), ("achieved", 600.0)):
            action = Dashboard.with_user(self.sales_a).get_figure_action(figure, self.month)
            lines = self.env[action["res_model"]].with_user(self.sales_a).search(action["domain"])
            lines = lines.filtered(lambda line: line.business_unit_id == self.unit_pharma)
            self.assertEqual(round(sum(lines.mapped("amount")), 2), expected, figure)

    def test_live_payload_names_held_salespersons(self):
        def payloads():
            sent = self.env["bus.bus"].sudo().search([("message", "like", "spm_credit_updated")], order="id")
            messages = [json.loads(message) for message in sent.mapped("message")] + [
                json.loads(values["message"])
                for values in self.env.cr.precommit.data.get("bus.bus.values", [])
            ]
            return [m["payload"] for m in messages if m["type"] == "spm_credit_updated"]

        before = len(payloads())
        self._billing(number="H-004")
        [payload] = payloads()[before:]
        self.assertEqual(payload["held_user_ids"], sorted((self.sales_a | self.sales_b).ids))
        self.assertNotIn("amount", json.dumps(payload), "every salesperson hears it: no amounts")
        before = len(payloads())
        self._billing(number="H-005", lines=[("T-INS", 3, 10.0)])
        [payload] = payloads()[before:]
        self.assertEqual(payload["held_user_ids"], [], "validated credit holds nothing")
