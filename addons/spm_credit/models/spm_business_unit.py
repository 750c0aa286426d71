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
    show_leaderboard = fields.Boolean(
        "Salesperson Leaderboard",
        default=True,
        help="Salespersons of the unit see on their dashboard their rank and attainment "
        "among the unit's salespersons (attainments only, no amounts).",
    )
