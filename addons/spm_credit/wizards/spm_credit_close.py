from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class SpmCreditClose(models.TransientModel):
    """Close credit period: move the company's lock date after showing what is
    not complete for the months it closes (see res.company._spm_close_credit_period)."""

    _name = "spm.credit.close"
    _description = "Close Credit Period"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    current_lock_date = fields.Date(related="company_id.spm_credit_lock_date", string="Current Lock Date")
    lock_date = fields.Date(
        "Lock Credit On",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(days=1),
    )
    incomplete_count = fields.Integer("Incomplete Distributors", compute="_compute_blockers")
    reason = fields.Text(help="Needed to close a period that some distributors have not reported.")

    @api.depends("company_id", "lock_date")
    def _compute_blockers(self):
        for wizard in self:
            wizard.incomplete_count = len(wizard._spm_blockers())

    def _spm_blockers(self):
        self.ensure_one()
        if not self.company_id or not self.lock_date:
            return {}
        return self.company_id._spm_credit_close_blockers(
            self.company_id.spm_credit_lock_date, self.lock_date
        )

    def action_close(self):
        """Move the lock date (administrators; a reason if incomplete)."""
        self.ensure_one()
        lock = self.company_id._spm_close_credit_period(self.lock_date, self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "spm.credit.lock",
            "res_id": lock.id,
            "view_mode": "form",
            "target": "current",
        }
