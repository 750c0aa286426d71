from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..tools import compute_payout, weighted_measure

TIERS = [(0, 2), (80, 4), (120, 6)]  # 2 % to 80 % attainment, 4 % to 120 %, 6 % above
TARGET = "33333.33"


@tagged("post_install", "-at_install")
class TestPayout(BaseCase):
    """The payout arithmetic to the cent, on figures that do not divide evenly
    (expected values worked out by hand with fractions)."""

    def test_marginal(self):
        # 26,666.664 at 2 % + 13,333.332 at 4 % + 1,234.574 at 6 % = 1,140.741
        payout = compute_payout("41234.57", TARGET, TIERS, mode="marginal")
        self.assertEqual(payout.amount, Decimal("1140.74"))
        self.assertEqual(payout.tier_index, 2)
        self.assertEqual(payout.tier_rate, 6)
        self.assertIsNone(payout.next_tier_gap)
        self.assertFalse(payout.capped)

    def test_retroactive(self):
        # the reached tier's 6 % on all of 41,234.57 = 2,474.0742
        payout = compute_payout("41234.57", TARGET, list(reversed(TIERS)), mode="retroactive")
        self.assertEqual(payout.amount, Decimal("2474.07"))

    def test_rounding_half_up_once_at_the_end(self):
        # 2 % of 1,234.25 = 24.685: half up, not to even, and not a float's 24.68
        payout = compute_payout(1234.25, 1000, [(0, 2)], mode="retroactive")
        self.assertEqual(payout.amount, Decimal("24.69"))
        # three tiers of 0.002 each, rounded once: 0.01 (rounding each tier would give 0.00)
        payout = compute_payout(30, 100, [(0, 0.02), (10, 0.02), (20, 0.02)])
        self.assertEqual(payout.amount, Decimal("0.01"))
        # a currency without cents
        self.assertEqual(compute_payout(1234.25, 1000, [(0, 2)], rounding=1).amount, Decimal("25"))

    def test_threshold(self):
        below = compute_payout("16666.66", TARGET, TIERS, threshold=50)
        self.assertEqual(below.amount, Decimal("0.00"))
        self.assertLess(below.attainment, 50)
        # 50.00001 %: 2 % of 16,666.67 = 333.3334
        at = compute_payout("16666.67", TARGET, TIERS, threshold=50)
        self.assertEqual(at.amount, Decimal("333.33"))

    def test_nothing_below_the_first_tier(self):
        payout = compute_payout(7999.99, 10000, [(80, 5), (100, 10)])
        self.assertEqual(payout.amount, Decimal("0.00"))
        self.assertIsNone(payout.tier_index)
        self.assertEqual(payout.next_tier_gap, Decimal("0.01"))
        self.assertEqual(payout.next_tier_rate, 5)

    def test_cap_on_attainment(self):
        # counted up to 150 %: 533.33328 + 533.33328 + 9,999.999 at 6 % = 1,666.6665
        payout = compute_payout(60000, TARGET, TIERS, cap_attainment=150)
        self.assertEqual(payout.amount, Decimal("1666.67"))
        self.assertTrue(payout.capped)
        self.assertEqual(payout.attainment.quantize(Decimal("0.01")), Decimal("180.00"))

    def test_cap_on_pay(self):
        payout = compute_payout("41234.57", TARGET, TIERS, cap_amount=1000)
        self.assertEqual(payout.amount, Decimal("1000.00"))
        self.assertTrue(payout.capped)
        under = compute_payout("41234.57", TARGET, TIERS, cap_amount="1140.75")
        self.assertEqual(under.amount, Decimal("1140.74"))
        self.assertFalse(under.capped)

    def test_target_incentive_basis(self):
        # 109.739366...% of a 5,000 target incentive: 50 % up to 100 %, 150 % above
        marginal = compute_payout(
            "98765.43", 90000, [(0, 50), (100, 150)], basis="target_incentive", target_incentive=5000
        )
        self.assertEqual(marginal.amount, Decimal("3230.45"))  # 2,500 + 730.4525
        retroactive = compute_payout(
            "98765.43",
            90000,
            [(0, 50), (100, 150)],
            basis="target_incentive",
            target_incentive=5000,
            mode="retroactive",
        )
        self.assertEqual(retroactive.amount, Decimal("8230.45"))  # 5,000 x 1.5 x 1.0973936...

    def test_weights_by_category(self):
        # full weight, half weight, not counted: 1,000.10 + 166.665 = 1,166.765
        measure = weighted_measure([("1000.10", 100), ("333.33", 50), ("99.99", 0)])
        self.assertEqual(measure, Decimal("1166.765"))
        # 3 % of it, rounded once: 35.00295
        self.assertEqual(compute_payout(measure, 1000, [(0, 3)]).amount, Decimal("35.00"))

    def test_quarter_of_three_monthly_quotas(self):
        # targets 10,000 + 12,345.67 + 7,654.33 and credit 8,000.10 + 15,000 + 9,999.99:
        # attainment on the quarter (110.0003 %), not month by month; 600 + 5 % of 3,000.09
        target = sum(map(Decimal, ("10000", "12345.67", "7654.33")))
        measure = sum(map(Decimal, ("8000.10", "15000", "9999.99")))
        payout = compute_payout(measure, target, [(0, 2), (100, 5)])
        self.assertEqual(payout.amount, Decimal("750.00"))
        # month by month it would have been 160.002 + 408.6487 + 199.9998 = 768.65
        monthly = sum(
            compute_payout(m, t, [(0, 2), (100, 5)]).amount
            for m, t in (("8000.10", "10000"), ("15000", "12345.67"), ("9999.99", "7654.33"))
        )
        self.assertNotEqual(monthly, payout.amount)

    def test_next_tier(self):
        # 90 % attained: 120 % of 33,333.33 is 39,999.996, 9,999.996 more
        payout = compute_payout(30000, TARGET, TIERS)
        self.assertEqual(payout.tier_index, 1)
        self.assertEqual(payout.next_tier_gap, Decimal("10000.00"))
        self.assertEqual(payout.next_tier_rate, 6)

    def test_no_target_no_negative_pay(self):
        self.assertEqual(compute_payout(5000, 0, TIERS).amount, Decimal("0.00"))
        self.assertIsNone(compute_payout(5000, 0, TIERS).attainment)
        self.assertEqual(compute_payout(-5000, 1000, TIERS).amount, Decimal("0.00"))
        with self.assertRaises(ValueError):
            compute_payout(1, 1, TIERS, mode="linear")
