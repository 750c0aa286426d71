from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import REPORT_CADENCES

# The months the report lists: this one and the 23 before it.
REPORT_MONTHS = 24
# The billings a distributor has sent: everything submitted that was not turned down.
RECEIVED_STATES = ("submitted", "held", "validated")


class SpmDistributorCompleteness(models.Model):
    """Per distributor, company and month while the distributor is assigned:
    the billings received, the last bill date, whether a stock statement for
    the month end exists, and whether the billings meet the distributor's
    expected cadence (monthly: a billing in the month; weekly: one in each of
    its four weeks, days 1-7, 8-14, 15-21 and 22 to the end; daily: one on
    each weekday). The close of a credit period reads the same rule
    (:meth:`_spm_incomplete`)."""

    _name = "spm.distributor.completeness"
    _description = "Distributor Reporting Completeness"
    _auto = False
    _order = "month desc, distributor_id"
    _rec_name = "distributor_id"
    _depends = {
        "res.partner": ["is_distributor", "spm_report_cadence"],
        "spm.assignment": ["partner_id", "company_id", "date_from", "date_to", "active"],
        "spm.secondary.billing": ["distributor_id", "company_id", "bill_date", "state"],
    }

    distributor_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    cadence = fields.Selection(REPORT_CADENCES, string="Expected Cadence", readonly=True)
    billing_count = fields.Integer("Billings Received", readonly=True)
    last_bill_date = fields.Date(readonly=True)
    has_stock_statement = fields.Boolean(
        "Month-end Stock Statement", readonly=True, help="A stock statement dated on the month's last day."
    )
    complete = fields.Boolean(readonly=True, help="The billings received meet the expected cadence.")

    @property
    def _table_query(self):
        months = SQL(
            "SELECT generate_series(date_trunc('month', CURRENT_DATE) - %s * interval '1 month', "
            "date_trunc('month', CURRENT_DATE), interval '1 month')::date AS month",
            REPORT_MONTHS - 1,
        )
        return self._spm_completeness_sql(months, SQL("TRUE"))

    @api.model
    def _spm_completeness_sql(self, months, where):
        """The report's rows for the months of the query ``months`` (a column
        ``month``, first days), filtered by ``where`` on the rows (alias d)."""
        if "spm.distributor.stock.statement" in self.env:
            statement = SQL(
                """EXISTS (SELECT 1 FROM spm_distributor_stock_statement s
                            WHERE s.distributor_id = d.distributor_id AND s.company_id = d.company_id
                              AND s.state = 'confirmed'
                              AND s.date = (d.month + interval '1 month - 1 day')::date)"""
            )
        else:
            statement = SQL("FALSE")
        return SQL(
            """
            WITH months AS (%(months)s),
            assigned AS (%(assigned)s),
            received AS (
                SELECT b.distributor_id, b.company_id, date_trunc('month', b.bill_date)::date AS month,
                       count(*) AS billing_count, max(b.bill_date) AS last_bill_date,
                       count(DISTINCT b.bill_date) AS bill_days,
                       count(DISTINCT LEAST((extract(day FROM b.bill_date)::int - 1) / 7, 3)) AS bill_weeks
                  FROM spm_secondary_billing b
                 WHERE b.state IN %(states)s
                   AND b.bill_date >= (SELECT min(month) FROM months)
                   AND b.bill_date < (SELECT max(month) FROM months) + interval '1 month'
                 GROUP BY b.distributor_id, b.company_id, date_trunc('month', b.bill_date)
            ),
            figures AS (
                SELECT d.distributor_id, d.company_id, d.month,
                       COALESCE(p.spm_report_cadence, 'monthly') AS cadence,
                       COALESCE(r.billing_count, 0) AS billing_count, r.last_bill_date,
                       COALESCE(r.bill_days, 0) AS bill_days, COALESCE(r.bill_weeks, 0) AS bill_weeks,
                       (SELECT count(*) FROM generate_series(d.month, d.month + interval '1 month - 1 day',
                                                             interval '1 day') g
                         WHERE extract(isodow FROM g) < 6) AS weekdays,
                       %(statement)s AS has_stock_statement
                  FROM assigned d
                  JOIN res_partner p ON p.id = d.distributor_id
                  LEFT JOIN received r ON r.distributor_id = d.distributor_id AND r.company_id = d.company_id
                                      AND r.month = d.month
            )
            SELECT row_number() OVER (ORDER BY d.month, d.distributor_id, d.company_id) AS id,
                   d.distributor_id, d.company_id, d.month, d.cadence, d.billing_count, d.last_bill_date,
                   d.has_stock_statement,
                   CASE d.cadence WHEN 'daily' THEN d.bill_days >= d.weekdays
                                  WHEN 'weekly' THEN d.bill_weeks >= 4
                                  ELSE d.billing_count > 0 END AS complete
              FROM figures d
             WHERE %(where)s
            """,
            months=months,
            assigned=self._spm_assigned_sql(),
            states=RECEIVED_STATES,
            statement=statement,
            where=where,
        )

    @api.model
    def _spm_assigned_sql(self):
        """The (distributor, company, month) of the assignments in force some
        day of each month of the query's ``months``: the rows of the reports
        per distributor and month."""
        return SQL(
            """
                SELECT DISTINCT a.partner_id AS distributor_id, a.company_id, m.month
                  FROM spm_assignment a
                  JOIN res_partner p ON p.id = a.partner_id AND p.is_distributor
                  JOIN months m ON a.date_from < m.month + interval '1 month'
                               AND (a.date_to IS NULL OR a.date_to >= m.month)
                 WHERE a.active
            """
        )

    @api.model
    def _spm_incomplete(self, company, months):
        """{distributor: [months]} of the distributors assigned in ``company``
        that are not complete for some of ``months`` (first days)."""
        if not months:
            return {}
        self.env.flush_all()
        query = self._spm_completeness_sql(
            SQL("SELECT unnest(%s::date[]) AS month", [fields.Date.to_string(m) for m in months]),
            SQL("d.company_id = %s", company.id),
        )
        self.env.cr.execute(
            SQL("SELECT q.distributor_id, q.month FROM (%s) q WHERE NOT q.complete ORDER BY q.month", query)
        )
        result = {}
        for distributor_id, month in self.env.cr.fetchall():
            result.setdefault(distributor_id, []).append(month)
        partners = self.env["res.partner"].browse(list(result))
        return {partner: result[partner.id] for partner in partners}
