from odoo import _, fields, models
from odoo.exceptions import AccessError


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_credit_lock_date = fields.Date(
        "Sales Credit Lock Date",
        help="Credit lines dated on or before this date can no longer be created, changed or deleted; "
        "later events that concern a locked period are credited in the first open month as adjustments.",
    )

    def write(self, vals):
        if (
            "spm_credit_lock_date" in vals
            and not self.env.su
            and not self.env.user.has_group("spm_quota.group_spm_admin")
        ):
            raise AccessError(_("Only SPM administrators can move the sales credit lock date."))
        return super().write(vals)
