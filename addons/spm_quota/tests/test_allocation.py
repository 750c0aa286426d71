from odoo.tests import BaseCase, tagged

from ..tools import allocate_amount


@tagged("post_install", "-at_install")
class TestAllocation(BaseCase):
    def test_parts_sum_exactly(self):
        parts = allocate_amount(100.0, [1, 1, 1])
        self.assertEqual(parts, [33.34, 33.33, 33.33])
        self.assertAlmostEqual(sum(parts), 100.0, places=6)

    def test_largest_remainder_gets_the_cent(self):
        # 10.01 over 50/30/20: exact 5.005 / 3.003 / 2.002; the cent goes to the largest remainder.
        self.assertEqual(allocate_amount(10.01, [50, 30, 20]), [5.01, 3.0, 2.0])

    def test_negative_amount(self):
        self.assertEqual(allocate_amount(-100.0, [50, 30, 20]), [-50.0, -30.0, -20.0])
        self.assertEqual(allocate_amount(-0.01, [1, 1]), [-0.01, 0.0])

    def test_zero_weights_refused(self):
        with self.assertRaises(ValueError):
            allocate_amount(10.0, [0, 0])
        with self.assertRaises(ValueError):
            allocate_amount(10.0, [])

    def test_many_parts(self):
        weights = [7, 3, 11, 13, 2, 5, 17, 19, 23, 1, 29, 31]
        parts = allocate_amount(123456.78, weights)
        self.assertEqual(round(sum(parts), 2), 123456.78)
        self.assertTrue(all(round(p, 2) == p for p in parts))
