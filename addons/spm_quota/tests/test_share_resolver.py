from datetime import date

from odoo.tests import tagged

from .common import SpmQuotaCase


@tagged("post_install", "-at_install")
class TestShareResolver(SpmQuotaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Customer: 50/30/20 for every unit until June, then B alone; an overlay in Pharma.
        cls.customer.write(
            {
                "spm_assignment_ids": [
                    (
                        0,
                        0,
                        {
                            "user_id": cls.sales_a.id,
                            "share": 50.0,
                            "date_from": "2026-01-01",
                            "date_to": "2026-06-30",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "user_id": cls.sales_b.id,
                            "share": 30.0,
                            "date_from": "2026-01-01",
                            "date_to": "2026-06-30",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "user_id": cls.sales_c.id,
                            "share": 20.0,
                            "date_from": "2026-01-01",
                            "date_to": "2026-06-30",
                        },
                    ),
                    (0, 0, {"user_id": cls.sales_b.id, "share": 100.0, "date_from": "2026-07-01"}),
                    (
                        0,
                        0,
                        {
                            "user_id": cls.sales_d.id,
                            "kind": "overlay",
                            "share": 0.0,
                            "business_unit_id": cls.unit_pharma.id,
                            "date_from": "2026-01-01",
                        },
                    ),
                ]
            }
        )
        # Distributor: 60/40 in Consumer only.
        cls._assign_split(cls.distributor, [(cls.sales_a, 60.0), (cls.sales_c, 40.0)], unit=cls.unit_consumer)

    def _shares(self, key):
        return sorted(
            (s.user_id, s.share, s.kind) for s in self.env["spm.assignment"]._get_shares([key])[key]
        )

    def test_split_and_overlay(self):
        key = (self.customer.id, self.unit_pharma.id, date(2026, 3, 15))
        self.assertEqual(
            self._shares(key),
            sorted(
                [
                    (self.sales_a.id, 50.0, "split"),
                    (self.sales_b.id, 30.0, "split"),
                    (self.sales_c.id, 20.0, "split"),
                    (self.sales_d.id, 100.0, "overlay"),
                ]
            ),
        )

    def test_other_unit_has_no_overlay(self):
        key = (self.customer.id, self.unit_consumer.id, date(2026, 3, 15))
        self.assertEqual(
            [s[0] for s in self._shares(key)], sorted([self.sales_a.id, self.sales_b.id, self.sales_c.id])
        )

    def test_date_effective(self):
        self.assertEqual(
            self._shares((self.customer.id, self.unit_consumer.id, date(2026, 6, 30)))[0][0], self.sales_a.id
        )
        self.assertEqual(
            self._shares((self.customer.id, self.unit_consumer.id, date(2026, 7, 1))),
            [(self.sales_b.id, 100.0, "split")],
        )
        self.assertEqual(self._shares((self.customer.id, self.unit_consumer.id, date(2025, 12, 31))), [])

    def test_unit_without_assignment(self):
        self.assertEqual(self._shares((self.distributor.id, self.unit_pharma.id, date(2026, 3, 1))), [])
        self.assertEqual(self._shares((self.distributor.id, False, date(2026, 3, 1))), [])

    def test_batch_in_one_query(self):
        Assignment = self.env["spm.assignment"]
        one = [(self.customer.id, self.unit_pharma.id, date(2026, 3, 1))]
        many = [
            (partner.id, unit.id, date(2026, month, day))
            for partner in (self.customer, self.distributor, self.customer_2)
            for unit in (self.unit_pharma, self.unit_consumer)
            for month in range(1, 13)
            for day in (1, 15, 28)
        ]
        Assignment._get_shares(one)  # warm up the ORM caches
        with self.assertQueryCount(1):
            Assignment._get_shares(one)
        with self.assertQueryCount(1):
            result = Assignment._get_shares(many)
        self.assertEqual(len(result), len(many))
        key = (self.distributor.id, self.unit_consumer.id, date(2026, 8, 15))
        self.assertEqual(
            sorted((s.user_id, s.share) for s in result[key]),
            sorted([(self.sales_a.id, 60.0), (self.sales_c.id, 40.0)]),
        )
