from odoo import fields, models


class SpmBusinessUnit(models.Model):
    _inherit = "spm.business.unit"

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
