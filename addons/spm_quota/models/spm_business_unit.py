from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class SpmBusinessUnit(models.Model):
    _name = "spm.business.unit"
    _description = "SPM Business Unit"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    manager_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain=[("share", "=", False)],
        help="Manages the unit's assignments and quotas, and receives its credit issues.",
    )
    product_category_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Products of these categories, or of their subcategories, belong to this unit.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        help="Lines whose product matches no unit belong to the unit of the document's sales team.",
    )
    assignment_ids = fields.One2many("spm.assignment", "business_unit_id", string="Assignments")
    quota_ids = fields.One2many("spm.quota", "business_unit_id", string="Quotas")
    assignment_count = fields.Integer(compute="_compute_counts")
    quota_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a business unit must be unique per company.",
        ),
    ]

    def _compute_counts(self):
        for field, model in (("assignment_count", "spm.assignment"), ("quota_count", "spm.quota")):
            counts = dict(
                self.env[model]._read_group(
                    [("business_unit_id", "in", self.ids)], ["business_unit_id"], ["__count"]
                )
            )
            for unit in self:
                unit[field] = counts.get(unit, 0)

    def _spm_responsible_users(self, company):
        """Who answers for these units: their managers; when none has one (or
        no unit could be resolved), the first SPM administrator of ``company``,
        so that an issue or a review always reaches someone."""
        if self.manager_id:
            return self.manager_id
        return self.env.ref("spm_quota.group_spm_admin").users.filtered(
            lambda user: company in user.company_ids and not user.share
        )[:1]

    @api.constrains("product_category_ids", "team_ids", "company_id", "active")
    def _check_unique_mapping(self):
        """A category or a team belongs to one active unit per company, so that
        every line resolves to exactly one unit."""
        for unit in self.filtered("active"):
            others = self.search(
                [
                    ("id", "!=", unit.id),
                    ("company_id", "=", unit.company_id.id),
                ]
            )
            shared_categories = unit.product_category_ids & others.product_category_ids
            if shared_categories:
                category = shared_categories[0]
                owner = others.filtered_domain([("product_category_ids", "in", category.ids)])[:1]
                raise ValidationError(
                    _(
                        "The product category %(category)s already belongs to the business unit %(unit)s: "
                        "remove it there first.",
                        category=category.display_name,
                        unit=owner.display_name,
                    )
                )
            shared_teams = unit.team_ids & others.team_ids
            if shared_teams:
                team = shared_teams[0]
                owner = others.filtered_domain([("team_ids", "in", team.ids)])[:1]
                raise ValidationError(
                    _(
                        "The sales team %(team)s already belongs to the business unit %(unit)s: "
                        "remove it there first.",
                        team=team.display_name,
                        unit=owner.display_name,
                    )
                )

    @api.model
    def _resolve_business_units(self, products, teams, companies):
        """Return the business unit of each document line, in order.

        The one rule used by orders, invoices and secondary billings: the unit
        whose product categories contain the product's category wins (the most
        specific category first); otherwise the unit of the document's sales
        team; otherwise an empty record, which callers report as unresolved.

        :param products: a ``product.product`` recordset of the lines (may repeat)
        :param list teams: the ``crm.team`` record (or empty) of each line
        :param list companies: the ``res.company`` record of each line
        :return: a list of ``spm.business.unit`` records, one per line
        """
        return self._resolve_business_units_of_categories([p.categ_id for p in products], teams, companies)

    @api.model
    def _resolve_business_units_of_categories(self, categories, teams, companies):
        """The same rule as ``_resolve_business_units``, for lines known by their
        product category (grouped history, where there is no product)."""
        by_category, by_team = self._unit_mapping()
        # One prefetch set: reading a field of one unit reads it for all of them at once.
        prefetch = tuple(set(by_category.values()) | set(by_team.values()))
        result = []
        for category, team, company in zip(categories, teams, companies, strict=True):
            unit = self.browse()
            # parent_path is "root/.../own/": walk it from the product's own category up.
            path = category.parent_path or ""
            for categ_id in reversed([int(x) for x in path.split("/") if x]):
                if (company.id, categ_id) in by_category:
                    unit = self.browse(by_category[(company.id, categ_id)]).with_prefetch(prefetch)
                    break
            if not unit and team:
                unit = self.browse(by_team.get((company.id, team.id))).with_prefetch(prefetch)
            result.append(unit)
        return result

    @api.model
    def _unit_mapping(self):
        """{(company_id, category_id): unit_id} and {(company_id, team_id): unit_id}
        of the active units, as this transaction sees them.

        Read in one query each time, not cached per process: a process cache
        cleared when a unit changes can be filled again, with the old units,
        by a request whose snapshot predates the change, and then every later
        transaction of that worker would credit with the old units. The query
        reads a few hundred rows at most, once per crediting transaction.
        """
        self.flush_model()
        categories = self._fields["product_category_ids"]
        teams = self._fields["team_ids"]
        self.env.cr.execute(
            SQL(
                """SELECT 'category', u.company_id, r.%(categ_col)s, u.id
                     FROM spm_business_unit u JOIN %(categ_rel)s r ON r.%(unit_col1)s = u.id
                    WHERE u.active
                    UNION ALL
                   SELECT 'team', u.company_id, r.%(team_col)s, u.id
                     FROM spm_business_unit u JOIN %(team_rel)s r ON r.%(unit_col2)s = u.id
                    WHERE u.active""",
                categ_rel=SQL.identifier(categories.relation),
                unit_col1=SQL.identifier(categories.column1),
                categ_col=SQL.identifier(categories.column2),
                team_rel=SQL.identifier(teams.relation),
                unit_col2=SQL.identifier(teams.column1),
                team_col=SQL.identifier(teams.column2),
            )
        )
        mapping = {"category": {}, "team": {}}
        for kind, company_id, target_id, unit_id in self.env.cr.fetchall():
            mapping[kind][(company_id, target_id)] = unit_id
        return mapping["category"], mapping["team"]

    def action_view_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_quota.spm_assignment_action")
        action["domain"] = [("business_unit_id", "=", self.id)]
        action["context"] = {"default_business_unit_id": self.id}
        return action

    def action_view_quotas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_quota.spm_quota_action")
        action["domain"] = [("business_unit_id", "=", self.id)]
        action["context"] = {"default_business_unit_id": self.id}
        return action
