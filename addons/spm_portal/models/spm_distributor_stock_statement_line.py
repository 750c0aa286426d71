from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.limits import MAX_STOCK_QUANTITY


class SpmDistributorStockStatementLine(models.Model):
    """The stock of one product a statement counts, in the product's unit."""

    _name = "spm.distributor.stock.statement.line"
    _description = "Distributor Stock Statement Line"
    _order = "statement_id, id"

    statement_id = fields.Many2one(
        "spm.distributor.stock.statement", required=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, domain=[("sale_ok", "=", True), ("type", "=", "consu")]
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    distributor_id = fields.Many2one(related="statement_id.distributor_id", store=True, index=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    date = fields.Date(related="statement_id.date", store=True)
    state = fields.Selection(related="statement_id.state", store=True)

    _sql_constraints = [
        (
            "product_statement_uniq",
            "unique(statement_id, product_id)",
            "A stock statement counts each product once.",
        ),
    ]

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if not 0 <= line.quantity <= MAX_STOCK_QUANTITY:
                raise ValidationError(
                    _(
                        "The stock of %(product)s must be between 0 and %(limit)s.",
                        product=line.product_id.display_name,
                        limit=format(int(MAX_STOCK_QUANTITY), ","),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.statement_id._check_draft()
        return lines

    def write(self, vals):
        self.statement_id._check_draft()
        result = super().write(vals)
        self.statement_id._check_draft()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        self.statement_id._check_draft()
