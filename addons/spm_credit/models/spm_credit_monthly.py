from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL


class SpmCreditMonthly(models.Model):
    """Credit per salesperson, business unit and month, kept up to date by
    every credit line created, so that the dashboard and the achievement report
    read a few rows instead of scanning millions of lines.

    Every transaction that credits adds its own rows (one per salesperson, unit
    and month it touched) instead of updating a shared total: transactions
    crediting the same salesperson at the same moment never wait for, nor
    conflict with, each other. Readers add the rows up; a daily job merges
    them into one row per key.

    Held credit (a held line and its reversal, ``is_held``) is kept apart in
    ``held_amount``: recorded, never counted as achieved.

    Amounts are summed as ``numeric``, in SQL or as decimals, never as
    floats: the aggregate of a key equals the sum of its credit lines to the
    cent, which a daily job checks (differences become credit issues) and an
    administrator's rebuild restores.
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
    held_amount = fields.Monetary(
        "Held", readonly=True, help="Held: waiting for the review of the secondary billing."
    )
    amount_collected = fields.Monetary("Collected", readonly=True)
    line_count = fields.Integer(readonly=True)

    def init(self):
        tools.create_index(
            self.env.cr,
            "spm_credit_monthly_key_idx",
            self._table,
            ["user_id", "month", "business_unit_id", "company_id"],
        )

    @api.model
    def _compact(self):
        """Merge the rows of each key into one (the daily job). Rows that
        transactions add meanwhile are not in this snapshot and stay as they are."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
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
                   (user_id, business_unit_id, company_id, month, amount, held_amount, amount_collected,
                    line_count)
            SELECT user_id, business_unit_id, company_id, month, SUM(amount), SUM(COALESCE(held_amount, 0)),
                   SUM(amount_collected), SUM(line_count)
              FROM merged GROUP BY 1, 2, 3, 4
            """
            )
        )
        self.invalidate_model()
        return True

    @api.model
    def _line_sums_sql(self):
        """The aggregate's amount, held amount, collected amount and line count
        of a group of ``spm_credit_line`` rows: the one rule of the incremental
        rows and of the rebuild (held credit is never achievement)."""
        return SQL(
            """COALESCE(SUM(amount) FILTER (WHERE NOT COALESCE(is_held, FALSE)), 0),
               COALESCE(SUM(amount) FILTER (WHERE is_held), 0),
               SUM(COALESCE(amount_collected, 0)), COUNT(*)"""
        )

    @api.model
    def _add_lines(self, line_ids):
        """Add the credit lines ``line_ids`` (created in this transaction) as
        this transaction's rows, summed in SQL from the lines as stored.

        :return: the ``(user_id, unit_id, company_id, held)`` of the rows
                 added, ``held`` telling whether their held amount changed
        """
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, held_amount, amount_collected,
                    line_count)
            SELECT user_id, business_unit_id, company_id, month, %(sums)s
              FROM spm_credit_line WHERE id = ANY(%(ids)s)
             GROUP BY 1, 2, 3, 4
            RETURNING user_id, business_unit_id, company_id, held_amount != 0
            """,
                sums=self._line_sums_sql(),
                ids=list(line_ids),
            )
        )
        keys = self.env.cr.fetchall()
        self.invalidate_model()
        return keys

    @api.model
    def _differences(self, company_ids=None):
        """The keys whose aggregate differs from the sum of their credit lines,
        in one query: ``[(user_id, unit_id, company_id, month, amount difference,
        collected difference)]``, the differences being lines minus aggregate
        (the amount's is that of achievement; a key whose held amount alone
        differs is listed too).

        Every transaction commits its credit lines and its aggregate rows
        together, so one snapshot of both tables agrees to the cent unless the
        aggregate was damaged."""
        self.flush_model()
        self.env["spm.credit.line"].flush_model(
            ["user_id", "business_unit_id", "company_id", "month", "amount", "amount_collected", "is_held"]
        )
        scope = SQL("WHERE company_id = ANY(%s)", list(company_ids)) if company_ids is not None else SQL()
        self.env.cr.execute(
            SQL(
                """
            SELECT user_id, business_unit_id, company_id, month,
                   SUM(line_amount) - SUM(amount), SUM(line_collected) - SUM(collected)
              FROM (SELECT user_id, business_unit_id, company_id, month,
                           CASE WHEN is_held THEN 0 ELSE COALESCE(amount, 0) END AS line_amount,
                           CASE WHEN is_held THEN COALESCE(amount, 0) ELSE 0 END AS line_held,
                           COALESCE(amount_collected, 0) AS line_collected,
                           0 AS amount, 0 AS held, 0 AS collected
                      FROM spm_credit_line %(scope)s
                    UNION ALL
                    SELECT user_id, business_unit_id, company_id, month, 0, 0, 0,
                           COALESCE(amount, 0), COALESCE(held_amount, 0), COALESCE(amount_collected, 0)
                      FROM spm_credit_monthly %(scope)s) u
             GROUP BY 1, 2, 3, 4
            HAVING SUM(line_amount) != SUM(amount) OR SUM(line_held) != SUM(held)
                OR SUM(line_collected) != SUM(collected)
             ORDER BY 3, 4, 1, 2
            """,
                scope=scope,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_check_lines(self):
        """Compare the aggregate with the credit lines (the daily job): each
        key that differs gets an open credit issue, the issues of keys that
        agree again are resolved."""
        self.env["spm.credit.issue"].sudo()._sync_monthly_issues(self._differences())
        return True

    @api.model
    def action_rebuild(self):
        """Rebuild the aggregate of the current companies from their credit
        lines (administrators), and resolve the credit issues it fixes."""
        if not self.env.user.has_group("spm_quota.group_spm_admin"):
            raise AccessError(_("Only Sales Performance administrators can rebuild the monthly credit."))
        company_ids = self.env.companies.ids
        self.sudo()._rebuild(company_ids)
        self.env["spm.credit.issue"].sudo()._sync_monthly_issues(self._differences(company_ids), company_ids)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("The monthly credit was rebuilt from the credit lines."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _rebuild(self, company_ids):
        """Replace the rows of ``company_ids`` by the sums of their credit lines,
        in one statement.

        As for the daily merge, the statement works on one snapshot: it deletes
        the rows it sees and adds up the lines it sees, and every transaction
        commits its lines and its rows together. The rows of a transaction that
        commits meanwhile are not in the snapshot and stay, as do its lines'
        amounts in the sums: nothing is counted twice or lost."""
        self.flush_model()
        self.env["spm.credit.line"].flush_model(
            ["user_id", "business_unit_id", "company_id", "month", "amount", "amount_collected", "is_held"]
        )
        self.env.cr.execute(
            SQL(
                """
            WITH removed AS (
                DELETE FROM spm_credit_monthly WHERE company_id = ANY(%(companies)s)
            )
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, held_amount, amount_collected,
                    line_count)
            SELECT user_id, business_unit_id, company_id, month, %(sums)s
              FROM spm_credit_line WHERE company_id = ANY(%(companies)s)
             GROUP BY 1, 2, 3, 4
            """,
                sums=self._line_sums_sql(),
                companies=list(company_ids),
            )
        )
        self.invalidate_model()
