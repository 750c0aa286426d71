from odoo import api, fields, models

REPORT_CADENCES = [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    spm_allowed_product_ids = fields.Many2many(
        "product.product",
        "spm_distributor_product_rel",
        "partner_id",
        "product_id",
        string="Reportable Products",
        domain=[("sale_ok", "=", True)],
        help="The products this distributor may report in its secondary sales. "
        "Empty means every product that can be sold.",
        # Portal users cannot read products: the portal reads this list as superuser.
        groups="base.group_user",
    )
    spm_is_retailer = fields.Boolean(
        "Retailer",
        index=True,
        help="A customer of the distributor this contact belongs to, reported in its secondary sales.",
    )
    spm_secondary_billing_ids = fields.One2many(
        "spm.secondary.billing",
        "distributor_id",
        string="Secondary Billings",
        groups="base.group_portal,spm_quota.group_spm_salesperson,spm_credit.group_spm_accountant",
    )
    spm_secondary_billing_count = fields.Integer(compute="_compute_spm_secondary_billing_count")
    spm_report_cadence = fields.Selection(
        REPORT_CADENCES,
        string="Expected Reporting",
        default="monthly",
        help="How often this distributor should send its secondary billings: a month is complete "
        "with a billing in it (monthly), in each of its four weeks (weekly) or on each weekday (daily).",
        groups="base.group_user",
    )

    def _compute_spm_secondary_billing_count(self):
        if not self.env["spm.secondary.billing"].has_access("read"):
            self.spm_secondary_billing_count = 0
            return
        counts = dict(
            self.env["spm.secondary.billing"]._read_group(
                [("distributor_id", "in", self.ids)], ["distributor_id"], ["__count"]
            )
        )
        for partner in self:
            partner.spm_secondary_billing_count = counts.get(partner, 0)

    # ------------------------------------------------------------ distributor rules

    @api.model
    def _spm_distributor_of_user(self, user):
        """The distributor (a commercial entity) ``user`` reports for: the company
        of a portal user that is a distributor; an empty record for anyone else
        (internal users report for no distributor)."""
        partner = user.partner_id.commercial_partner_id
        if user.share and partner.is_distributor:
            return partner
        return self.browse()

    def _spm_reportable_products_domain(self):
        """Domain of the products this distributor (a commercial entity) may report."""
        self.ensure_one()
        domain = [("sale_ok", "=", True)]
        allowed = self.sudo().spm_allowed_product_ids
        if allowed:
            domain.append(("id", "in", allowed.ids))
        return domain

    def _spm_retailers(self):
        """The retailers this distributor reported earlier, most used first."""
        self.ensure_one()
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=True)
            .search(
                [("parent_id", "=", self.id), ("spm_is_retailer", "=", True)],
                order="name, id",
            )
        )

    @api.model
    def _spm_retailer_key(self, value):
        return " ".join((value or "").split()).casefold()

    def _spm_find_retailers(self, values):
        """Map each name or code in ``values`` to an existing retailer of this
        distributor (code first, then name, case and spaces ignored)."""
        self.ensure_one()
        by_code, by_name = {}, {}
        for retailer in self._spm_retailers():
            if retailer.ref:
                by_code.setdefault(self._spm_retailer_key(retailer.ref), retailer)
            by_name.setdefault(self._spm_retailer_key(retailer.name), retailer)
        result = {}
        for value in values:
            key = self._spm_retailer_key(value)
            result[value] = by_code.get(key) or by_name.get(key) or self.env["res.partner"]
        return result

    def _spm_create_retailers(self, names):
        """Create the retailers ``names`` (new to this distributor) as companies
        under it, so that each is its own commercial entity; return {name: partner}."""
        self.ensure_one()
        unique = {}
        for name in names:
            unique.setdefault(self._spm_retailer_key(name), " ".join(name.split()))
        if not unique:
            return {}
        created = (
            self.env["res.partner"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "parent_id": self.id,
                        "is_company": True,
                        "type": "other",
                        "spm_is_retailer": True,
                        "company_id": self.company_id.id,
                    }
                    for name in unique.values()
                ]
            )
        )
        by_key = {self._spm_retailer_key(p.name): p for p in created}
        return {name: by_key[self._spm_retailer_key(name)] for name in names}

    def action_view_spm_secondary_billings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_portal.spm_secondary_billing_action")
        action["domain"] = [("distributor_id", "=", self.id)]
        action["context"] = {"default_distributor_id": self.id}
        return action
