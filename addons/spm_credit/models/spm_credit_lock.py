from odoo import fields, models


class SpmCreditLock(models.Model):
    """One move of a company's sales credit lock date: who closed what, and
    why when distributors had not reported (the reason is in the chatter).
    Created only by res.company's close path."""

    _name = "spm.credit.lock"
    _description = "Sales Credit Lock History"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _rec_name = "date_to"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date_from = fields.Date("Previous Lock Date", readonly=True)
    date_to = fields.Date("Lock Date", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Closed By", required=True, readonly=True)
    reason = fields.Text(readonly=True)
    incomplete_count = fields.Integer(
        "Incomplete Distributors",
        readonly=True,
        help="Distributors that had not reported the months closed, when the period was closed.",
    )
