from odoo import api, fields, models, tools
from odoo.tools import SQL, format_date, formatLang

from ..tools import attainment_percent_sql


class SpmAchievementReport(models.Model):
    """Target against achievement per salesperson, business unit, company and month.

    The view adds up two small tables kept per month: the confirmed quotas of
    salespersons (``spm_quota_line``) and the credit aggregate
    (``spm_credit_monthly``); it never reads the credit lines themselves.
    """

    _name = "spm.achievement.report"
    _description = "SPM Achievement Analysis"
    _auto = False
    _order = "month desc, user_id, business_unit_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    business_unit_id = fields.Many2one("spm.business.unit", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    target = fields.Monetary(readonly=True)
    achieved = fields.Monetary(readonly=True)
    collected = fields.Monetary(readonly=True)
    held = fields.Monetary(
        readonly=True, help="Held: waiting for the review of the secondary billing; not in Achieved."
    )
    # Summing or averaging percentages is meaningless: grouped values are
    # recomputed from the sums of achieved and target (see _read_group_select).
    # Empty without a target (no target is not 0 % of one), in rows and groups alike.
    attainment = fields.Float("Attainment (%)", digits=(16, 1), readonly=True, aggregator="sum")
    month_label = fields.Char("Month Name", compute="_compute_labels")
    attainment_label = fields.Char("Attainment", compute="_compute_labels")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT ROW_NUMBER() OVER (
                           ORDER BY u.month, u.user_id, u.business_unit_id, u.company_id
                       ) AS id,
                       u.user_id,
                       u.business_unit_id,
                       u.company_id,
                       u.month,
                       SUM(u.target) AS target,
                       SUM(u.achieved) AS achieved,
                       SUM(u.collected) AS collected,
                       SUM(u.held) AS held,
                       %(attainment)s AS attainment
                  FROM (
                        SELECT q.user_id, q.business_unit_id, q.company_id, q.month,
                               q.amount AS target, 0.0 AS achieved, 0.0 AS collected, 0.0 AS held
                          FROM spm_quota_line q
                         WHERE q.state = 'confirmed' AND q.user_id IS NOT NULL
                        UNION ALL
                        SELECT m.user_id, m.business_unit_id, m.company_id, m.month,
                               0.0, m.amount, m.amount_collected, COALESCE(m.held_amount, 0)
                          FROM spm_credit_monthly m
                       ) u
                 GROUP BY u.user_id, u.business_unit_id, u.company_id, u.month
            )
            """,
                table=SQL.identifier(self._table),
                attainment=attainment_percent_sql(
                    SQL("SUM(u.achieved)"), SQL("SUM(u.target)"), no_target=None
                ),
            )
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Whatever the aggregate asked for (the pivot's sum, an average), the
        # attainment of a group is its achieved total over its target total.
        fname, _sep, func = aggregate_spec.partition(":")
        if fname == "attainment" and func in ("sum", "avg"):
            achieved = self._field_to_sql(self._table, "achieved", query)
            target = self._field_to_sql(self._table, "target", query)
            return attainment_percent_sql(SQL("SUM(%s)", achieved), SQL("SUM(%s)", target), no_target=None)
        return super()._read_group_select(aggregate_spec, query)

    @api.depends("month", "target", "attainment")
    def _compute_labels(self):
        # "January 2027", as the pivot and the graph name a month; "—" where there is no target.
        for row in self:
            row.month_label = row.month and format_date(self.env, row.month, date_format="MMMM y")
            row.attainment_label = (
                formatLang(self.env, row.attainment, digits=1) + " %" if row.target else "—"
            )
