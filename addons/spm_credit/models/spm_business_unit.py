from odoo import fields, models


class SpmBusinessUnit(models.Model):
    _inherit = "spm.business.unit"

    credit_basis = fields.Selection(
        [("order", "Sale order"), ("invoice", "Customer invoice")],
        string="Credit On",
        default="invoice",
        required=True,
        tracking=True,
        help="Sale order: provisional credit when the order is confirmed, confirmed as it is invoiced.\n"
        "Customer invoice: credit when the invoice is posted.",
    )
    credit_primary = fields.Boolean(
        "Credit Primary Sales",
        default=True,
        tracking=True,
        help="Credit salespersons on the company's own orders and invoices.",
    )
    credit_secondary = fields.Boolean(
        "Credit Secondary Sales",
        default=True,
        tracking=True,
        help="Credit the salespersons of a distributor on the distributor's sales to retailers. "
        "With primary credit off, only sell-out earns credit and channel padding earns nothing.",
    )
    secondary_validation = fields.Selection(
        [("auto", "On submission"), ("review", "After review by the unit manager")],
        string="Validate Secondary Billings",
        default="auto",
        required=True,
        tracking=True,
    )
