from odoo import fields, models, tools
from odoo.tools import SQL

from .spm_distributor_stock import LEDGER_DEPENDS


class SpmDistributorStockVariance(models.Model):
    """A stock statement against the ledger, per product counted: what the
    distributor declared at the end of the statement's day against what its
    documents say (the previous confirmed statement plus the movements since,
    see spm.distributor.stock)."""

    _name = "spm.distributor.stock.variance"
    _description = "Distributor Stock Variance"
    _auto = False
    _order = "date desc, distributor_id, product_id"
    _rec_name = "product_id"
    _depends = {
        **LEDGER_DEPENDS,
        "spm.distributor.stock.statement": ["distributor_id", "company_id", "date", "state"],
        "spm.distributor.stock.statement.line": ["statement_id", "product_id", "quantity"],
    }

    statement_id = fields.Many2one("spm.distributor.stock.statement", readonly=True)
    distributor_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    declared_quantity = fields.Float("Declared", digits="Product Unit of Measure", readonly=True)
    ledger_quantity = fields.Float(
        "Ledger",
        digits="Product Unit of Measure",
        readonly=True,
        help="The stock the documents give on the date.",
    )
    variance_quantity = fields.Float(
        "Variance",
        digits="Product Unit of Measure",
        readonly=True,
        help="Declared less ledger: positive when the distributor has more than its documents say.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT line.id AS id,
                           statement.id AS statement_id,
                           statement.distributor_id AS distributor_id,
                           statement.company_id AS company_id,
                           statement.date AS date,
                           line.product_id AS product_id,
                           template.uom_id AS uom_id,
                           line.quantity AS declared_quantity,
                           ledger.quantity AS ledger_quantity,
                           line.quantity - ledger.quantity AS variance_quantity
                      FROM spm_distributor_stock_statement_line line
                      JOIN spm_distributor_stock_statement statement
                        ON statement.id = line.statement_id AND statement.state = 'confirmed'
                      JOIN product_product product ON product.id = line.product_id
                      JOIN product_template template ON template.id = product.product_tmpl_id
                 LEFT JOIN LATERAL (
                        SELECT previous.id, previous.date
                          FROM spm_distributor_stock_statement previous
                         WHERE previous.distributor_id = statement.distributor_id
                           AND previous.company_id = statement.company_id
                           AND previous.state = 'confirmed'
                           AND (previous.date, previous.id) < (statement.date, statement.id)
                      ORDER BY previous.date DESC, previous.id DESC
                         LIMIT 1
                       ) opening ON TRUE
                 LEFT JOIN spm_distributor_stock_statement_line opening_line
                        ON opening_line.statement_id = opening.id
                       AND opening_line.product_id = line.product_id
                      JOIN LATERAL (
                        SELECT COALESCE(opening_line.quantity, 0) + COALESCE(SUM(move.quantity), 0)
                               AS quantity
                          FROM %(ledger)s move
                         WHERE move.distributor_id = statement.distributor_id
                           AND move.product_id = line.product_id
                           AND move.company_id = statement.company_id
                           AND move.date <= statement.date
                           AND (opening.date IS NULL OR move.date > opening.date)
                       ) ledger ON TRUE
                )
                """,
                table=SQL.identifier(self._table),
                ledger=SQL.identifier(self.env["spm.distributor.stock"]._table),
            )
        )
