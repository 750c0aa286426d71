from odoo import fields, models

HOLD_KINDS = [
    ("duplicate", "Possible duplicate"),
    ("cross_distributor", "Reported by another distributor"),
    ("stock", "Beyond the distributor's stock"),
]


class SpmSecondaryBillingHold(models.Model):
    """Why a secondary billing is held instead of validated: a doubt for its
    reviewers to clear (release) or confirm (reject the billing).

    Holds are read by whoever reads their billing and written by the
    billing's workflow only (``_spm_create_holds``, ``_release_holds``, as
    superuser once the caller is checked): nobody has write access to them.
    """

    _name = "spm.secondary.billing.hold"
    _description = "Secondary Billing Hold"
    _order = "billing_id, id"

    billing_id = fields.Many2one(
        "spm.secondary.billing", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="billing_id.company_id", store=True, index=True)
    kind = fields.Selection(HOLD_KINDS, required=True, readonly=True)
    reason = fields.Text(
        required=True,
        readonly=True,
        help="Why the billing is held, in the words of its distributor and of its salespersons.",
    )
    related_billing_id = fields.Many2one(
        "spm.secondary.billing",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The other billing of a possible duplicate: the earlier report of the same sale.",
    )
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")],
        default="active",
        required=True,
        readonly=True,
        index=True,
    )
    shortfall_ids = fields.One2many(
        "spm.secondary.billing.hold.shortfall",
        "hold_id",
        string="Stock Shortfall",
        readonly=True,
        help="A stock hold's products reported beyond the distributor's stock.",
    )
    released_by_id = fields.Many2one("res.users", readonly=True)
    released_date = fields.Datetime("Released On", readonly=True)
