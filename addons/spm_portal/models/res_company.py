from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.limits import MAX_API_KEY_DAYS, MIN_API_KEY_DAYS

# The widest near-duplicate window: each billing checked compares the bills of as many days.
MAX_DUPLICATE_DAYS = 31
BILLING_BOUND_FIELDS = {"spm_secondary_max_amount", "spm_secondary_min_bill_date", "spm_duplicate_days"}


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_secondary_max_amount = fields.Monetary(
        "Largest Secondary Billing",
        currency_field="currency_id",
        required=True,
        default=10_000_000.0,
        help="The largest total of a secondary billing (and so of any of its lines), in the "
        "company's currency; distributors are told to split a larger bill.",
    )
    spm_secondary_min_bill_date = fields.Date(
        "Earliest Secondary Bill Date",
        required=True,
        default="2000-01-01",
        help="Secondary billings dated before this day are refused.",
    )

    spm_portal_api_key_days = fields.Integer(
        "Distributors' API Key Duration",
        required=True,
        default=90,
        help="Days an API key that a distributor creates on the portal is valid (1 to 365).",
    )

    spm_duplicate_days = fields.Integer(
        "Near-Duplicate Window",
        required=True,
        default=3,
        help="A secondary billing with the same retailer, lines and total as another bill of its "
        "distributor dated this many days apart or less is held as a possible duplicate (0 to 31).",
    )

    @api.constrains("spm_duplicate_days")
    def _check_spm_duplicate_days(self):
        if any(not 0 <= company.spm_duplicate_days <= MAX_DUPLICATE_DAYS for company in self):
            raise ValidationError(
                _("The near-duplicate window is from 0 to %(max)s days.", max=MAX_DUPLICATE_DAYS)
            )

    @api.constrains("spm_portal_api_key_days")
    def _check_spm_portal_api_key_days(self):
        if any(
            not MIN_API_KEY_DAYS <= company.spm_portal_api_key_days <= MAX_API_KEY_DAYS for company in self
        ):
            raise ValidationError(
                _(
                    "Distributors' API keys are valid from %(min)s to %(max)s days.",
                    min=MIN_API_KEY_DAYS,
                    max=MAX_API_KEY_DAYS,
                )
            )

    @api.constrains("spm_secondary_max_amount")
    def _check_spm_secondary_max_amount(self):
        if any(company.spm_secondary_max_amount <= 0 for company in self):
            raise ValidationError(_("The largest secondary billing must be a positive amount."))

    def write(self, vals):
        if (
            BILLING_BOUND_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group("spm_quota.group_spm_admin")
        ):
            raise AccessError(_("Only SPM administrators can change the bounds of secondary billings."))
        return super().write(vals)

    def _spm_credit_close_blockers(self, date_from, date_to):
        blockers = super()._spm_credit_close_blockers(date_from, date_to)
        incomplete = self.env["spm.distributor.completeness"]._spm_incomplete(
            self, self._spm_closed_months(date_from, date_to)
        )
        return {**blockers, **incomplete}
