from collections import defaultdict
from datetime import date

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare, float_round

from ..tools.limits import MAX_STOCK_TOLERANCE
from ..tools.stock_timeline import StockTimeline

# Only goods are stocked: services and combos are not counted.
STOCKED_TYPE = "consu"
# What the view reads: flushed before it is searched (see BaseModel._flush_search).
LEDGER_DEPENDS = {
    "account.move": ["state", "move_type", "commercial_partner_id", "company_id", "invoice_date", "date"],
    "account.move.line": ["move_id", "product_id", "quantity", "product_uom_id", "display_type"],
    "spm.secondary.billing.line": [
        "billing_id",
        "product_id",
        "quantity",
        "state",
        "billing_type",
        "distributor_id",
        "company_id",
        "bill_date",
    ],
    "product.product": ["product_tmpl_id"],
    "product.template": ["type", "uom_id"],
    "res.partner": ["is_distributor"],
    "uom.uom": ["factor", "rounding"],
}


class SpmDistributorStock(models.Model):
    """The movements of a distributor's stock, read from the documents (no copy):
    posted customer invoices of the company to the distributor (credit notes
    subtracted), in the product's unit; its validated secondary billings, sales
    subtracted and retailers' returns added. The stock of a day is the latest
    confirmed stock statement on or before it plus the movements after the
    statement up to that day (see :meth:`_spm_stock_at`)."""

    _name = "spm.distributor.stock"
    _description = "Distributor Stock Movement"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    _depends = LEDGER_DEPENDS

    distributor_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [
            ("primary", "Primary sale"),
            ("credit_note", "Credit note"),
            ("secondary", "Secondary sale"),
            ("return", "Retailer return"),
        ],
        readonly=True,
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", readonly=True, help="Added to the stock; negative when it leaves."
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    billing_id = fields.Many2one("spm.secondary.billing", string="Secondary Billing", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT aml.id * 2 AS id,
                           move.commercial_partner_id AS distributor_id,
                           move.company_id AS company_id,
                           aml.product_id AS product_id,
                           template.uom_id AS uom_id,
                           COALESCE(move.invoice_date, move.date) AS date,
                           CASE WHEN move.move_type = 'out_refund' THEN 'credit_note'
                                ELSE 'primary' END AS kind,
                           -- in the product's unit, rounded to it (uom.uom._compute_quantity)
                           (CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END)
                           * ROUND(
                               aml.quantity * COALESCE(product_uom.factor / NULLIF(line_uom.factor, 0), 1)
                               / product_uom.rounding
                           ) * product_uom.rounding AS quantity,
                           move.id AS move_id,
                           NULL::integer AS billing_id
                      FROM account_move_line aml
                      JOIN account_move move ON move.id = aml.move_id
                      JOIN res_partner distributor
                        ON distributor.id = move.commercial_partner_id AND distributor.is_distributor
                      JOIN product_product product ON product.id = aml.product_id
                      JOIN product_template template
                        ON template.id = product.product_tmpl_id AND template.type = %(stocked)s
                      JOIN uom_uom product_uom ON product_uom.id = template.uom_id
                 LEFT JOIN uom_uom line_uom ON line_uom.id = aml.product_uom_id
                     WHERE move.state = 'posted'
                       AND move.move_type IN ('out_invoice', 'out_refund')
                       AND aml.display_type = 'product'
                 UNION ALL
                    SELECT line.id * 2 + 1,
                           line.distributor_id,
                           line.company_id,
                           line.product_id,
                           template.uom_id,
                           line.bill_date,
                           CASE WHEN line.billing_type = 'return' THEN 'return' ELSE 'secondary' END,
                           CASE WHEN line.billing_type = 'return' THEN line.quantity ELSE -line.quantity END,
                           NULL::integer,
                           line.billing_id
                      FROM spm_secondary_billing_line line
                      JOIN product_product product ON product.id = line.product_id
                      JOIN product_template template
                        ON template.id = product.product_tmpl_id AND template.type = %(stocked)s
                     WHERE line.state = 'validated'
                )
                """,
                table=SQL.identifier(self._table),
                stocked=STOCKED_TYPE,
            )
        )

    # ------------------------------------------------------------ the stock of a day

    @api.model
    def _spm_stock_at(self, pairs, day, company=None):
        """The stock of each ``(distributor id, product id)`` of ``pairs`` at the
        end of ``day``, in the product's unit, in one query.

        :param pairs: ``(distributor id, product id)`` pairs
        :param day: a date
        :param company: the company whose documents count (the current one by default)
        :return: ``{(distributor id, product id): quantity}``
        """
        company = company or self.env.company
        keys = [(distributor_id, product_id, day, company.id) for distributor_id, product_id in pairs]
        return {key[:2]: quantity for key, (quantity, _counted) in self._spm_stock_of(keys).items()}

    @api.model
    def _spm_stock_of(self, keys, exclude_billings=()):
        """The stock of each ``(distributor id, product id, day, company id)`` of
        ``keys``, in one query: ``{key: (quantity, counted)}`` where ``counted``
        says whether a confirmed statement on or before the day opens it (the
        stock is the documents' sum from nothing otherwise).

        :param exclude_billings: ids of billings not counted (those being checked)
        """
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        self.env.flush_all()
        distributors, products, days, companies = (list(column) for column in zip(*keys, strict=True))
        self.env.cr.execute(
            SQL(
                """
                SELECT asked.distributor_id, asked.product_id, asked.day, asked.company_id,
                       opening.id IS NOT NULL,
                       COALESCE((
                           SELECT SUM(line.quantity)
                             FROM spm_distributor_stock_statement_line line
                            WHERE line.statement_id = opening.id AND line.product_id = asked.product_id
                       ), 0)
                       + COALESCE((
                           SELECT SUM(move.quantity)
                             FROM %(ledger)s move
                            WHERE move.distributor_id = asked.distributor_id
                              AND move.product_id = asked.product_id
                              AND move.company_id = asked.company_id
                              AND move.date <= asked.day
                              AND (opening.date IS NULL OR move.date > opening.date)
                              AND (move.billing_id IS NULL OR move.billing_id != ALL(%(exclude)s))
                       ), 0)
                  FROM unnest(
                           %(distributors)s::int[], %(products)s::int[],
                           %(days)s::date[], %(companies)s::int[]
                       ) AS asked(distributor_id, product_id, day, company_id)
             LEFT JOIN LATERAL (
                    SELECT statement.id, statement.date
                      FROM spm_distributor_stock_statement statement
                     WHERE statement.distributor_id = asked.distributor_id
                       AND statement.company_id = asked.company_id
                       AND statement.state = 'confirmed'
                       AND statement.date <= asked.day
                  ORDER BY statement.date DESC, statement.id DESC
                     LIMIT 1
                   ) opening ON TRUE
                """,
                ledger=SQL.identifier(self._table),
                exclude=list(exclude_billings),
                distributors=distributors,
                products=products,
                days=days,
                companies=companies,
            )
        )
        return {
            (distributor_id, product_id, day, company_id): (float(quantity), counted)
            for distributor_id, product_id, day, company_id, counted, quantity in self.env.cr.fetchall()
        }

    @api.model
    def _spm_stock_days(self, starts, until, exclude_billings=()):
        """The stock of each ``(distributor id, product id, company id)`` of
        ``starts`` from its first day to ``until``, in two queries whatever their
        number: ``{key: [(day, quantity, counted)]}`` in date order, the first day
        (see :meth:`_spm_stock_of`) then every later day a document moves the
        stock or a confirmed statement re-opens it (``counted``: the statement's
        count is the day's stock, the day's movements are in it); the stock of a
        day not listed is the one of the day listed before it.

        :param starts: ``{(distributor id, product id, company id): first day}``
        :param until: the last day
        :param exclude_billings: ids of billings not counted (those being checked)
        """
        if not starts:
            return {}
        opening = self._spm_stock_of(
            [
                (distributor_id, product_id, day, company_id)
                for (distributor_id, product_id, company_id), day in starts.items()
            ],
            exclude_billings=exclude_billings,
        )
        distributors, products, companies = (list(column) for column in zip(*starts, strict=True))
        rows = self.env.execute_query(
            SQL(
                """
                WITH asked AS (
                    SELECT *
                      FROM unnest(
                               %(distributors)s::int[], %(products)s::int[],
                               %(companies)s::int[], %(days)s::date[]
                           ) AS asked(distributor_id, product_id, company_id, day)
                )
                SELECT asked.distributor_id, asked.product_id, asked.company_id,
                       moved.date, moved.quantity, FALSE
                  FROM asked
            CROSS JOIN LATERAL (
                    SELECT move.date, SUM(move.quantity) AS quantity
                      FROM %(ledger)s move
                     WHERE move.distributor_id = asked.distributor_id
                       AND move.product_id = asked.product_id
                       AND move.company_id = asked.company_id
                       AND move.date > asked.day
                       AND move.date <= %(until)s
                       AND (move.billing_id IS NULL OR move.billing_id != ALL(%(exclude)s))
                  GROUP BY move.date
                   ) moved
             UNION ALL
                SELECT asked.distributor_id, asked.product_id, asked.company_id,
                       counted.date, counted.quantity, TRUE
                  FROM asked
            CROSS JOIN LATERAL (
                    -- The latest statement of a day counts, as in _spm_stock_of.
                    SELECT DISTINCT ON (statement.date)
                           statement.date,
                           COALESCE((
                               SELECT SUM(line.quantity)
                                 FROM spm_distributor_stock_statement_line line
                                WHERE line.statement_id = statement.id AND line.product_id = asked.product_id
                           ), 0) AS quantity
                      FROM spm_distributor_stock_statement statement
                     WHERE statement.distributor_id = asked.distributor_id
                       AND statement.company_id = asked.company_id
                       AND statement.state = 'confirmed'
                       AND statement.date > asked.day
                       AND statement.date <= %(until)s
                  ORDER BY statement.date, statement.id DESC
                   ) counted
                """,
                ledger=SQL.identifier(self._table),
                exclude=list(exclude_billings),
                until=until,
                distributors=distributors,
                products=products,
                companies=companies,
                days=list(starts.values()),
            )
        )
        changes = defaultdict(dict)  # {key: {day: (moved, count or None)}}
        for distributor_id, product_id, company_id, day, quantity, counted in rows:
            moved, count = changes[distributor_id, product_id, company_id].get(day, (0.0, None))
            if counted:
                count = float(quantity)
            else:
                moved += float(quantity)
            changes[distributor_id, product_id, company_id][day] = (moved, count)
        result = {}
        for key, first in starts.items():
            quantity = opening[key[0], key[1], first, key[2]][0]
            days = [(first, quantity, False)]
            for day, (moved, count) in sorted(changes[key].items()):
                quantity = quantity + moved if count is None else count
                days.append((day, quantity, count is not None))
            result[key] = days
        return result

    # ------------------------------------------------------------ stock holds

    @api.model
    def _spm_check_stock_tolerance(self, records):
        """The bounds of the stock tolerance of ``records`` (distributors or
        business units, their ``spm_stock_tolerance``): from 0 to MAX_STOCK_TOLERANCE."""
        if any(not 0 <= record.spm_stock_tolerance <= MAX_STOCK_TOLERANCE for record in records):
            # Formatted apart: the translation extractor reads the call's arguments as literals.
            maximum = f"{MAX_STOCK_TOLERANCE:,}"
            raise ValidationError(
                _("The stock tolerance is from 0 to %(maximum)s, in the product's unit.", maximum=maximum)
            )

    @api.model
    def _spm_stock_shortfalls(self, billings):
        """The products each of ``billings`` (secondary sales being validated)
        reports beyond its distributor's stock by more than the tolerance, the
        larger of the product's business unit's and the distributor's:
        ``{billing: [(product, reported, stock)]}``, only billings short of
        something, ``stock`` the lowest stock of the days checked before the sale.

        A sale is checked on every day from its bill date to today (its date
        if later), the documents dated after it counted: its quantity taken from
        the stock must not take it below minus the tolerance on any of them. A
        confirmed statement re-opens the stock on its date: its count is a fresh
        base, the sales dated before it are in it (the days from it on are not
        checked for them).

        A distributor's stock is checked once a confirmed statement on or before
        the bill date opened it (a new distributor is not held for want of a
        count; a product its count leaves out counts as none). The billings
        count in date order: a sale the batch reports before another is taken
        from the stock first, a sale beyond stock takes nothing (it is held), a
        return adds to it. A few queries whatever the number of billings."""
        billings = billings.sudo()
        opened = {
            (distributor.id, company.id): first
            for distributor, company, first in self.env["spm.distributor.stock.statement"]
            .sudo()
            ._read_group(
                [
                    ("distributor_id", "in", billings.distributor_id.ids),
                    ("company_id", "in", billings.company_id.ids),
                    ("state", "=", "confirmed"),
                ],
                ["distributor_id", "company_id"],
                ["date:min"],
            )
        }
        billings = billings.filtered(
            lambda b: b.bill_date >= opened.get((b.distributor_id.id, b.company_id.id), date.max)
        )
        if not billings:
            return {}
        reported = defaultdict(lambda: defaultdict(float))
        tolerance = {}
        for billing, product, unit, quantity in (
            self.env["spm.secondary.billing.line"]
            .sudo()
            ._read_group(
                [("billing_id", "in", billings.ids), ("product_id.type", "=", STOCKED_TYPE)],
                ["billing_id", "product_id", "business_unit_id"],
                ["quantity:sum"],
            )
        ):
            reported[billing][product] += quantity
            tolerance[billing, product] = max(
                unit.spm_stock_tolerance,
                billing.distributor_id.spm_stock_tolerance,
                tolerance.get((billing, product), 0.0),
            )
        if not reported:
            return {}

        def key_of(billing, product):
            return (billing.distributor_id.id, product.id, billing.company_id.id)

        bill_days = defaultdict(set)
        for billing, lines in reported.items():
            for product in lines:
                bill_days[key_of(billing, product)].add(billing.bill_date)
        today = fields.Date.context_today(self)
        stock_days = self._spm_stock_days(
            {key: min(days) for key, days in bill_days.items()},
            max(today, *billings.mapped("bill_date")),
            exclude_billings=billings.ids,
        )
        timelines = {key: StockTimeline(stock_days[key], bill_days[key]) for key in bill_days}
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        result = {}
        for billing in billings.sorted(lambda b: (b.bill_date, b.id)):
            lines = reported.get(billing, {})
            sign = billing._sign()
            if sign > 0:
                short = []
                for product, quantity in lines.items():
                    lowest = timelines[key_of(billing, product)].lowest(billing.bill_date, today)
                    least = -tolerance[billing, product]
                    if float_compare(lowest - quantity, least, precision_digits=precision) < 0:
                        short.append((product, quantity, float_round(lowest, precision_digits=precision)))
                if short:
                    result[billing] = short
                    continue
            for product, quantity in lines.items():
                timelines[key_of(billing, product)].take(billing.bill_date, sign * quantity)
        return result

    @api.model
    def _spm_stock_holds(self, billings):
        """The stock holds of ``billings`` being validated: ``{billing: [hold vals]}``
        for those that report more than their distributor's stock (see
        :meth:`_spm_stock_shortfalls`), the reason in the distributor's words
        and the shortfall of each product."""
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")

        def text(quantity):
            fixed = f"{float_round(quantity, precision_digits=precision):.{precision}f}"
            return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed

        result = {}
        for billing, short in self._spm_stock_shortfalls(billings).items():
            reason = " ".join(
                self.env._(
                    "You report %(reported)s of %(product)s sold; your stock was %(stock)s.",
                    reported=text(reported),
                    product=product.default_code or product.name,
                    stock=text(stock),
                )
                for product, reported, stock in short
            )
            result[billing.with_env(self.env)] = [
                {
                    "kind": "stock",
                    "reason": reason,
                    "shortfall_ids": [
                        Command.create(
                            {"product_id": product.id, "reported_quantity": reported, "stock_quantity": stock}
                        )
                        for product, reported, stock in short
                    ],
                }
            ]
        return result

    @api.model
    def _spm_recheck_stock_holds(self, distributors):
        """Release the active stock holds of ``distributors``' billings that their
        stock now covers (after a primary invoice, a stock statement, or a sale
        rejected or cancelled), the earliest first, in one check of all of them;
        their other holds stay."""
        if not distributors:
            return self.env["spm.secondary.billing"]
        holds = (
            self.env["spm.secondary.billing.hold"]
            .sudo()
            .search(
                [
                    ("kind", "=", "stock"),
                    ("state", "=", "active"),
                    ("billing_id.distributor_id", "in", distributors.commercial_partner_id.ids),
                    ("billing_id.state", "=", "held"),
                ]
            )
        )
        billings = holds.billing_id
        short = self._spm_stock_shortfalls(billings)
        covered = billings.filtered(lambda billing: billing not in short)
        return covered._release_holds(
            kinds=["stock"], reason=_("Hold released: the distributor's stock now covers the billing.")
        )
