from odoo import fields, models, tools
from odoo.tools import SQL


class SpmAchievementFigure(models.Model):
    """Target, achieved and held as series of one measure, per salesperson,
    business unit, company and month: what the graph of target against
    achieved needs (Odoo's graph draws one measure, split by a field).

    Read from the same two monthly tables as the achievement analysis, with
    the same record rules."""

    _name = "spm.achievement.figure"
    _description = "SPM Target against Achieved"
    _auto = False
    _order = "month, figure"

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    business_unit_id = fields.Many2one("spm.business.unit", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    figure = fields.Selection(
        [("target", "Target"), ("achieved", "Achieved"), ("held", "Held")], readonly=True
    )
    amount = fields.Monetary(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT ROW_NUMBER() OVER (
                           ORDER BY u.month, u.figure, u.user_id, u.business_unit_id, u.company_id
                       ) AS id,
                       u.user_id, u.business_unit_id, u.company_id, u.month, u.figure,
                       SUM(u.amount) AS amount
                  FROM (
                        SELECT q.user_id, q.business_unit_id, q.company_id, q.month,
                               'target' AS figure, q.amount
                          FROM spm_quota_line q
                         WHERE q.state = 'confirmed' AND q.user_id IS NOT NULL
                        UNION ALL
                        SELECT m.user_id, m.business_unit_id, m.company_id, m.month,
                               'achieved', m.amount
                          FROM spm_credit_monthly m
                        UNION ALL
                        -- Held credit (waiting for a review) is a series of its own, never achieved.
                        SELECT m.user_id, m.business_unit_id, m.company_id, m.month,
                               'held', m.held_amount
                          FROM spm_credit_monthly m
                         WHERE COALESCE(m.held_amount, 0) != 0
                       ) u
                 GROUP BY u.user_id, u.business_unit_id, u.company_id, u.month, u.figure
            )
            """,
                table=SQL.identifier(self._table),
            )
        )
