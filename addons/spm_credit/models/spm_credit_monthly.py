from odoo import fields, models


class SpmCreditMonthly(models.Model):
    """Credit per salesperson, business unit and month, kept up to date
    incrementally by every credit line created, so that the dashboard and the
    achievement report read a few rows instead of scanning millions of lines."""

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

    _sql_constraints = [
        (
            "key_uniq",
            "unique(user_id, business_unit_id, company_id, month)",
            "One aggregate per salesperson, unit and month.",
        ),
    ]

    def _add(self, totals):
        """Add ``totals`` {(user_id, unit_id, company_id, month): [amount, collected, count]}
        in one statement; concurrent transactions add up safely on the row lock."""
        keys = list(totals)
        self.flush_model()
        self.env.cr.execute(
            """
            INSERT INTO spm_credit_monthly AS m
                   (user_id, business_unit_id, company_id, month, amount, amount_collected, line_count)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[],
                                 %s::numeric[], %s::numeric[], %s::int[])
            ON CONFLICT (user_id, business_unit_id, company_id, month) DO UPDATE
               SET amount = m.amount + EXCLUDED.amount,
                   amount_collected = m.amount_collected + EXCLUDED.amount_collected,
                   line_count = m.line_count + EXCLUDED.line_count
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
