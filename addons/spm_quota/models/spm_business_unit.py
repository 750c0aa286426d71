from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError


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
                raise ValidationError(
                    _(
                        "The product category %(category)s already belongs to another business unit.",
                        category=shared_categories[0].display_name,
                    )
                )
            shared_teams = unit.team_ids & others.team_ids
            if shared_teams:
                raise ValidationError(
                    _(
                        "The sales team %(team)s already belongs to another business unit.",
                        team=shared_teams[0].display_name,
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
        by_category, by_team = self._unit_mapping()
        # One prefetch set: reading a field of one unit reads it for all of them at once.
        prefetch = tuple(set(by_category.values()) | set(by_team.values()))
        result = []
        for product, team, company in zip(products, teams, companies, strict=True):
            unit = self.browse()
            # parent_path is "root/.../own/": walk it from the product's own category up.
            path = product.categ_id.parent_path or ""
            for categ_id in reversed([int(x) for x in path.split("/") if x]):
                if (company.id, categ_id) in by_category:
                    unit = self.browse(by_category[(company.id, categ_id)]).with_prefetch(prefetch)
                    break
            if not unit and team:
                unit = self.browse(by_team.get((company.id, team.id))).with_prefetch(prefetch)
            result.append(unit)
        return result

    @api.model
    @tools.ormcache()
    def _unit_mapping(self):
        """{(company_id, category_id): unit_id} and {(company_id, team_id): unit_id}
        of the active units, cached until a unit changes (units change rarely,
        documents are credited all day)."""
        by_category, by_team = {}, {}
        for unit in self.sudo().search([("active", "=", True)]):
            for category in unit.product_category_ids:
                by_category[(unit.company_id.id, category.id)] = unit.id
            for team in unit.team_ids:
                by_team[(unit.company_id.id, team.id)] = unit.id
        return by_category, by_team

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

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
