from odoo.tests import tagged
from odoo.tools import SQL

from .test_clawback import SpmClawbackCase


@tagged("post_install", "-at_install")
class TestClawbackSnapshot(SpmClawbackCase):
    """The clawback takes the credit the approved statement's figures did not
    see: what its snapshot did not show, whatever the line's id."""

    def _xact_of(self, line):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT spm_xact::text FROM spm_credit_line WHERE id = %s", line.id))
        return self.env.cr.fetchone()[0]

    def test_lines_get_their_transaction(self):
        line = self._adjust(self.sales_a, self.unit_pharma, "2026-12-02", 10.0)
        xact = self._xact_of(line)
        self.env.cr.execute("SELECT pg_current_xact_id()::text")
        self.assertEqual(xact, self.env.cr.fetchone()[0])

    def test_line_committed_after_the_snapshot_under_a_lower_id(self):
        q4 = self._generate("2026-12-01")
        self.assertTrue(q4.credit_snapshot and q4.credit_xact)
        q4.with_user(self.manager_pharma).action_approve_manager()
        # A negative adjustment another transaction was writing while q4 was
        # computed: its id is below the watermark (a later line committed
        # first) and its transaction was in progress in q4's snapshot.
        lost = self._adjust(self.sales_a, self.unit_pharma, "2026-12-05", -100.0, reason="Late return")
        other = int(q4.credit_xact) - 1
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE spm_credit_line SET spm_xact = %s::xid8 WHERE id = %s", str(other), lost.id)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE spm_incentive_statement SET credit_watermark = %s, credit_snapshot = %s "
                "WHERE id = %s",
                lost.id + 1,
                f"{other}:{int(q4.credit_xact) + 1}:{other}",
                q4.id,
            )
        )
        q4.invalidate_recordset()
        q1 = self._generate("2027-01-15")
        clawback = q1.line_ids.filtered(lambda line: line.kind == "clawback")
        self.assertEqual(clawback.credit_line_id, lost)
        # q4's effective rate (16 / 499.99) on the 100 lost, to the cent
        self.assertEqual(clawback.amount, -3.2)

    def test_line_seen_by_the_snapshot_is_not_clawed_back(self):
        lost = self._adjust(self.sales_a, self.unit_pharma, "2026-12-05", -100.0, reason="Early return")
        q4 = self._generate("2026-12-01")
        q4.with_user(self.manager_pharma).action_approve_manager()
        q1 = self._generate("2027-01-15")
        self.assertFalse(q1.line_ids.filtered(lambda line: line.credit_line_id == lost))
