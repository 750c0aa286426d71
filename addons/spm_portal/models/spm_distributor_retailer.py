from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.master_keys import retailer_key

MAX_RETAILER_CODE = 64


class SpmDistributorRetailer(models.Model):
    """A retailer a distributor sells to, with the distributor's own code for it.

    Retailers are partners of their own (no parent, tagged ``spm_is_retailer``),
    shared by every distributor that sells to them; this link says which
    distributors do and under which local code. A distributor sees only the
    retailers linked to it.
    """

    _name = "spm.distributor.retailer"
    _description = "Distributor's Retailer"
    _order = "distributor_id, code, id"
    _rec_name = "retailer_id"

    distributor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_distributor", "=", True), ("parent_id", "=", False)],
    )
    retailer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("spm_is_retailer", "=", True)],
    )
    code = fields.Char(
        "Distributor's Code",
        help="The distributor's own code of this retailer, as its bills name it.",
    )
    code_key = fields.Char(compute="_compute_code_key", store=True, index=True)

    _sql_constraints = [
        (
            "distributor_retailer_uniq",
            "unique(distributor_id, retailer_id)",
            "A retailer is linked once to a distributor.",
        ),
    ]

    @api.depends("code")
    def _compute_code_key(self):
        for link in self:
            link.code_key = retailer_key(link.code) or False

    @api.depends("distributor_id", "code")
    def _compute_display_name(self):
        for link in self:
            name = link.distributor_id.display_name or ""
            link.display_name = f"{name} ({link.code})" if link.code else name

    @api.constrains("distributor_id", "retailer_id", "code")
    def _check_link(self):
        for link in self:
            if not link.distributor_id.is_distributor:
                raise ValidationError(
                    _("%(partner)s is not a distributor.", partner=link.distributor_id.display_name)
                )
            if not link.retailer_id.spm_is_retailer:
                raise ValidationError(
                    _("%(partner)s is not a retailer.", partner=link.retailer_id.display_name)
                )
            if link.code and len(link.code) > MAX_RETAILER_CODE:
                raise ValidationError(
                    _("A retailer's code has at most %(limit)s characters.", limit=MAX_RETAILER_CODE)
                )
        coded = self.filtered("code_key")
        if coded:
            groups = self._read_group(
                [
                    ("distributor_id", "in", coded.distributor_id.ids),
                    ("code_key", "in", coded.mapped("code_key")),
                ],
                ["distributor_id", "code_key"],
                having=[("__count", ">", 1)],
            )
            if groups:
                raise ValidationError(
                    _(
                        "%(distributor)s uses the code %(code)s for two retailers.",
                        distributor=groups[0][0].display_name,
                        code=groups[0][1],
                    )
                )
