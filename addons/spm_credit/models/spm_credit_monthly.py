from odoo import api, fields, models


class SpmCreditMonthly(models.Model):
    """Credit per salesperson, business unit and month, kept up to date by
    every credit line created, so that the dashboard and the achievement report
    read a few rows instead of scanning millions of lines.

    Every transaction that credits adds its own rows (one per salesperson, unit
    and month it touched) instead of updating a shared total: transactions
    crediting the same salesperson at the same moment never wait for, nor
    conflict with, each other. Readers add the rows up; a daily job merges
    them into one row per key.
    """

    _name = "spm.credit.monthly"
    _description = "SPM Monthly Credit"
    _log_access = False
    _order = "month desc"

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True)
    business_unit_id = fields.Many2one("spm.business.unit", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary("Achieved", readonly=True)
    amount_collected = fields.Monetary("Collected", readonly=True)
    line_count = fields.Integer(readonly=True)

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS spm_credit_monthly_key_idx "
            "ON spm_credit_monthly (user_id, month, business_unit_id, company_id)"
        )

    @api.model
    def _add(self, totals):
        """Add ``totals`` {(user_id, unit_id, company_id, month): [amount, collected, count]}
        as this transaction's rows, in one statement."""
        keys = list(totals)
        self.flush_model()
        self.env.cr.execute(
            """
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, amount_collected, line_count)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[],
                                 %s::numeric[], %s::numeric[], %s::int[])
            """,
            [
                [k[0] for k in keys],
                [k[1] for k in keys],
                [k[2] for k in keys],
                [k[3] for k in keys],
                [totals[k][0] for k in keys],
                [totals[k][1] for k in keys],
                [totals[k][2] for k in keys],
            ],
        )
        self.invalidate_model()

    @api.model
    def _compact(self):
        """Merge the rows of each key into one (the daily job). Rows that
        transactions add meanwhile are not in this snapshot and stay as they are."""
        self.flush_model()
        self.env.cr.execute(
            """
            WITH merged AS (
                DELETE FROM spm_credit_monthly m
                 USING (SELECT user_id, business_unit_id, company_id, month FROM spm_credit_monthly
                         GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1) k
                 WHERE (m.user_id, m.business_unit_id, m.company_id, m.month)
                     = (k.user_id, k.business_unit_id, k.company_id, k.month)
             RETURNING m.*
            )
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, amount_collected, line_count)
            SELECT user_id, business_unit_id, company_id, month, SUM(amount), SUM(amount_collected),
                   SUM(line_count)
              FROM merged GROUP BY 1, 2, 3, 4
            """
        )
        self.invalidate_model()
        return True
