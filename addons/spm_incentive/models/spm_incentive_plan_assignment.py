from collections import defaultdict
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, formatLang

from ..tools import (
    covered_fraction,
    months_covered,
    period_bounds,
    period_months,
    to_decimal,
)
from .spm_incentive_plan_version import DATE_MAX, DATE_MIN, MAX_AMOUNT


class SpmIncentivePlanAssignment(models.Model):
    """A salesperson on a plan for a business unit, within dates, with a
    target incentive amount per period. A salesperson may be on several
    plans, one per unit at a time."""

    _name = "spm.incentive.plan.assignment"
    _description = "SPM Incentive Plan Assignment"
    _order = "date_from desc, id desc"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    business_unit_id = fields.Many2one("spm.business.unit", required=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(month=1, day=1)
    )
    date_to = fields.Date()
    target_incentive = fields.Monetary(
        "Target Incentive Amount",
        help="What the salesperson earns per period at 100 % attainment "
        "on plans paying a percentage of the target incentive amount.",
    )
    vendor_partner_id = fields.Many2one(
        "res.partner",
        string="Agent (Vendor)",
        help="For an external agent: the vendor billed for the payout.",
    )

    @api.depends("plan_id.name", "user_id.name", "business_unit_id.name")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = (
                f"{assignment.plan_id.name} - {assignment.user_id.name} ({assignment.business_unit_id.name})"
            )

    @api.constrains("date_from", "date_to", "target_incentive", "business_unit_id", "plan_id")
    def _check_values(self):
        for assignment in self:
            if not DATE_MIN <= assignment.date_from <= DATE_MAX or (
                assignment.date_to and not assignment.date_from <= assignment.date_to <= DATE_MAX
            ):
                raise ValidationError(
                    _(
                        "A plan assignment runs between %(min)s and %(max)s, ending after it starts.",
                        min=DATE_MIN,
                        max=DATE_MAX,
                    )
                )
            if not 0 <= assignment.target_incentive <= MAX_AMOUNT:
                raise ValidationError(
                    _("The target incentive amount is between 0 and %(max)s.", max=MAX_AMOUNT)
                )
            if assignment.business_unit_id.company_id != assignment.plan_id.company_id:
                raise ValidationError(_("The business unit and the plan belong to the same company."))

    @api.constrains("user_id", "business_unit_id", "date_from", "date_to")
    def _check_overlap(self):
        for assignment in self:
            domain = [
                ("id", "!=", assignment.id),
                ("user_id", "=", assignment.user_id.id),
                ("business_unit_id", "=", assignment.business_unit_id.id),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", assignment.date_from),
            ]
            if assignment.date_to:
                domain.append(("date_from", "<=", assignment.date_to))
            other = self.sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    _(
                        "%(user)s is already on %(plan)s for %(unit)s in these dates: "
                        "one plan per unit at a time.",
                        user=assignment.user_id.name,
                        plan=other.plan_id.name,
                        unit=assignment.business_unit_id.name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        # Record rules saw the assignments where they were: check where they are now too.
        if {"business_unit_id", "user_id", "plan_id"} & set(vals):
            self.check_access("write")
        return result

    @api.model
    def _active_domain(self, date_from, date_to):
        return [("date_from", "<=", date_to), "|", ("date_to", "=", False), ("date_to", ">=", date_from)]

    # ------------------------------------------------------------ earnings

    @api.readonly
    def get_earnings(self, day=None, what_if=0):
        """The running earnings of the assignments of ``self`` the caller may
        read, for their plans' period holding ``day`` (default today), and
        what they would be with ``what_if`` more credit: nothing is written.

        :return: {assignment id: {period_start, period_end, measure, target,
            attainment, earned, tier_rate, next_tier_gap, next_tier_rate,
            what_if_earned, held (the measure of credit held), held_would_add
            (what it would earn once released)}} (floats; attainment ``None``
            without a target)
        """
        return {
            assignment.id: figures
            for assignment, (figures, _rules) in self._running_earnings(day, what_if).items()
        }

    def _running_earnings(self, day, what_if):
        """The figures of :meth:`get_earnings` after checking the caller reads
        ``self`` and the bounds of ``day`` and ``what_if``, in a bounded number
        of queries whatever the number of assignments and months.

        :return: {assignment (sudo): (figures, the :class:`PlanRules` paying them)}
        """
        self.check_access("read")
        try:
            extra = to_decimal(what_if)
        except (ArithmeticError, ValueError, TypeError):
            extra = None
        if extra is None or not extra.is_finite() or abs(extra) > to_decimal(MAX_AMOUNT):
            raise UserError(_("The what-if amount is a number between -%(max)s and %(max)s.", max=MAX_AMOUNT))
        day = fields.Date.to_date(day) if day else fields.Date.context_today(self)
        if not DATE_MIN <= day <= DATE_MAX:
            raise UserError(_("The day is between %(min)s and %(max)s.", min=DATE_MIN, max=DATE_MAX))
        result = {}
        assignments = self.sudo()
        periods = {
            assignment: period_bounds(day, assignment.plan_id.period_type) for assignment in assignments
        }
        versions = assignments.plan_id._version_at({a.plan_id: start for a, (start, _end) in periods.items()})
        for assignment, earning in assignments._period_earnings(periods, versions).items():
            start, end = periods[assignment]
            rules, payout = earning["rules"], earning["payout"]
            # The what-if and the held credit move the measure already read.
            what_if_payout = rules.payout(
                earning["measure"] + extra * to_decimal(rules.weight(assignment.business_unit_id.id)) / 100,
                earning["target"],
                earning["target_incentive"],
            )
            held_payout = rules.payout(
                earning["measure"] + earning["held"], earning["target"], earning["target_incentive"]
            )
            figures = {
                "period_start": start,
                "period_end": end,
                "measure": float(earning["measure"]),
                "target": float(earning["target"]),
                "attainment": None if payout.attainment is None else float(payout.attainment),
                "earned": float(payout.amount),
                "tier_rate": None if payout.tier_rate is None else float(payout.tier_rate),
                "next_tier_gap": None if payout.next_tier_gap is None else float(payout.next_tier_gap),
                "next_tier_rate": None if payout.next_tier_rate is None else float(payout.next_tier_rate),
                "what_if_earned": float(what_if_payout.amount),
                "held": float(earning["held"]),
                "held_would_add": float(held_payout.amount - payout.amount),
            }
            result[assignment] = (figures, rules)
        return result

    @api.readonly
    @api.model
    def get_my_earnings(self, what_if=0):
        """The caller's running earnings on each plan he is on today, for his
        *My earnings* screen: the figures of :meth:`get_earnings` (``what_if``
        more credit included, nothing written) with the plan, the unit, the
        period and a sentence saying what the next tier needs.

        :return: {user_id, currency_id, assignments: [{id, plan, unit,
            currency_id, period_type, period_label, tier_label,
            next_tier_label, ...get_earnings' figures}]}
        """
        today = fields.Date.context_today(self)
        assignments = self.search_fetch(
            [("user_id", "=", self.env.uid), *self._active_domain(today, today)],
            # What the earnings read, and the company the record rules check.
            [
                "plan_id",
                "user_id",
                "business_unit_id",
                "company_id",
                "date_from",
                "date_to",
                "target_incentive",
            ],
        )
        running = assignments._running_earnings(today, what_if)
        rows = []
        for assignment in assignments.filtered(lambda a: a in running):
            earning, rules = running[assignment]
            rows.append(
                {
                    **earning,
                    "id": assignment.id,
                    "plan": assignment.plan_id.name,
                    "unit": assignment.business_unit_id.name,
                    "currency_id": assignment.currency_id.id,
                    "period_type": assignment.plan_id.period_type,
                    "period_label": _(
                        "%(start)s to %(end)s",
                        start=format_date(self.env, earning["period_start"]),
                        end=format_date(self.env, earning["period_end"]),
                    ),
                    "tier_label": ""
                    if earning["tier_rate"] is None
                    else assignment._rate_label(earning["tier_rate"], rules),
                    "next_tier_label": assignment._next_tier_label(earning, rules),
                }
            )
        return {"user_id": self.env.uid, "currency_id": self.env.company.currency_id.id, "assignments": rows}

    def _next_tier_label(self, earning, rules):
        """What the next tier needs, as the salesperson reads it: "12,000.00 more
        this quarter: 4 % instead of 2 % on everything"."""
        self.ensure_one()
        if earning["next_tier_rate"] is None:
            if earning["tier_rate"] is None:
                return ""
            return _("Top tier reached: %(rate)s.", rate=self._rate_label(earning["tier_rate"], rules))
        period = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[self.plan_id.period_type]
        values = {
            "gap": format_amount(self.env, earning["next_tier_gap"], self.currency_id),
            "period": period,
            "next": self._rate_label(earning["next_tier_rate"], rules),
        }
        if earning["tier_rate"] is None:
            return _("%(gap)s more this %(period)s to reach the first tier: %(next)s.", **values)
        values["current"] = self._rate_label(earning["tier_rate"], rules)
        if rules.mode == "retroactive":
            return _("%(gap)s more this %(period)s: %(next)s instead of %(current)s on everything.", **values)
        return _(
            "%(gap)s more this %(period)s: %(next)s instead of %(current)s on what you sell beyond it.",
            **values,
        )

    def _rate_label(self, rate, rules):
        """A tier's rate as read: "4 %", or "4 % of the target incentive"."""
        decimals = len(f"{to_decimal(rate).normalize():f}".partition(".")[2])
        rate = formatLang(self.env, rate, digits=decimals)
        if rules.basis == "target_incentive":
            return _("%(rate)s %% of the target incentive", rate=rate)
        return _("%(rate)s %%", rate=rate)

    def _earnings(self, date_from, date_to, versions=None):
        """The earnings of the assignments of ``self`` over the months from
        ``date_from`` to ``date_to`` (see :meth:`_period_earnings`).

        :param dict versions: {plan: version} to pay by (default: each plan's
            version in force on ``date_from``)
        """
        if versions is None:
            versions = self.plan_id._version_at(date_from)
        return self._period_earnings(dict.fromkeys(self, (date_from, date_to)), versions)

    def _period_earnings(self, periods, versions):
        """The earnings of the assignments of ``self``, each over the months of
        its period, read in a bounded number of queries whatever the number of
        assignments, plans, periods and months.

        :param dict periods: {assignment: (first day, last day)}
        :param dict versions: {plan: version} to pay by
        :return: {assignment: {"version", "rules" (its :class:`PlanRules`),
            "months": [{month, achieved, collected, measure, target, held}],
            "measure", "target", "held" (the measure of the credit held, not
            earning until released), "target_incentive" (prorated),
            "payout"}} (decimals), for assignments whose plan has a version then
        """
        versions = {plan: version for plan, version in versions.items() if version}
        rules_of = self.env["spm.incentive.plan.version"].union(*versions.values())._rules()
        assignments = self.filtered(lambda a: a.plan_id in versions)
        months_of = {assignment: period_months(*periods[assignment]) for assignment in assignments}
        months = sorted({month for assignment_months in months_of.values() for month in assignment_months})
        by_version = defaultdict(self.browse)
        for assignment in assignments:
            by_version[versions[assignment.plan_id]] |= assignment
        # Versions paying on the aggregate, and those needing the lines.
        line_users = set()
        monthly_users = set()
        for version, group in by_version.items():
            (line_users if rules_of[version].needs_lines() else monthly_users).update(group.user_id.ids)
        credit = self._read_monthly_credit(monthly_users, months, assignments.company_id.ids)
        line_credit = self._read_line_credit(line_users, months, assignments.company_id.ids)
        targets = self._read_targets(assignments.user_id.ids, months)
        categ_paths = self._categ_paths({row[0] for rows in line_credit.values() for row in rows if row[0]})
        result = {}
        for version, group in by_version.items():
            rules = rules_of[version]
            needs_lines = rules.needs_lines()
            for assignment in group:
                user, unit = assignment.user_id.id, assignment.business_unit_id.id
                unit_weight = to_decimal(rules.weight(unit))
                rows = []
                # Joining or leaving the plan within the period: only its months
                # count, and the target incentive is prorated by its days.
                for month in months_covered(months_of[assignment], assignment.date_from, assignment.date_to):
                    if needs_lines:
                        achieved = collected = measure = held = Decimal(0)
                        for categ, secondary, amount, paid, on_hold in line_credit.get(
                            (user, unit, month), ()
                        ):
                            if not rules.source_matches_credit(secondary):
                                continue
                            weight = to_decimal(rules.weight(unit, categ_paths.get(categ)))
                            achieved += amount
                            collected += paid
                            measure += rules.measure_of(amount, paid) * weight / 100
                            held += rules.measure_of(on_hold, Decimal(0)) * weight / 100
                    else:
                        achieved, collected, held = credit.get((user, unit, month), (Decimal(0),) * 3)
                        measure = rules.measure_of(achieved, collected) * unit_weight / 100
                        held = rules.measure_of(held, Decimal(0)) * unit_weight / 100
                    rows.append(
                        {
                            "month": month,
                            "achieved": achieved,
                            "collected": collected,
                            "measure": measure,
                            "target": targets.get((user, unit, month), Decimal(0)),
                            "held": held,
                        }
                    )
                measure = sum((row["measure"] for row in rows), Decimal(0))
                target = sum((row["target"] for row in rows), Decimal(0))
                target_incentive = to_decimal(assignment.target_incentive) * covered_fraction(
                    *periods[assignment], assignment.date_from, assignment.date_to
                )
                result[assignment] = {
                    "version": version,
                    "rules": rules,
                    "months": rows,
                    "measure": measure,
                    "target": target,
                    "held": sum((row["held"] for row in rows), Decimal(0)),
                    "target_incentive": target_incentive,
                    "payout": rules.payout(measure, target, target_incentive),
                }
        return result

    def _read_monthly_credit(self, user_ids, months, company_ids):
        """{(user, unit, month): (achieved, collected, held)} from the monthly
        aggregate, one query (held credit is not achieved: see spm_credit)."""
        if not user_ids:
            return {}
        self.env["spm.credit.monthly"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT user_id, business_unit_id, month, SUM(amount)::text, SUM(amount_collected)::text,
                       SUM(COALESCE(held_amount, 0))::text
                  FROM spm_credit_monthly
                 WHERE user_id = ANY(%s) AND month = ANY(%s) AND company_id = ANY(%s)
                 GROUP BY 1, 2, 3
                """,
                sorted(user_ids),
                months,
                company_ids,
            )
        )
        return {
            (user, unit, month): (Decimal(amount or 0), Decimal(collected or 0), Decimal(held or 0))
            for user, unit, month, amount, collected, held in self.env.cr.fetchall()
        }

    def _read_line_credit(self, user_ids, months, company_ids):
        """{(user, unit, month): [(category, secondary, achieved, collected, held)]}
        from the credit lines, one query; a held line (and its reversal) is
        held, never achieved."""
        if not user_ids:
            return {}
        self.env["spm.credit.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.user_id, l.business_unit_id, l.month, pt.categ_id, l.basis = 'secondary',
                       COALESCE(SUM(l.amount) FILTER (WHERE NOT COALESCE(l.is_held, FALSE)), 0)::text,
                       SUM(COALESCE(l.amount_collected, 0))::text,
                       COALESCE(SUM(l.amount) FILTER (WHERE l.is_held), 0)::text
                  FROM spm_credit_line l
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.user_id = ANY(%s) AND l.month = ANY(%s) AND l.company_id = ANY(%s)
                 GROUP BY 1, 2, 3, 4, 5
                """,
                sorted(user_ids),
                months,
                company_ids,
            )
        )
        result = defaultdict(list)
        for user, unit, month, categ, secondary, amount, collected, held in self.env.cr.fetchall():
            result[user, unit, month].append(
                (categ, secondary, Decimal(amount), Decimal(collected), Decimal(held))
            )
        return result

    def _read_targets(self, user_ids, months):
        """{(user, unit, month): target} from confirmed monthly quotas, one query."""
        if not user_ids:
            return {}
        self.env["spm.quota.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT user_id, business_unit_id, month, SUM(amount)::text
                  FROM spm_quota_line
                 WHERE state = 'confirmed' AND user_id = ANY(%s) AND month = ANY(%s)
                 GROUP BY 1, 2, 3
                """,
                sorted(set(user_ids)),
                months,
            )
        )
        return {(user, unit, month): Decimal(amount) for user, unit, month, amount in self.env.cr.fetchall()}

    def _categ_paths(self, categ_ids):
        if not categ_ids:
            return {}
        categs = self.env["product.category"].sudo().browse(categ_ids)
        return {categ.id: categ.parent_path for categ in categs}
