from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SpmPortalCase


def confirmed(billing):
    """The billing's credit counted as achieved: confirmed, net of reversals, not held."""
    lines = billing.sudo().credit_line_ids.filtered(
        lambda c: c.state in ("confirmed", "reversed") and not c.is_held
    )
    return sum(lines.mapped("amount"))


@tagged("post_install", "-at_install")
class TestBillingHolds(SpmPortalCase):
    """A later report of a sale already reported is held, not validated: the
    same distributor's near duplicate, another distributor's bill of the same
    sale; its reviewer releases or rejects it."""

    def _cross_distributor_pair(self, **retailer):
        """A's bill and B's bill of the same sale to the same shop, B's with
        ``retailer`` values on its retailer before it is submitted."""
        first = self._billing(number="A-1")
        first.retailer_id.write({"city": "Lyon", **retailer})
        draft = self._billing(
            distributor=self.distributor_b, number="B-1", retailer="Corner shop ", submit=False
        )
        draft.retailer_id.write({"city": "lyon", **retailer})
        draft.action_submit()
        return first, draft

    def test_near_duplicate_is_held_and_linked_both_ways(self):
        first = self._billing(number="B-1")
        second = self._billing(number="B-2", bill_date=self.yesterday - timedelta(days=2))
        self.assertEqual((first.state, second.state), ("validated", "held"))
        hold = second.hold_ids
        self.assertEqual((hold.kind, hold.state, hold.related_billing_id), ("duplicate", "active", first))
        self.assertEqual(first.related_hold_ids, hold)
        self.assertEqual(second.hold_count, 1)
        self.assertIn("Possible duplicate of bill B-1 of", hold.reason)
        self.assertIn("Corner Shop", hold.reason)
        self.assertEqual(confirmed(second), 0.0, "a held billing's credit is not achievement")
        self.assertEqual(confirmed(first), 1000.0)
        self.assertTrue(any("Held: Possible duplicate of bill B-1" in m.body for m in second.message_ids))
        activity = second.activity_ids
        self.assertEqual(activity.user_id, self.manager_pharma)
        self.assertIn("is held", activity.note)

    def test_what_is_not_a_near_duplicate(self):
        self._billing(number="B-1")
        others = [
            self._billing(number="B-2", lines=[("T-INS", 11, 100.0)]),  # another quantity
            self._billing(number="B-3", lines=[("T-INS", 10, 101.0)]),  # another total
            self._billing(number="B-4", retailer="Other Shop"),
            self._billing(number="B-5", bill_date=self.yesterday - timedelta(days=4)),  # beyond 3 days
            self._billing(number="B-6", billing_type="return"),
            self._billing(distributor=self.distributor_b, number="B-7"),  # another distributor, no place
        ]
        self.assertEqual({b.state for b in others}, {"validated"})
        # A rejected or a draft bill is no report of the sale.
        self.Billing.browse([b.id for b in others[:1]]).with_user(self.manager_pharma).action_reject("No")
        draft = self._billing(number="B-8", lines=[("T-INS", 11, 100.0)], submit=False)
        self.assertEqual(self._billing(number="B-9", lines=[("T-INS", 11, 100.0)]).state, "validated")
        self.assertEqual(draft.state, "draft")

    def test_window_is_the_company_s(self):
        self._billing(number="B-1")
        self.company.spm_duplicate_days = 7
        self.assertEqual(
            self._billing(number="B-2", bill_date=self.yesterday - timedelta(days=6)).state, "held"
        )
        self.company.spm_duplicate_days = 0
        self.assertEqual(
            self._billing(number="B-3", bill_date=self.yesterday - timedelta(days=1)).state, "validated"
        )
        with self.assertRaises(UserError):
            self.company.spm_duplicate_days = 32

    def test_duplicates_within_one_batch_hold_the_later(self):
        data = {
            "bill_date": self.yesterday,
            "retailer": "Corner Shop",
            "lines": [{"product": "T-INS", "quantity": 4, "price_unit": 50.0}],
        }
        prepared, errors = self.Billing._check_billings(
            [{**data, "bill_number": f"U-{n}"} for n in range(3)], self.distributor_a
        )
        self.assertFalse(errors)
        created, _existing = self.Billing._create_checked(prepared, "upload", submit=True)
        self.assertEqual(created.mapped("state"), ["validated", "held", "held"])
        self.assertEqual(created[1:].hold_ids.related_billing_id, created[0])

    def test_cross_distributor_same_name_and_city(self):
        first, second = self._cross_distributor_pair()
        self.assertEqual((first.state, second.state), ("validated", "held"))
        hold = second.hold_ids
        self.assertEqual((hold.kind, hold.related_billing_id), ("cross_distributor", first))
        self.assertEqual(first.related_hold_ids, hold)
        self.assertIn("another distributor reported the same products and quantities", hold.reason)
        self.assertNotIn("A-1", hold.reason, "another distributor's bill is not named to the distributor")
        self.assertNotIn(self.distributor_a.name, hold.reason)

    def test_cross_distributor_same_tax_id(self):
        first = self._billing(number="A-1")
        first.retailer_id.write({"vat": "FR 123", "city": "Lyon"})
        draft = self._billing(
            distributor=self.distributor_b, number="B-1", retailer="Corner SARL", submit=False
        )
        draft.retailer_id.write({"vat": "fr123", "city": "Paris"})
        draft.action_submit()
        self.assertEqual(draft.state, "held")
        self.assertEqual(draft.hold_ids.kind, "cross_distributor")
        # Another tax id is another shop, whatever its name.
        other = self._billing(
            distributor=self.distributor_b, number="B-2", submit=False, retailer="Corner Shop"
        )
        other.retailer_id.write({"vat": "FR999", "city": "Lyon"})
        other.action_submit()
        self.assertEqual(other.state, "validated")

    def test_cross_distributor_shop_told_by_the_retailer_master(self):
        """The same shop is told by the retailer master's keys, as retailers are matched:
        a GSTIN written with dashes is the same GSTIN; with tax ids on both sides, the
        name and city do not make another shop the same."""
        first = self._billing(number="A-1")
        first.retailer_id.write({"vat": "27AAAPL1234C1Z5", "city": "Pune"})
        draft = self._billing(distributor=self.distributor_b, number="B-1", retailer="Shop 27", submit=False)
        draft.retailer_id.write({"vat": "27-AAAPL-1234-C1Z5", "city": "Mumbai"})
        draft.action_submit()
        self.assertEqual((draft.state, draft.hold_ids.kind), ("held", "cross_distributor"))
        namesake = self._billing(
            distributor=self.distributor_b, number="B-2", retailer="Corner Shop", submit=False
        )
        namesake.retailer_id.write({"vat": "29BBBPL1234C1Z5", "city": "Pune"})
        namesake.action_submit()
        self.assertEqual(namesake.state, "validated")

    def test_cross_distributor_needs_the_same_date_and_lines(self):
        self._billing(number="A-1").retailer_id.city = "Lyon"
        for number, values in (
            ("B-1", {"bill_date": self.yesterday - timedelta(days=1)}),
            ("B-2", {"lines": [("T-INS", 9, 100.0)]}),
        ):
            draft = self._billing(distributor=self.distributor_b, number=number, submit=False, **values)
            draft.retailer_id.city = "Lyon"
            draft.action_submit()
            self.assertEqual(draft.state, "validated", number)

    def test_demo_has_a_held_duplicate(self):
        again = self.env.ref("spm_portal.billing_1_0_0_again", raise_if_not_found=False)
        if not again:
            self.skipTest("installed without demo data")
        self.assertEqual(again.state, "held")
        self.assertEqual(again.hold_ids.related_billing_id, self.env.ref("spm_portal.billing_1_0_0"))

    # ------------------------------------------------------------ release and reject

    def test_release_validates_and_credits(self):
        first = self._billing(number="B-1")
        second = self._billing(number="B-2")
        second.with_user(self.manager_pharma).action_release_hold()
        self.assertEqual(second.state, "validated")
        self.assertEqual(second.hold_ids.state, "released")
        self.assertEqual(second.hold_ids.released_by_id, self.manager_pharma)
        self.assertTrue(second.hold_ids.released_date)
        self.assertEqual(confirmed(second), confirmed(first))
        self.assertFalse(second.activity_ids, "the review is done")
        self.assertTrue(any("Hold released" in m.body for m in second.message_ids))
        self.assertEqual(first.related_hold_ids.state, "released")
        with self.assertRaises(UserError):
            second.with_user(self.manager_pharma).action_release_hold()
        # Released, the pair is not held again when the first one is validated again.
        first.with_user(self.manager_pharma).action_reject("Checked")
        first.with_user(self.manager_pharma).action_draft()
        first.with_user(self.manager_pharma).action_submit()
        self.assertEqual(first.state, "submitted", "a rejected billing is reviewed")
        first.with_user(self.manager_pharma).action_validate()
        self.assertEqual(first.state, "validated")

    def test_release_of_some_kinds_keeps_the_others(self):
        first, _second = self._cross_distributor_pair()
        # A's own duplicate of A-1, and of B's bill of the same sale.
        third = self._billing(number="A-2")
        self.assertEqual(sorted(third.hold_ids.mapped("kind")), ["cross_distributor", "duplicate"])
        self.assertFalse(third.sudo()._release_holds(kinds=["stock"]))
        self.assertFalse(third.sudo()._release_holds(kinds=["duplicate"]))
        self.assertEqual((third.state, third.hold_count), ("held", 1))
        self.assertEqual(third.sudo()._release_holds(kinds=["cross_distributor"]), third)
        self.assertEqual(third.state, "validated")
        self.assertEqual(confirmed(third), confirmed(first))

    def test_reject_held_removes_its_credit(self):
        self._billing(number="B-1")
        second = self._billing(number="B-2")
        second.with_user(self.manager_pharma).action_reject("Entered twice")
        self.assertEqual(second.state, "rejected")
        self.assertEqual(second.hold_ids.state, "released", "the hold ends with the billing")
        self.assertEqual(sum(second.sudo().credit_line_ids.mapped("amount")), 0.0)

    def test_cancel_held_is_the_reviewer_s(self):
        self._billing(number="B-1")
        second = self._billing(number="B-2")
        with self.assertRaises(AccessError):
            second.with_user(self.portal_a).action_cancel()
        second.with_user(self.manager_pharma).action_cancel()
        self.assertEqual(second.state, "cancel")
        self.assertEqual(sum(second.sudo().credit_line_ids.mapped("amount")), 0.0)

    # ------------------------------------------------------------ who may

    def test_only_the_reviewer_releases(self):
        self._billing(number="B-1")
        second = self._billing(number="B-2")
        for user in (self.portal_a, self.sales_a, self.manager_consumer):
            with self.assertRaises(AccessError, msg=user.login):
                second.with_user(user).action_release_hold()
        self.assertEqual(second.state, "held")
        # Read by who reads the billing, as the billing.
        self.assertEqual(second.with_user(self.portal_a).hold_ids.kind, "duplicate")
        self.assertEqual(second.with_user(self.sales_a).hold_ids.kind, "duplicate")
        with self.assertRaises(AccessError):
            self.env["spm.secondary.billing.hold"].with_user(self.portal_b).browse(second.hold_ids.id).reason  # noqa: B018

    def test_holds_and_state_written_by_the_workflow_only(self):
        first = self._billing(number="B-1")
        second = self._billing(number="B-2")
        Hold = self.env["spm.secondary.billing.hold"]
        forged = {"spm_billing_workflow": True, "default_state": "released"}
        for user in (self.manager_pharma, self.portal_a):
            with self.assertRaises(AccessError):
                Hold.with_user(user).with_context(**forged).create(
                    {"billing_id": first.id, "kind": "duplicate", "reason": "x"}
                )
            with self.assertRaises(AccessError):
                second.hold_ids.with_user(user).with_context(**forged).write({"state": "released"})
            with self.assertRaises(AccessError):
                second.hold_ids.with_user(user).with_context(**forged).unlink()
            with self.assertRaises(AccessError):
                second.with_user(user).with_context(**forged).write({"state": "validated"})
        self.assertEqual((second.state, second.hold_ids.state), ("held", "active"))
        # Nor may a forged default skip the check on submission.
        draft = self._billing(number="B-3", submit=False)
        draft.with_user(self.manager_pharma).with_context(default_state="validated").action_submit()
        self.assertEqual(draft.state, "held")

    def test_goods_key(self):
        """Bills of the same products and quantities share their goods key, whatever the
        order of their lines and their prices; another quantity is other goods."""
        first = self._billing(number="K-1", lines=[("T-INS", 2, 10.0), ("T-SUN", 1, 5.0)], submit=False)
        same = self._billing(number="K-2", lines=[("T-SUN", 1, 7.0), ("T-INS", 2, 12.0)], submit=False)
        other = self._billing(number="K-3", lines=[("T-INS", 3, 10.0), ("T-SUN", 1, 5.0)], submit=False)
        self.assertTrue(first.line_key)
        self.assertEqual(first.line_key, same.line_key)
        self.assertNotEqual(first.line_key, other.line_key)
        other.line_ids.filtered(lambda line: line.quantity == 3).quantity = 2
        self.assertEqual(other.line_key, first.line_key, "kept up to date with the lines")
        other.line_ids.unlink()
        self.assertFalse(other.line_key, "a bill without lines duplicates nothing")

    def test_same_goods_found_through_the_index(self):
        """The duplicate check finds the bills of the same goods by the index of the goods
        key, not by reading the lines of every bill of the days."""
        first = self._billing(number="X-1", submit=False)
        self.env.flush_all()
        holds, plans = self._query_plans(
            lambda code: "line_key" in code and code.lstrip().startswith("SELECT m.id"),
            first._spm_duplicate_holds,
        )
        self.assertEqual(holds, {})
        self.assertEqual(len(plans), 1)
        self.assertIn("spm_secondary_billing__line_key_index", plans[0])
        self.assertNotIn("spm_secondary_billing_line", plans[0], "no line is read")

    # ------------------------------------------------------------ cost

    def test_duplicate_check_costs_the_same_queries_for_n_and_2n(self):
        def batch(prefix, count):
            data = [
                {
                    "bill_number": f"{prefix}-{n}",
                    "bill_date": self.yesterday - timedelta(days=n % 5),
                    "retailer": f"Shop {n % 4}",
                    "lines": [
                        {"product": "T-INS", "quantity": 1 + n % 3, "price_unit": 10.0},
                        {"product": "T-SUN", "quantity": 2, "price_unit": 5.0},
                    ],
                }
                for n in range(count)
            ]
            prepared, errors = self.Billing._check_billings(data, self.distributor_a)
            self.assertFalse(errors)
            return self.Billing._create_checked(prepared, "upload")[0]

        def queries(billings):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            holds = billings._spm_duplicate_holds()
            return self.cr.sql_log_count - before, holds

        queries(batch("W", 14))  # the caches a first call fills (the language's date format)
        small, small_holds = queries(batch("S", 20))
        large, large_holds = queries(batch("L", 40))
        self.assertTrue(small_holds and large_holds, "duplicates found, their billings read")
        self.assertEqual(small, large)
