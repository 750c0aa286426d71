from odoo import api, fields, models


class SpmSecondaryBillingHoldShortfall(models.Model):
    """A product a billing reports beyond its distributor's stock: what a stock
    hold shows the distributor and the reviewer. Written by the billing's
    workflow only, with its hold (see spm.distributor.stock._spm_stock_holds)."""

    _name = "spm.secondary.billing.hold.shortfall"
    _description = "Secondary Billing Stock Shortfall"
    _order = "hold_id, id"

    hold_id = fields.Many2one(
        "spm.secondary.billing.hold", required=True, index=True, ondelete="cascade", readonly=True
    )
    billing_id = fields.Many2one(related="hold_id.billing_id", store=True, index=True)
    company_id = fields.Many2one(related="hold_id.company_id", store=True)
    hold_state = fields.Selection(related="hold_id.state", string="Hold Status")
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    reported_quantity = fields.Float("Reported Sold", digits="Product Unit of Measure", readonly=True)
    stock_quantity = fields.Float(
        "Stock",
        digits="Product Unit of Measure",
        readonly=True,
        help="The distributor's stock on the bill date, before this billing.",
    )
    missing_quantity = fields.Float(
        "Missing",
        digits="Product Unit of Measure",
        compute="_compute_missing_quantity",
        store=True,
        help="What the stock lacks for the quantity reported sold.",
    )

    @api.depends("reported_quantity", "stock_quantity")
    def _compute_missing_quantity(self):
        for shortfall in self:
            shortfall.missing_quantity = shortfall.reported_quantity - shortfall.stock_quantity
