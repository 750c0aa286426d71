from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

# The months the report lists (this one and the 23 before it), and how many
# earlier months make a distributor's usual end-of-month share.
REPORT_MONTHS = 24
USUAL_MONTHS = 6


class SpmChannelHealth(models.Model):
    """Channel padding signals per distributor, company and month while the
    distributor is assigned: primary sales booked in the month's last days
    against the distributor's usual share of them, secondary returns over
    secondary sales, the stock statements' variance and the days of stock.

    Thresholds are the business units' (the strictest of the units the
    distributor is assigned in); crossing one flags the distributor, on its
    form and in the review of its billings, and does nothing else."""

    _name = "spm.channel.health"
    _description = "Distributor Channel Health"
    _auto = False
    _order = "month desc, distributor_id"
    _rec_name = "distributor_id"
    _depends = {
        "res.partner": ["is_distributor"],
        "spm.assignment": ["partner_id", "company_id", "business_unit_id", "date_from", "date_to", "active"],
        "spm.business.unit": [
            "company_id",
            "active",
            "spm_channel_end_days",
            "spm_channel_end_excess",
            "spm_channel_return_ratio",
            "spm_channel_stock_days",
            "spm_channel_variance",
        ],
        "account.move": ["move_type", "state", "commercial_partner_id", "company_id", "invoice_date"],
        "spm.secondary.billing": ["distributor_id", "company_id", "bill_date", "state", "billing_type"],
    }

    distributor_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    end_days = fields.Integer(
        "Last Days", readonly=True, help="The month's last days whose primary sales count."
    )
    primary_amount = fields.Monetary(
        "Primary Sales", readonly=True, help="Posted invoices less credit notes."
    )
    primary_end_amount = fields.Monetary("Primary in Last Days", readonly=True)
    end_share = fields.Float("Last Days' Share (%)", readonly=True, aggregator="avg")
    usual_end_share = fields.Float(
        "Usual Share (%)",
        readonly=True,
        aggregator="avg",
        help="The distributor's average share of the last days over the previous months with primary "
        "sales; the days' share of the month before any.",
    )
    secondary_amount = fields.Monetary("Secondary Sales", readonly=True)
    return_amount = fields.Monetary("Secondary Returns", readonly=True)
    return_ratio = fields.Float("Returns (%)", readonly=True, aggregator="avg")
    variance_ratio = fields.Float(
        "Statement Variance (%)",
        readonly=True,
        aggregator="avg",
        help="The stock statements of the month against the ledger: total variance over total declared.",
    )
    flag_end_loading = fields.Boolean("Month-end Loading", readonly=True)
    flag_returns = fields.Boolean("High Returns", readonly=True)
    flag_variance = fields.Boolean("Statement Variance", readonly=True)
    max_stock_days = fields.Float(
        "Days of Stock",
        compute="_compute_stock_days",
        help="The product with the most stock for its sales: stock at the month end over the month's "
        "average daily secondary sales.",
    )
    flag_stock = fields.Boolean("Stock Piling", compute="_compute_stock_days")
    flagged = fields.Boolean(readonly=True, help="A threshold of the distributor's units is crossed.")

    @property
    def _table_query(self):
        return self._spm_health_sql(
            SQL(
                "SELECT generate_series(date_trunc('month', CURRENT_DATE) - %s * interval '1 month', "
                "date_trunc('month', CURRENT_DATE), interval '1 month')::date AS month",
                REPORT_MONTHS - 1 + USUAL_MONTHS,
            ),
            SQL("d.month >= date_trunc('month', CURRENT_DATE) - %s * interval '1 month'", REPORT_MONTHS - 1),
        )

    @api.model
    def _spm_health_sql(self, months, where):
        """The rows for the months of the query ``months`` (first days, the
        earlier ones making the usual share), filtered by ``where`` (alias d)."""
        if "spm.distributor.stock.variance" in self.env:
            variance = SQL(
                """
                SELECT v.distributor_id, v.company_id, date_trunc('month', v.date)::date AS month,
                       100.0 * sum(abs(v.variance_quantity))
                             / NULLIF(sum(abs(v.declared_quantity)), 0) AS ratio
                  FROM spm_distributor_stock_variance v
                 GROUP BY v.distributor_id, v.company_id, date_trunc('month', v.date)
                """
            )
        else:
            variance = SQL(
                "SELECT NULL::int AS distributor_id, NULL::int AS company_id, NULL::date AS month, "
                "NULL::numeric AS ratio WHERE FALSE"
            )
        assigned = self.env["spm.distributor.completeness"]._spm_assigned_sql()
        return SQL(
            """
            WITH months AS (%(months)s),
            assigned AS (%(assigned)s),
            thresholds AS (
                -- The strictest of the units the distributor is assigned in (no unit: every unit).
                SELECT d.distributor_id, d.company_id, d.month,
                       max(u.spm_channel_end_days) AS end_days,
                       min(NULLIF(u.spm_channel_end_excess, 0)) AS end_excess,
                       min(NULLIF(u.spm_channel_return_ratio, 0)) AS return_ratio,
                       min(NULLIF(u.spm_channel_variance, 0)) AS variance
                  FROM assigned d
                  JOIN spm_assignment a ON a.partner_id = d.distributor_id AND a.company_id = d.company_id
                                       AND a.active AND a.date_from < d.month + interval '1 month'
                                       AND (a.date_to IS NULL OR a.date_to >= d.month)
                  JOIN spm_business_unit u ON u.company_id = d.company_id AND u.active
                                          AND (a.business_unit_id IS NULL OR u.id = a.business_unit_id)
                 GROUP BY d.distributor_id, d.company_id, d.month
            ),
            primary_sales AS (
                SELECT t.distributor_id, t.company_id, t.month,
                       sum(m.amount_untaxed_signed) AS amount,
                       sum(m.amount_untaxed_signed) FILTER (
                           WHERE m.invoice_date
                                 > t.month + interval '1 month - 1 day' - t.end_days * interval '1 day'
                       ) AS end_amount
                  FROM thresholds t
                  JOIN account_move m ON m.commercial_partner_id = t.distributor_id
                                     AND m.company_id = t.company_id AND m.state = 'posted'
                                     AND m.move_type IN ('out_invoice', 'out_refund')
                                     AND m.invoice_date >= t.month
                                     AND m.invoice_date < t.month + interval '1 month'
                 GROUP BY t.distributor_id, t.company_id, t.month
            ),
            secondary AS (
                SELECT b.distributor_id, b.company_id, date_trunc('month', b.bill_date)::date AS month,
                       sum(b.amount_company_signed) FILTER (WHERE b.billing_type = 'sale') AS sales,
                       -sum(b.amount_company_signed) FILTER (WHERE b.billing_type = 'return') AS returns
                  FROM spm_secondary_billing b
                 WHERE b.state = 'validated'
                   AND b.bill_date >= (SELECT min(month) FROM months)
                   AND b.bill_date < (SELECT max(month) FROM months) + interval '1 month'
                 GROUP BY b.distributor_id, b.company_id, date_trunc('month', b.bill_date)
            ),
            variance AS (%(variance)s),
            figures AS (
                SELECT t.*, COALESCE(p.amount, 0) AS primary_amount,
                       COALESCE(p.end_amount, 0) AS primary_end_amount,
                       100.0 * COALESCE(p.end_amount, 0) / NULLIF(p.amount, 0) AS end_share,
                       100.0 * t.end_days
                             / extract(day FROM t.month + interval '1 month - 1 day') AS days_share,
                       COALESCE(s.sales, 0) AS secondary_amount, COALESCE(s.returns, 0) AS return_amount,
                       100.0 * COALESCE(s.returns, 0) / NULLIF(s.sales, 0) AS return_ratio_value,
                       v.ratio AS variance_ratio
                  FROM thresholds t
                  LEFT JOIN primary_sales p USING (distributor_id, company_id, month)
                  LEFT JOIN secondary s USING (distributor_id, company_id, month)
                  LEFT JOIN variance v USING (distributor_id, company_id, month)
            ),
            usual AS (
                SELECT f.*, COALESCE(avg(f.end_share) OVER (
                           PARTITION BY f.distributor_id, f.company_id ORDER BY f.month
                           ROWS BETWEEN %(usual)s PRECEDING AND 1 PRECEDING
                       ), f.days_share) AS usual_end_share
                  FROM figures f
            ),
            flags AS (
                SELECT f.*,
                       COALESCE(f.end_share - f.usual_end_share > f.end_excess, FALSE) AS flag_end_loading,
                       COALESCE(f.return_ratio_value > f.return_ratio, FALSE) AS flag_returns,
                       COALESCE(f.variance_ratio > f.variance, FALSE) AS flag_variance
                  FROM usual f
            )
            SELECT row_number() OVER (ORDER BY d.month, d.distributor_id, d.company_id) AS id,
                   d.distributor_id, d.company_id, d.month, d.end_days,
                   d.primary_amount, d.primary_end_amount, round(d.end_share, 2) AS end_share,
                   round(d.usual_end_share, 2) AS usual_end_share,
                   d.secondary_amount, d.return_amount, round(d.return_ratio_value, 2) AS return_ratio,
                   round(d.variance_ratio, 2) AS variance_ratio,
                   d.flag_end_loading, d.flag_returns, d.flag_variance,
                   d.flag_end_loading OR d.flag_returns OR d.flag_variance AS flagged
              FROM flags d
             WHERE %(where)s
            """,
            months=months,
            assigned=assigned,
            variance=variance,
            usual=USUAL_MONTHS,
            where=where,
        )

    def _compute_stock_days(self):
        """Stock at the month end (today for this month) over the month's
        average daily secondary sales, per product; the worst product. One
        ledger call per month and company, the sales in one query."""
        self.max_stock_days = 0.0
        self.flag_stock = False
        if "spm.distributor.stock" not in self.env or not self:
            return
        today = fields.Date.context_today(self)
        sold = self._spm_quantities_sold()
        thresholds = self._spm_stock_day_thresholds()
        by_day = defaultdict(self.browse)
        for row in self:
            by_day[(min(row.month + relativedelta(months=1, days=-1), today), row.company_id)] |= row
        Stock = self.env["spm.distributor.stock"].sudo()
        for (day, company), rows in by_day.items():
            pairs = [
                (row.distributor_id.id, product_id) for row in rows for product_id in sold.get(row.id, {})
            ]
            stock = Stock._spm_stock_at(pairs, day, company=company) if pairs else {}
            days = (day - rows[0].month).days + 1
            for row in rows:
                worst = max(
                    (
                        stock.get((row.distributor_id.id, product_id), 0.0) / (quantity / days)
                        for product_id, quantity in sold.get(row.id, {}).items()
                        if quantity > 0
                    ),
                    default=0.0,
                )
                row.max_stock_days = round(max(worst, 0.0), 1)
                limit = thresholds.get(row.id)
                row.flag_stock = bool(limit) and row.max_stock_days > limit

    def _spm_quantities_sold(self):
        """{row id: {product id: quantity sold in the month}} (validated sales, product units)."""
        if not self.ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT h.id, l.product_id, sum(l.quantity)
                  FROM (VALUES %(rows)s) h (id, distributor_id, company_id, month)
                  JOIN spm_secondary_billing_line l
                    ON l.distributor_id = h.distributor_id AND l.company_id = h.company_id
                   AND l.bill_date >= h.month AND l.bill_date < h.month + interval '1 month'
                   AND l.state = 'validated' AND l.billing_type = 'sale'
                 GROUP BY h.id, l.product_id
                """,
                rows=SQL(", ").join(
                    SQL("(%s, %s, %s, %s::date)", row.id, row.distributor_id.id, row.company_id.id, row.month)
                    for row in self
                ),
            )
        )
        result = defaultdict(dict)
        for row_id, product_id, quantity in self.env.cr.fetchall():
            result[row_id][product_id] = quantity
        return result

    def _spm_stock_day_thresholds(self):
        """{row id: the strictest days-of-stock threshold of the row's units} (0 is off)."""
        assignments = (
            self.env["spm.assignment"]
            .sudo()
            .search([("partner_id", "in", self.distributor_id.ids), ("active", "=", True)])
        )
        units = self.env["spm.business.unit"].sudo().search([("company_id", "in", self.company_id.ids)])
        result = {}
        for row in self:
            month_end = row.month + relativedelta(months=1, days=-1)
            in_force = assignments.filtered(
                lambda a, row=row, month_end=month_end: (
                    a.partner_id == row.distributor_id
                    and a.company_id == row.company_id
                    and a.date_from <= month_end
                    and (not a.date_to or a.date_to >= row.month)
                )
            )
            concerned = units.filtered(
                lambda u, row=row, in_force=in_force: (
                    u.company_id == row.company_id
                    and (u in in_force.business_unit_id or not all(in_force.mapped("business_unit_id")))
                )
            )
            limits = [days for days in concerned.mapped("spm_channel_stock_days") if days]
            result[row.id] = min(limits, default=0)
        return result

    def _spm_reasons(self):
        """What each flagged row says, in words a manager and a salesperson understand."""
        reasons = []
        for row in self:
            month = format_date(self.env, row.month, date_format="MMMM y")
            if row.flag_end_loading:
                reasons.append(
                    _(
                        "%(month)s: %(share)s %% of the primary sales were booked in the last %(days)s days "
                        "(usually %(usual)s %%).",
                        month=month,
                        share=round(row.end_share),
                        days=row.end_days,
                        usual=round(row.usual_end_share),
                    )
                )
            if row.flag_returns:
                reasons.append(
                    _(
                        "%(month)s: returns are %(ratio)s %% of the secondary sales.",
                        month=month,
                        ratio=round(row.return_ratio),
                    )
                )
            if row.flag_variance:
                reasons.append(
                    _(
                        "%(month)s: the stock statements differ from the documents by %(ratio)s %%.",
                        month=month,
                        ratio=round(row.variance_ratio),
                    )
                )
            if row.flag_stock:
                reasons.append(
                    _(
                        "%(month)s: the stock of a product covers %(days)s days of its sales.",
                        month=month,
                        days=round(row.max_stock_days),
                    )
                )
        return reasons
