from collections import defaultdict
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .spm_incentive_plan_version import DATE_MAX, DATE_MIN

MAX_SPIF_AMOUNT = 1e9


class SpmIncentiveSpif(models.Model):
    """A bonus on top of a plan for selling a product or a category within
    dates: an amount per unit sold, or a fixed amount once a salesperson sold
    any of it in the period."""

    _name = "spm.incentive.spif"
    _description = "SPM Incentive SPIF"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    plan_id = fields.Many2one("spm.incentive.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    product_id = fields.Many2one("product.product")
    categ_id = fields.Many2one("product.category", string="Product Category")
    kind = fields.Selection(
        [("per_unit", "Per unit sold"), ("fixed", "Fixed amount")], required=True, default="per_unit"
    )
    amount = fields.Monetary(required=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)

    @api.constrains("product_id", "categ_id", "amount", "date_from", "date_to")
    def _check_values(self):
        for spif in self:
            if bool(spif.product_id) == bool(spif.categ_id):
                raise ValidationError(_("A SPIF is for either a product or a product category."))
            if not 0 < spif.amount <= MAX_SPIF_AMOUNT:
                raise ValidationError(_("A SPIF's amount is positive, at most %(max)s.", max=MAX_SPIF_AMOUNT))
            if not DATE_MIN <= spif.date_from <= spif.date_to <= DATE_MAX:
                raise ValidationError(
                    _(
                        "A SPIF runs between %(min)s and %(max)s, ending after it starts.",
                        min=DATE_MIN,
                        max=DATE_MAX,
                    )
                )

    def _quantities(self, user_ids, date_from, date_to):
        """{(spif, user, unit): (net units sold, [credit line ids])} over the
        days of ``self``'s dates within ``date_from`` to ``date_to``: one query
        per SPIF, whatever the number of salespersons.

        A credit line sells its source line's quantity times its share, signed
        as its amount (a return or a reversal takes units back)."""
        result = {}
        if not user_ids:
            return result
        self.env["spm.credit.line"].flush_model()
        for spif in self:
            start, end = max(spif.date_from, date_from), min(spif.date_to, date_to)
            if start > end:
                continue
            if spif.product_id:
                scope = SQL("l.product_id = %s", spif.product_id.id)
            else:
                scope = SQL(
                    "pt.categ_id IN (SELECT id FROM product_category WHERE parent_path LIKE %s)",
                    f"{spif.categ_id.parent_path}%",
                )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT l.user_id, l.business_unit_id,
                           SUM(SIGN(l.amount) * COALESCE(sol.product_uom_qty, aml.quantity, 0)
                               * l.share / 100)::text,
                           ARRAY_AGG(l.id ORDER BY l.id)
                      FROM spm_credit_line l
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      LEFT JOIN account_move_line aml ON aml.id = l.move_line_id
                      LEFT JOIN sale_order_line sol ON sol.id = l.sale_line_id AND l.move_line_id IS NULL
                     WHERE l.user_id = ANY(%s) AND l.company_id = %s AND l.date BETWEEN %s AND %s AND %s
                       AND NOT COALESCE(l.is_held, FALSE)
                     GROUP BY 1, 2
                    """,
                    sorted(user_ids),
                    spif.company_id.id,
                    start,
                    end,
                    scope,
                )
            )
            for user, unit, quantity, line_ids in self.env.cr.fetchall():
                result[spif, user, unit] = (Decimal(quantity), line_ids)
        return result

    def _bonuses(self, user_ids, date_from, date_to):
        """{(user, unit): [(spif, quantity, amount, line ids)]} of the SPIFs of ``self``."""
        bonuses = defaultdict(list)
        for (spif, user, unit), (quantity, line_ids) in self._quantities(
            user_ids, date_from, date_to
        ).items():
            if quantity <= 0:
                continue
            rate = Decimal(str(spif.amount))
            amount = rate * quantity if spif.kind == "per_unit" else rate
            bonuses[user, unit].append((spif, quantity, amount, line_ids))
        return bonuses
