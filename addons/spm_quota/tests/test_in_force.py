from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestInForce(SpmQuotaCase):
    """One rule for "in force on a day", read alike by the share resolver, the
    share check, the partner's Sales Credit tab and the reassignment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.march = cls._assign(cls.customer, cls.sales_a, date_from="2026-03-01", date_to="2026-03-31")
        cls.april_on = cls._assign(cls.customer, cls.sales_b, date_from="2026-04-01")
        cls.archived = cls._assign(cls.customer_2, cls.sales_c, date_from="2026-01-01")
        cls.archived.active = False
        cls.partners = cls.customer | cls.customer_2
        cls.users = cls.sales_a | cls.sales_b | cls.sales_c

    def _readings(self, day):
        """Who is in force on ``day`` for each account, as each reader sees it."""
        Assignment = self.env["spm.assignment"]
        domain = Assignment._in_force_domain(day)
        every = Assignment.with_context(active_test=False).search([("partner_id", "in", self.partners.ids)])
        readings = {
            "search": Assignment.search([("partner_id", "in", self.partners.ids), *domain]),
            "filtered_domain": every.filtered_domain(domain),
        }
        with freeze_time(day):
            every.invalidate_recordset(["in_force_today"])
            # The "In Force Today" filter of the assignments, and its negation.
            readings["in force today"] = every.filtered("in_force_today")
            readings["filter"] = every.search([("id", "in", every.ids), ("in_force_today", "=", True)])
            readings["not filter"] = every - every.search(
                [("id", "in", every.ids), ("in_force_today", "!=", True)]
            )
        readings = {
            name: {
                p.id: set(found.filtered(lambda a, p=p: a.partner_id == p).user_id.ids) for p in self.partners
            }
            for name, found in readings.items()
        }
        shares = Assignment._get_shares([(p.id, False, day) for p in self.partners])
        readings["resolver"] = {p.id: {s.user_id for s in shares[p.id, False, day]} for p in self.partners}
        with freeze_time(day):
            self.partners.invalidate_recordset(["spm_salesperson_ids"])
            readings["partner tab"] = {p.id: set(p.spm_salesperson_ids.ids) for p in self.partners}
            found_by_user = {
                user.id: self.env["res.partner"].search(
                    [("id", "in", self.partners.ids), ("spm_salesperson_ids", "=", user.id)]
                )
                for user in self.users
            }
        readings["partner search"] = {
            p.id: {user_id for user_id, found in found_by_user.items() if p in found} for p in self.partners
        }
        return readings

    def test_boundary_days_and_archived(self):
        """The day before date_from, date_from, date_to and the day after; an
        archived assignment is in force on no day, in every reader."""
        expected = {
            date(2026, 2, 28): set(),
            date(2026, 3, 1): {self.sales_a.id},
            date(2026, 3, 31): {self.sales_a.id},
            date(2026, 4, 1): {self.sales_b.id},
        }
        for day, users in expected.items():
            for reader, found in self._readings(day).items():
                with self.subTest(day=day, reader=reader):
                    self.assertEqual(found, {self.customer.id: users, self.customer_2.id: set()})

    def test_onwards(self):
        Assignment = self.env["spm.assignment"]
        domain = [
            ("partner_id", "in", self.partners.ids),
            *Assignment._in_force_domain(date(2026, 3, 31), onwards=True),
        ]
        self.assertEqual(Assignment.search(domain), self.march | self.april_on)
        domain = [
            ("partner_id", "in", self.partners.ids),
            *Assignment._in_force_domain(date(2026, 4, 1), onwards=True),
        ]
        self.assertEqual(Assignment.search(domain), self.april_on)

    def _reassign(self, user, day, to):
        return (
            self.env["spm.assignment.reassign"]
            .create({"from_user_id": user.id, "date": day, "line_ids": [Command.create({"user_id": to.id})]})
            .action_reassign()
        )

    def test_reassign_on_the_last_day(self):
        """The wizard moves an assignment on its date_to (in force that day),
        and the resolver and the partner's tab agree with the result."""
        self._reassign(self.sales_a, date(2026, 3, 31), self.sales_d)
        self.assertEqual(self.march.date_to, date(2026, 3, 30))
        readings = self._readings(date(2026, 3, 31))
        self.assertEqual(readings["resolver"][self.customer.id], {self.sales_d.id})
        self.assertEqual(readings["partner tab"], readings["resolver"])
        self.assertEqual(
            self._readings(date(2026, 3, 30))["partner tab"][self.customer.id], {self.sales_a.id}
        )
        self.assertEqual(self._readings(date(2026, 4, 1))["resolver"][self.customer.id], {self.sales_b.id})

    def test_reassign_ended_or_archived_refused(self):
        # The day after date_to, and an archived assignment: nothing in force to move.
        for user, day in ((self.sales_a, date(2026, 4, 1)), (self.sales_c, date(2026, 2, 1))):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self._reassign(user, day, self.sales_d)
        self.assertEqual(self.march.date_to, date(2026, 3, 31))
        self.assertFalse(self.archived.active)


@tagged("post_install", "-at_install")
class TestUnitPrecedence(SpmQuotaCase):
    def test_resolver_and_share_check_read_the_same_splits(self):
        """A unit's own splits take precedence over the splits for every unit,
        for the resolver as for the share check."""
        self._assign(self.customer, self.sales_a, 100.0)
        self._assign_split(self.customer, [(self.sales_b, 60.0), (self.sales_c, 40.0)], unit=self.unit_pharma)
        self._assign(self.customer, self.sales_d, 100.0, kind="overlay", unit=self.unit_pharma)
        Assignment = self.env["spm.assignment"]
        day = date(2026, 5, 1)
        in_force = Assignment.search([("partner_id", "=", self.customer.id), ("kind", "=", "split")])
        expected = {
            self.unit_pharma: {self.sales_b.id, self.sales_c.id},
            self.unit_consumer: {self.sales_a.id},
            self.unit_pharma.browse(): {self.sales_a.id},
        }
        for unit, users in expected.items():
            with self.subTest(unit=unit.name):
                key = (self.customer.id, unit.id, day)
                resolved = {s.user_id for s in Assignment._get_shares([key])[key] if s.kind == "split"}
                self.assertEqual(resolved, users)
                self.assertEqual(set(Assignment._effective_splits(in_force, unit).user_id.ids), users)
