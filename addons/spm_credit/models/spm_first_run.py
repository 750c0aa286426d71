from odoo import _, api, models
from odoo.exceptions import AccessError


class SpmFirstRun(models.AbstractModel):
    """The administrator's first-run checklist of Sales Performance: each step
    ticked from the data itself, so that nothing is stored to fall out of date."""

    _name = "spm.first.run"
    _description = "Sales Performance First-Run Checklist"

    @api.model
    def get_steps(self):
        """The steps of the checklist, in order: ``[{key, title, help, action, done}]``,
        ``action`` the XML id of the screen where the step is done."""
        if not self.env.user.has_group("spm_quota.group_spm_admin"):
            raise AccessError(_("Only Sales Performance administrators set it up."))
        steps = [
            (
                "units",
                _("Create a business unit"),
                _("Its product categories and sales teams decide which sales it credits."),
                "spm_quota.spm_business_unit_action",
                "spm.business.unit",
                [],
            ),
            (
                "assignments",
                _("Assign accounts to salespersons"),
                _("Who is credited for each customer or distributor, with team splits and overlays."),
                "spm_quota.spm_assignment_action",
                "spm.assignment",
                [],
            ),
            (
                "quotas",
                _("Set quotas"),
                _("What each salesperson or unit must sell, spread over the months."),
                "spm_quota.spm_quota_action",
                "spm.quota",
                [],
            ),
            (
                "confirm",
                _("Confirm a quota"),
                _("A quota in draft counts for nothing until it is confirmed."),
                "spm_quota.spm_quota_action",
                "spm.quota",
                [("state", "=", "confirmed")],
            ),
            (
                "credit",
                _("See the first credit"),
                _("Confirm a sales order of an assigned customer: its credit appears at once."),
                "spm_credit.spm_credit_line_action",
                "spm.credit.line",
                [],
            ),
        ]
        return [
            {
                "key": key,
                "title": title,
                "help": help_text,
                "action": action,
                "done": bool(self.env[model].search_count(domain, limit=1)),
            }
            for key, title, help_text, action, model, domain in steps
        ]
