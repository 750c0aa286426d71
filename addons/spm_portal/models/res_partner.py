import difflib

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.master_keys import retailer_key, tax_id_key

# Near names offered for a retailer name that matches none of the distributor's: how many,
# how alike (difflib's ratio), among how many of its retailers at most.
MAX_NEAR_RETAILERS = 3
MIN_RETAILER_SIMILARITY = 0.6
MAX_RETAILERS_COMPARED = 5000

# Settings of a distributor that decide what is held for review: the managers', not of
# everyone who may edit contacts (a salesperson credited on the distributor's sales).
# What decides the checks of a distributor's secondary sales: set by SPM managers only.
MANAGED_FIELDS = {"spm_stock_tolerance", "spm_allowed_product_ids"}

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
    spm_stock_tolerance = fields.Float(
        "Stock Tolerance",
        digits="Product Unit of Measure",
        default=0.0,
        help="How far below zero a secondary billing may take this distributor's stock of a product "
        "(in the product's unit) before it is held for want of stock; the business unit's tolerance "
        "applies when it is larger.",
        groups="base.group_user",
    )
    spm_is_retailer = fields.Boolean(
        "Retailer",
        index=True,
        help="A customer of distributors, reported in their secondary sales; the distributors that "
        "sell to it are linked to it, each with its own code.",
    )
    spm_retailer_link_ids = fields.One2many(
        "spm.distributor.retailer",
        "retailer_id",
        string="Distributors Selling to It",
        groups="base.group_user",
    )
    spm_distributor_retailer_ids = fields.One2many(
        "spm.distributor.retailer",
        "distributor_id",
        string="Retailers",
        groups="base.group_user",
    )
    # What retailers are matched and told apart by (empty for other partners).
    spm_tax_id_key = fields.Char(compute="_compute_spm_retailer_keys", store=True, index=True)
    spm_name_city_key = fields.Char(compute="_compute_spm_retailer_keys", store=True, index=True)
    spm_retailer_duplicate = fields.Boolean(
        "Likely Duplicate",
        compute="_compute_spm_retailer_duplicate",
        search="_search_spm_retailer_duplicate",
        help="Another retailer has the same tax id, or the same name in the same city.",
    )
    spm_secondary_billing_ids = fields.One2many(
        "spm.secondary.billing",
        "distributor_id",
        string="Secondary Billings",
        groups="base.group_portal,spm_quota.group_spm_salesperson,spm_credit.group_spm_accountant",
    )
    spm_secondary_billing_count = fields.Integer(compute="_compute_spm_secondary_billing_count")
    spm_channel_warning = fields.Text(
        "Channel Health Warning",
        compute="_compute_spm_channel_warning",
        help="The channel padding signals of this month and the last that cross a threshold of the "
        "distributor's units (Channel Health).",
        groups="base.group_user",
    )
    spm_report_cadence = fields.Selection(
        REPORT_CADENCES,
        string="Expected Reporting",
        default="monthly",
        help="How often this distributor should send its secondary billings: a month is complete "
        "with a billing in it (monthly), in each of its four weeks (weekly) or on each weekday (daily).",
        groups="base.group_user",
    )

    def _compute_spm_channel_warning(self):
        self.spm_channel_warning = False
        distributors = self.filtered("is_distributor")
        if not distributors.ids:
            return
        last_month = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        # Signals are the managers' to read: every internal user who sees the partner sees the warning.
        rows = (
            self.env["spm.channel.health"]
            .sudo()
            .search([("distributor_id", "in", distributors.ids), ("month", ">=", last_month)])
        )
        for partner in distributors:
            reasons = rows.filtered(lambda row, partner=partner: row.distributor_id == partner)._spm_reasons()
            partner.spm_channel_warning = "\n".join(reasons) or False

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

    @api.constrains("spm_stock_tolerance")
    def _check_spm_stock_tolerance(self):
        self.env["spm.distributor.stock"]._spm_check_stock_tolerance(self)

    def _spm_check_managed_fields(self, vals_list):
        """Only SPM managers change what decides the checks of a distributor's sales
        (MANAGED_FIELDS: its stock tolerance, the products it may report): from the
        default on a new contact (the form sends it unchanged), from the current value
        of each of ``self`` on a write."""
        if self.env.su or self.env.user.has_group("spm_quota.group_spm_manager"):
            return
        for vals in vals_list:
            for name in MANAGED_FIELDS & set(vals):
                field = self._fields[name]
                for record in self or [self.browse()]:
                    if self._spm_managed_value(field, vals[name], record) != self._spm_managed_value(
                        field, record[name] if record else False, record
                    ):
                        raise AccessError(
                            _(
                                "Only sales performance managers change a distributor's %(field)s.",
                                field=field._description_string(self.env),
                            )
                        )

    @api.model
    def _spm_managed_value(self, field, value, record):
        """``value`` of ``field`` as ``record`` would hold it, to compare (products as a set)."""
        value = field.convert_to_cache(value, record)
        return frozenset(value) if field.type == "many2many" else value

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._spm_check_managed_fields(vals_list)
        partners = super().create(vals_list)
        # A retailer created from a billing's form belongs to that billing's distributor. The link
        # is created with the user's own rights: the context key chooses the distributor, it
        # grants nothing.
        distributor_id = self.env.context.get("spm_retailer_of")
        retailers = partners.filtered("spm_is_retailer")
        if retailers and isinstance(distributor_id, int):
            self.env["spm.distributor.retailer"].create(
                [{"distributor_id": distributor_id, "retailer_id": retailer.id} for retailer in retailers]
            )
        return partners

    def write(self, vals):
        self._spm_check_managed_fields([vals])
        return super().write(vals)

    @api.depends("spm_is_retailer", "vat", "name", "city")
    def _compute_spm_retailer_keys(self):
        for partner in self:
            retailer = partner.spm_is_retailer
            partner.spm_tax_id_key = (retailer and tax_id_key(partner.vat)) or False
            partner.spm_name_city_key = (
                retailer and partner.city and f"{retailer_key(partner.name)}|{retailer_key(partner.city)}"
            ) or False

    def _compute_spm_retailer_duplicate(self):
        duplicates = set(self.search([("id", "in", self.ids), ("spm_retailer_duplicate", "=", True)]).ids)
        for partner in self:
            partner.spm_retailer_duplicate = partner.id in duplicates

    def _search_spm_retailer_duplicate(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        self.flush_model(["spm_is_retailer", "active", "spm_tax_id_key", "spm_name_city_key"])
        query = SQL(
            """(SELECT p.id FROM res_partner p
                WHERE p.spm_is_retailer AND p.active AND EXISTS (
                    SELECT 1 FROM res_partner o
                     WHERE o.id != p.id AND o.spm_is_retailer AND o.active
                       AND (o.spm_tax_id_key = p.spm_tax_id_key
                            OR o.spm_name_city_key = p.spm_name_city_key)))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", query)]

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

    def _spm_retailer_links(self):
        """This distributor's links to its retailers (active ones), as superuser."""
        self.ensure_one()
        return (
            self.env["spm.distributor.retailer"]
            .sudo()
            .search([("distributor_id", "=", self.id), ("retailer_id.active", "=", True)])
        )

    def _spm_retailers(self):
        """The retailers linked to this distributor, by name."""
        self.ensure_one()
        return self._spm_retailer_links().retailer_id.sorted(lambda r: (r.name or "", r.id))

    def _spm_find_retailers(self, entries):
        """Match each entry to an existing retailer.

        An entry is a name or code, or ``(name or code, tax id, city)``. Its
        match is, in this order: the retailer this distributor gives that code;
        the retailer with that tax id (GSTIN, VAT; any distributor's); the
        retailer of that name in that city (any distributor's); the retailer of
        this distributor with that name. Case, spaces (and a tax id's
        punctuation) are ignored.

        :return: ``{entry: retailer}``, an empty record when nothing matches;
            a retailer not linked to this distributor yet is linked by
            :meth:`_spm_link_retailers` when a billing names it
        """
        self.ensure_one()
        links = self._spm_retailer_links()
        by_code, by_name = {}, {}
        for link in links:
            if link.code_key:
                by_code.setdefault(link.code_key, link.retailer_id)
            by_name.setdefault(retailer_key(link.retailer_id.name), link.retailer_id)
        parsed = {entry: (entry, "", "") if isinstance(entry, str) else tuple(entry) for entry in entries}
        tax_ids = {tax_id_key(vat) for _text, vat, _city in parsed.values()} - {""}
        places = {
            f"{retailer_key(text)}|{retailer_key(city)}" for text, _vat, city in parsed.values() if city
        }
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        by_tax_id, by_place = {}, {}
        if tax_ids:
            for retailer in Partner.search(
                [("spm_is_retailer", "=", True), ("spm_tax_id_key", "in", list(tax_ids))], order="id"
            ):
                by_tax_id.setdefault(retailer.spm_tax_id_key, retailer)
        if places:
            for retailer in Partner.search(
                [("spm_is_retailer", "=", True), ("spm_name_city_key", "in", list(places))], order="id"
            ):
                by_place.setdefault(retailer.spm_name_city_key, retailer)
        result = {}
        for entry, (text, vat, city) in parsed.items():
            key = retailer_key(text)
            result[entry] = (
                by_code.get(key)
                or by_tax_id.get(tax_id_key(vat))
                or (city and by_place.get(f"{key}|{retailer_key(city)}"))
                or by_name.get(key)
                or self.env["res.partner"]
            )
        return result

    def _spm_near_retailers(self, name):
        """The distributor's retailers whose names look like ``name`` (a name that
        :meth:`_spm_find_retailers` matched to none), the likeliest first."""
        self.ensure_one()
        key = retailer_key(name)
        by_key = {}
        for retailer in self._spm_retailer_links()[:MAX_RETAILERS_COMPARED].retailer_id:
            by_key.setdefault(retailer_key(retailer.name), retailer)
        close = difflib.get_close_matches(
            key, list(by_key), n=MAX_NEAR_RETAILERS, cutoff=MIN_RETAILER_SIMILARITY
        )
        return self.env["res.partner"].union(*(by_key[match] for match in close))

    def _spm_create_retailers(self, names, details=None):
        """Create the retailers ``names`` (new to this distributor): companies of
        their own, linked to it; return ``{name: partner}``.

        :param dict details: ``{name: (tax id, city)}`` of the names that have them
        """
        self.ensure_one()
        details = details or {}
        unique = {}
        for name in names:
            unique.setdefault(retailer_key(name), " ".join(name.split()))
        if not unique:
            return {}
        created = (
            self.env["res.partner"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "is_company": True,
                        "spm_is_retailer": True,
                        "vat": details.get(name, ("", ""))[0] or False,
                        "city": details.get(name, ("", ""))[1] or False,
                        "company_id": self.company_id.id,
                    }
                    for name in unique.values()
                ]
            )
        )
        self._spm_link_retailers([(self.id, retailer.id) for retailer in created])
        by_key = {retailer_key(p.name): p for p in created}
        return {name: by_key[retailer_key(name)] for name in names}

    @api.model
    def _spm_link_retailers(self, pairs):
        """Link each ``(distributor id, retailer id)`` of ``pairs`` not linked yet
        (the retailers a distributor's billings name)."""
        pairs = {pair for pair in pairs if all(pair)}
        if not pairs:
            return
        Link = self.env["spm.distributor.retailer"].sudo()
        linked = {
            (link.distributor_id.id, link.retailer_id.id)
            for link in Link.search(
                [
                    ("distributor_id", "in", list({d for d, _r in pairs})),
                    ("retailer_id", "in", list({r for _d, r in pairs})),
                ]
            )
        }
        Link.create([{"distributor_id": d, "retailer_id": r} for d, r in sorted(pairs - linked)])

    def action_view_spm_secondary_billings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_portal.spm_secondary_billing_action")
        action["domain"] = [("distributor_id", "=", self.id)]
        action["context"] = {"default_distributor_id": self.id}
        return action
