from odoo.tests import TransactionCase, tagged

from ..tools import refresh_statistics
from ..tools.table_statistics import MIN_PAGES


@tagged("post_install", "-at_install")
class TestTableStatistics(TransactionCase):
    """A job that fills a table in batches keeps its statistics as autovacuum
    would: a table analysed again once it has doubled, then planned by what it
    holds; a table that has not grown is left as it is."""

    def setUp(self):
        super().setUp()
        self.env.cr.execute("CREATE TEMPORARY TABLE spm_test_filled (id int PRIMARY KEY, note text)")
        self._fill(1, 10)
        self.env.cr.execute("ANALYZE spm_test_filled")

    def _fill(self, first, last):
        self.env.cr.execute(
            "INSERT INTO spm_test_filled SELECT n, repeat('x', 40) FROM generate_series(%s, %s) n",
            [first, last],
        )

    def _statistics(self):
        self.env.cr.execute(
            "SELECT reltuples, relpages FROM pg_class WHERE oid = 'spm_test_filled'::regclass"
        )
        return self.env.cr.fetchone()

    def _plan(self):
        self.env.cr.execute("EXPLAIN SELECT note FROM spm_test_filled WHERE id = 12345")
        return " ".join(row[0] for row in self.env.cr.fetchall())

    def test_a_table_that_has_not_grown_is_left(self):
        self._fill(11, 20)
        self.assertEqual(refresh_statistics(self.env.cr, ["spm_test_filled"]), [])
        self.assertEqual(self._statistics(), (10, 1))

    def test_a_filled_table_is_analysed_once(self):
        self._fill(11, 20_000)
        self.assertEqual(refresh_statistics(self.env.cr, ["spm_test_filled"]), ["spm_test_filled"])
        tuples, pages = self._statistics()
        self.assertEqual(tuples, 20_000)
        self.assertGreater(pages, MIN_PAGES)
        self.assertIn("spm_test_filled_pkey", self._plan())
        # Analysed: nothing to do until it grows again.
        self.assertEqual(refresh_statistics(self.env.cr, ["spm_test_filled"]), [])

    def test_a_small_growth_is_left_to_autovacuum(self):
        self._fill(11, 20_000)
        refresh_statistics(self.env.cr, ["spm_test_filled"])
        self._fill(20_001, 21_000)  # 5 % more
        self.assertEqual(refresh_statistics(self.env.cr, ["spm_test_filled"]), [])
        self._fill(21_001, 45_000)  # doubled
        self.assertEqual(refresh_statistics(self.env.cr, ["spm_test_filled"]), ["spm_test_filled"])
        self.assertEqual(self._statistics()[0], 45_000)
