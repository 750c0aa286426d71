from collections import defaultdict, namedtuple
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare, format_date

from ..tools import is_trusted

Share = namedtuple("Share", "user_id share kind assignment_id")
# Raised (see tools/trusted.py) by the code that changes a whole team split in
# several writes and checks the shares once at the end.
DEFER_SHARE_CHECK = "spm_defer_share_check"


def own_unit_first(splits, unit_of):
    """A unit's own splits take precedence over the splits for every unit.

    The one place of the rule, for the share resolver and the share check:
    ``splits`` are the team splits in force of one account for one unit, the
    unit's own and those for every unit; ``unit_of`` gives a split's unit
    (falsy for every unit). Returns the unit's own splits when it has any,
    else those for every unit, as a list.
    """
    splits = list(splits)
    return [split for split in splits if unit_of(split)] or splits


class SpmAssignment(models.Model):
    """Who owns which account: a salesperson's share of a customer or a
    distributor, in one business unit (or every unit), between two dates."""

    _name = "spm.assignment"
    _description = "SPM Account Assignment"
    _inherit = ["mail.thread", "spm.unit.scoped.mixin"]
    _order = "partner_id, business_unit_id, date_from desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain=[("parent_id", "=", False)],
        help="A customer or a distributor; always its commercial entity.",
    )
    is_distributor = fields.Boolean(related="partner_id.is_distributor")
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    business_unit_id = fields.Many2one(
        "spm.business.unit",
        index=True,
        tracking=True,
        help="Empty means every business unit without an assignment of its own for this account.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    kind = fields.Selection(
        [("split", "Team split"), ("overlay", "Overlay")],
        required=True,
        default="split",
        tracking=True,
        help="A team split shares the credit with the other splits (100 % in all); "
        "an overlay receives full credit on top of the split.",
    )
    share = fields.Float(
        string="Share (%)",
        digits=(5, 2),
        default=100.0,
        tracking=True,
        help="The salesperson's percentage of the credit, for team splits.",
    )
    # What a split adds to its team's 100 %: overlays count for nothing there.
    split_share = fields.Float(
        "Split Share (%)",
        digits=(5, 2),
        compute="_compute_split_share",
        store=True,
        help="The share for team splits, zero for overlays (they are credited on top).",
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(tracking=True, help="Last day in force; empty means open-ended.")
    active = fields.Boolean(default=True, tracking=True)
    in_force_today = fields.Boolean(compute="_compute_in_force_today", search="_search_in_force_today")

    _sql_constraints = [
        ("share_range", "CHECK(share >= 0 AND share <= 100)", "A share is a percentage between 0 and 100."),
        (
            "dates_order",
            "CHECK(date_to IS NULL OR date_to >= date_from)",
            "An assignment cannot end before it starts.",
        ),
    ]

    @api.depends("business_unit_id")
    def _compute_company_id(self):
        for assignment in self:
            if assignment.business_unit_id:
                assignment.company_id = assignment.business_unit_id.company_id

    def _compute_in_force_today(self):
        in_force = self.filtered_domain(self._in_force_domain(fields.Date.context_today(self)))
        for assignment in self:
            assignment.in_force_today = assignment in in_force

    def _search_in_force_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search the assignments in force today with = or != and a boolean."))
        domain = expression.normalize_domain(self._in_force_domain(fields.Date.context_today(self)))
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("kind", "share")
    def _compute_split_share(self):
        for assignment in self:
            assignment.split_share = assignment.share if assignment.kind == "split" else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._commercial_partner_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._commercial_partner_vals(vals)
        return super().write(vals)

    def _commercial_partner_vals(self, vals):
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id

    @api.depends("partner_id", "user_id", "business_unit_id", "kind", "share")
    def _compute_display_name(self):
        for assignment in self:
            what = f"{assignment.share:g} %" if assignment.kind == "split" else _("overlay")
            assignment.display_name = _(
                "%(account)s: %(salesperson)s (%(what)s)",
                account=assignment.partner_id.display_name,
                salesperson=assignment.user_id.name,
                what=what,
            )

    @api.constrains("partner_id", "business_unit_id", "kind", "share", "date_from", "date_to", "active")
    def _check_split_shares(self):
        """For every account, unit and day, the team splits in force add up to
        100 % (or nobody is assigned). Overlays are not counted."""
        if is_trusted(self.env, DEFER_SHARE_CHECK):
            return
        self._check_split_shares_of_partners(self.partner_id)

    @api.model
    def _check_split_shares_of_partners(self, partners):
        assignments = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("kind", "=", "split"),
                ]
            )
        )
        by_partner = defaultdict(lambda: self.sudo().browse())
        for assignment in assignments:
            by_partner[assignment.partner_id] |= assignment
        for partner, splits in by_partner.items():
            units = {a.business_unit_id for a in splits}
            # Days where the set in force can change: every start and every day after an end.
            bounds = sorted(
                {a.date_from for a in splits} | {a.date_to + timedelta(days=1) for a in splits if a.date_to}
            )
            for index, day in enumerate(bounds):
                in_force = splits.filtered_domain(self._in_force_domain(day))
                for unit in units:
                    effective = self._effective_splits(in_force, unit)
                    total = sum(effective.mapped("share"))
                    if effective and float_compare(total, 100.0, precision_digits=2):
                        end = bounds[index + 1] - timedelta(days=1) if index + 1 < len(bounds) else None
                        # Formatted outside _(): the extraction of terms reads its arguments as literals.
                        shown_total = f"{total:g}"
                        raise ValidationError(
                            _(
                                "The team splits of %(partner)s in %(unit)s add up to %(total)s %% "
                                "from %(start)s to %(end)s; they must add up to exactly 100 %%.",
                                partner=partner.display_name,
                                unit=unit.display_name or _("every business unit"),
                                total=shown_total,
                                start=format_date(self.env, day),
                                end=format_date(self.env, end) if end else _("open end"),
                            )
                        )

    @api.model
    def _in_force_domain(self, day, onwards=False):
        """The assignments in force on ``day``: active, starting on or before
        it and ending on or after it (``date_to`` is the last day in force,
        empty for open-ended); with ``onwards``, those in force on ``day`` or
        on a later day.

        The one definition of "in force", for searches and for
        ``filtered_domain``; :meth:`_in_force_sql` is the same rule in SQL."""
        domain = [("active", "=", True), "|", ("date_to", "=", False), ("date_to", ">=", day)]
        return domain if onwards else [*domain, ("date_from", "<=", day)]

    @api.model
    def _in_force_sql(self, alias, day):
        """:meth:`_in_force_domain` as an SQL condition on the assignments of
        table ``alias``, ``day`` being an SQL expression (a joined column) or a
        date."""
        return SQL(
            "(%(active)s AND %(date_from)s <= %(day)s AND (%(date_to)s IS NULL OR %(date_to)s >= %(day)s))",
            active=SQL.identifier(alias, "active"),
            date_from=SQL.identifier(alias, "date_from"),
            date_to=SQL.identifier(alias, "date_to"),
            day=day,
        )

    def _end_before(self, day):
        """Take these assignments out of force from ``day`` on, keeping what
        was in force before it: those that have started end the day before,
        those starting on ``day`` or later are archived (never in force)."""
        starting_later = self.filtered(lambda a: a.date_from >= day)
        (self - starting_later).filtered(lambda a: not a.date_to or a.date_to >= day).write(
            {"date_to": day - timedelta(days=1)}
        )
        starting_later.write({"active": False})

    @api.model
    def _effective_splits(self, splits_in_force, unit):
        """The splits in force that share the credit of ``unit`` (empty: of a
        line without unit), from those of any unit."""
        candidates = splits_in_force.filtered(lambda a: not a.business_unit_id or a.business_unit_id == unit)
        return splits_in_force.browse().concat(*own_unit_first(candidates, lambda a: a.business_unit_id))

    @api.model
    def _get_shares(self, keys):
        """Return the salespersons credited for each (partner, unit, day).

        The one resolver used by credit allocation on orders, invoices and
        secondary billings. It reads the assignments of the whole batch in a
        single query, whatever the number of keys.

        :param keys: an iterable of ``(partner_id, business_unit_id, date)``
                     tuples; the partner is a commercial entity
        :return: a dict mapping each key to a list of :class:`Share`
                 (user_id, share in percent, kind, assignment_id); team splits
                 of the key's unit take precedence over those for every unit,
                 overlays always apply (share 100)
        """
        keys = list(dict.fromkeys(keys))
        result = {key: [] for key in keys}
        if not keys:
            return result
        self.env["spm.assignment"].flush_model()
        day = SQL.identifier("k", "day")
        self.env.cr.execute(
            SQL(
                """
            SELECT k.idx, a.id, a.user_id, a.kind, a.share, a.business_unit_id
              FROM unnest(%(idx)s::int[], %(partners)s::int[], %(units)s::int[], %(days)s::date[])
                   AS k(idx, partner_id, unit_id, day)
              JOIN spm_assignment a
                ON a.partner_id = k.partner_id
               AND (a.business_unit_id = k.unit_id OR a.business_unit_id IS NULL)
               AND %(in_force)s
             ORDER BY k.idx, a.kind DESC, a.share DESC, a.id
            """,
                idx=list(range(len(keys))),
                partners=[k[0] for k in keys],
                units=[k[1] or 0 for k in keys],
                days=[k[2] for k in keys],
                in_force=self._in_force_sql("a", day),
            )
        )
        rows = defaultdict(list)
        for idx, assignment_id, user_id, kind, share, unit_id in self.env.cr.fetchall():
            rows[idx].append((assignment_id, user_id, kind, share, unit_id))
        for idx, key in enumerate(keys):
            splits = [r for r in rows[idx] if r[2] == "split"]
            for assignment_id, user_id, kind, share, _unit in own_unit_first(splits, lambda r: r[4]):
                result[key].append(Share(user_id, share, kind, assignment_id))
            for assignment_id, user_id, kind, _share, _unit in rows[idx]:
                if kind == "overlay":
                    result[key].append(Share(user_id, 100.0, kind, assignment_id))
        return result

    def action_edit_team_split(self):
        """Open the team split editor of the first selected assignment's
        account and unit (empty: the manager chooses them)."""
        return self.env["spm.assignment.split"]._action_open(self[:1].partner_id, self[:1].business_unit_id)

    def action_reassign(self):
        """Open the reassignment wizard for the selected assignments' accounts."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Reassign accounts"),
            "res_model": "spm.assignment.reassign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.partner_id.ids},
        }
