import calendar
from collections import defaultdict
from decimal import Decimal

import babel.dates
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools import attainment_percent

PERIODS = ("month", "quarter", "year")
FIGURES = ("achieved", "collected", "target", "held")


class SpmCreditDashboard(models.AbstractModel):
    """The figures of the Performance dashboard, read from the monthly credit
    aggregate and the monthly quotas only: whatever the number of credit lines,
    the dashboard costs the same handful of grouped queries."""

    _name = "spm.credit.dashboard"
    _description = "SPM Performance Dashboard"

    @api.readonly
    @api.model
    def get_dashboard_data(self, period="month", user_id=None):
        """Return everything the dashboard shows, as of today.

        :param str period: ``month``, ``quarter`` or ``year``: the period the
            gauge and the team ranking are about
        :param int user_id: the salesperson whose performance to show; only
            managers (for their units), accountants and SPM administrators may
            ask for someone else than themselves
        :return: a dict with

            * ``user``: ``{id, name}`` of the salesperson shown
            * ``performance``: per period (``month``, ``quarter`` to date,
              ``year`` to date, each through the current month), the
              ``target``, ``achieved``, ``collected``, ``held`` (credit
              recorded for a held document, not in ``achieved``) and
              ``attainment`` (%)
            * ``trend``: the 12 months of the year with the same figures
            * ``teams``: for managers, each business unit they manage (for
              administrators and accountants, every unit) with its
              salespersons ranked by attainment over ``period`` and the
              unit's totals; empty for salespersons
            * ``leaderboard``: for the reader's own figures, each unit of theirs
              that shows a leaderboard, with its salespersons' ``rank``,
              ``name`` and ``attainment`` over ``period`` (no amounts)
            * ``user_ids``: every salesperson whose figures are shown, so that
              the client refreshes only on their credit changes
        """
        if period not in PERIODS:
            raise UserError(_("Unknown dashboard period %(period)s.", period=period))
        return self._get_dashboard_data(period, user_id, fields.Date.context_today(self))

    @api.readonly
    @api.model
    def get_figure_action(self, figure, date_from, date_to=None, user_id=None, unit_id=None):
        """Return the window action listing the records a dashboard figure sums.

        :param str figure: ``achieved``, ``collected`` or ``held`` (credit
            lines) or ``target`` (confirmed monthly quota lines)
        :param str date_from: the first month of the figure (a month start)
        :param str date_to: its last month (default: ``date_from``)
        :param int user_id: the salesperson, as for :meth:`get_dashboard_data`
        :param int unit_id: a business unit of the reader's ranking, for a
            salesperson's row of the manager's board
        """
        if figure not in FIGURES:
            raise UserError(_("Unknown dashboard figure %(figure)s.", figure=figure))
        try:
            start = fields.Date.to_date(date_from)
            end = fields.Date.to_date(date_to) if date_to else start
        except (TypeError, ValueError):
            start = end = None
        if not start or not end or start.day != 1 or end.day != 1 or not start <= end:
            raise UserError(
                _("A dashboard figure covers whole months, from the first day of one to that of another.")
            )
        if end > start + relativedelta(months=11):
            raise UserError(_("A dashboard figure covers twelve months at most."))
        user, unit_domain, team_units, __ = self._scope(user_id)
        units = None
        if unit_id:
            units = self.env["spm.business.unit"].browse(int(unit_id))
            if units not in team_units:
                raise AccessError(_("You can only open the figures of the business units you manage."))
        domain = self._figure_domain(start, end, user=user, units=units) + unit_domain
        names = {
            "achieved": _("Achieved"),
            "collected": _("Collected"),
            "target": _("Target"),
            "held": _("Held"),
        }
        if start == end:
            period = format_date(self.env, start, date_format="MMMM y")
        else:
            period = _(
                "%(start)s – %(end)s",
                start=format_date(self.env, start, date_format="MMM y"),
                end=format_date(self.env, end, date_format="MMM y"),
            )
        if figure == "target":
            model, domain = "spm.quota.line", self._target_domain(domain)
        else:
            model = "spm.credit.line"
            # Held credit and its reversals make the held figure, the other lines the achieved one.
            domain.append(("is_held", "=", figure == "held"))
            if figure == "collected":
                domain.append(("amount_collected", "!=", 0))
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "%(figure)s: %(user)s, %(period)s", figure=names[figure], user=user.name, period=period
            ),
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": {"create": False},
            "target": "current",
        }

    @api.model
    def _scope(self, user_id):
        """Who the reader may see: ``(user, unit_domain, team_units, sees_all)``,
        the salesperson shown, the units of theirs the reader may see (empty
        domain: all of them), the units whose ranking the reader gets and
        whether the reader sees every unit."""
        me = self.env.user
        # Administrators and accountants read every unit's credit: they get every unit's ranking.
        sees_all = any(
            me.has_group(group) for group in ("spm_quota.group_spm_admin", "spm_credit.group_spm_accountant")
        )
        Unit = self.env["spm.business.unit"]
        companies = [("company_id", "in", self.env.companies.ids)]
        if sees_all:
            team_units = Unit.search(companies)
        elif me.has_group("spm_quota.group_spm_manager"):
            team_units = Unit.search([("manager_id", "=", me.id), *companies])
        else:
            team_units = Unit

        user = self.env["res.users"].browse(int(user_id)) if user_id else me
        unit_domain = []
        if user != me:
            if not (sees_all or team_units):
                raise AccessError(_("You can only see your own sales performance."))
            if not sees_all:
                # A manager sees a salesperson's figures in the units they manage only.
                unit_domain = [("business_unit_id", "in", team_units.ids)]
        return user, unit_domain, team_units, sees_all

    @api.model
    def _get_dashboard_data(self, period, user_id, today):
        me = self.env.user
        user, unit_domain, team_units, __ = self._scope(user_id)

        year_start = today.replace(month=1, day=1)
        month_start = today.replace(day=1)
        quarter_start = month_start - relativedelta(months=(month_start.month - 1) % 3)
        months = [year_start + relativedelta(months=i) for i in range(12)]
        per_month = self._figures_by_month(
            self._figure_domain(year_start, months[-1], user=user) + unit_domain
        )
        # Twelve labels from one lookup: format_date() per month cost more than the queries.
        locale = babel_locale_parse(get_lang(self.env).code)
        month_names = babel.dates.get_month_names("abbreviated", locale=locale)
        trend = [
            {
                "month": fields.Date.to_string(month),
                "label": month_names[month.month],
                **self._with_attainment(per_month[month]),
            }
            for month in months
        ]
        starts = {"month": month_start, "quarter": quarter_start, "year": year_start}
        performance = {}
        for name, start in starts.items():
            totals = self._sum_figures(per_month[m] for m in months if start <= m <= month_start)
            figures = self._with_attainment(totals)
            expected = self._expected_by(today, start, per_month)
            performance[name] = {
                "date_from": fields.Date.to_string(start),
                "date_to": fields.Date.to_string(month_start),
                "label": self._period_label(name, start, month_start),
                **figures,
                "expected": expected,
                "pace": self._percent(figures["achieved"], expected),
            }
        teams = self._team_figures(team_units, starts[period], month_start) if team_units else []
        leaderboard = self._leaderboard(starts[period], month_start) if user == me else []
        draft_quotas = self._draft_quota_ids(user, team_units, year_start, months[-1])
        # The first read of a record fetches all its columns: ask for the few shown.
        self._fetch_names(user)
        self.env.company.fetch(["currency_id"])
        shown_users = {user.id} | {member["user_id"] for team in teams for member in team["members"]}
        return {
            "user": {"id": user.id, "name": user.name},
            "is_self": user == me,
            "period": period,
            "today": fields.Date.to_string(today),
            "currency_id": self.env.company.currency_id.id,
            "performance": performance,
            "year_target": self._sum_figures(per_month[m] for m in months)["target"],
            "trend": trend,
            "is_manager": bool(team_units),
            "draft_quota_ids": draft_quotas,
            "teams": teams,
            "leaderboard": leaderboard,
            "user_ids": sorted(shown_users),
        }

    @api.model
    def _figure_domain(self, date_from, date_to, user=None, units=None):
        """The rows a figure sums between two month starts, for ``user`` and in
        ``units`` when given: the one rule of the figures and of the records
        they open, valid on ``spm.credit.monthly``, ``spm.credit.line`` and
        ``spm.quota.line`` alike (each has these four columns)."""
        domain = [
            ("month", ">=", date_from),
            ("month", "<=", date_to),
            ("company_id", "in", self.env.companies.ids),
        ]
        if user is not None:
            domain.append(("user_id", "=", user.id))
        if units is not None:
            domain.append(("business_unit_id", "in", units.ids))
        return domain

    @api.model
    def _target_domain(self, domain):
        """The quota lines of a figure's domain that make its target: draft
        quotas count for nothing, nor do unit quotas in a salesperson's figure."""
        return domain + [("state", "=", "confirmed"), ("user_id", "!=", False)]

    @api.model
    def _figures_by_month(self, domain):
        """{month: {target, achieved, collected, held}} of the rows of a
        :meth:`_figure_domain`, in two grouped queries."""
        result = defaultdict(self._no_figures)
        for month, amount, collected, held in self.env["spm.credit.monthly"]._read_group(
            domain,
            ["month:month"],
            ["amount:sum", "amount_collected:sum", "held_amount:sum"],
        ):
            result[month]["achieved"] += amount
            result[month]["collected"] += collected
            result[month]["held"] += held
        for month, amount in self.env["spm.quota.line"]._read_group(
            self._target_domain(domain),
            ["month:month"],
            ["amount:sum"],
        ):
            result[month]["target"] += amount
        return result

    @api.model
    def _team_figures(self, units, date_from, date_to):
        """The salespersons of ``units`` ranked by attainment between two month
        starts, with the units' totals, in two grouped queries."""
        domain = self._figure_domain(date_from, date_to, units=units)
        figures = defaultdict(self._no_figures)
        for unit, user, amount, collected, held in self.env["spm.credit.monthly"]._read_group(
            domain,
            ["business_unit_id", "user_id"],
            ["amount:sum", "amount_collected:sum", "held_amount:sum"],
        ):
            figures[unit, user]["achieved"] += amount
            figures[unit, user]["collected"] += collected
            figures[unit, user]["held"] += held
        for unit, user, amount in self.env["spm.quota.line"]._read_group(
            self._target_domain(domain),
            ["business_unit_id", "user_id"],
            ["amount:sum"],
        ):
            figures[unit, user]["target"] += amount
        self._fetch_names(self.env["res.users"].union(*(user for __, user in figures)))
        by_unit = defaultdict(list)
        for (unit, user), values in figures.items():
            by_unit[unit].append({"user_id": user.id, "name": user.name, **self._with_attainment(values)})
        teams = []
        for unit in units:
            # Without a target there is no attainment: ranked after those with one, by achievement.
            members = sorted(
                by_unit.get(unit, []),
                key=lambda m: (
                    m["attainment"] is None,
                    -(m["attainment"] or 0.0),
                    -m["achieved"],
                    m["name"] or "",
                ),
            )
            for rank, member in enumerate(members, start=1):
                member["rank"] = rank
            teams.append(
                {
                    "unit_id": unit.id,
                    "name": unit.display_name,
                    "members": members,
                    "totals": self._with_attainment(self._sum_figures(members)),
                }
            )
        return teams

    @api.model
    def _leaderboard(self, date_from, date_to):
        """The reader's rank among the salespersons of each unit where they have
        a target or credit between two month starts, in the units that show a
        leaderboard: rank, name and attainment of each, no amounts.

        The reader reads only their own figures; the unit's are read as
        superuser, for the units the reader's own figures are in only."""
        me = self.env.user
        domain = self._figure_domain(date_from, date_to, user=me)
        units = self.env["spm.business.unit"]
        for (unit,) in self.env["spm.credit.monthly"]._read_group(domain, ["business_unit_id"]):
            units |= unit
        for (unit,) in self.env["spm.quota.line"]._read_group(
            self._target_domain(domain), ["business_unit_id"]
        ):
            units |= unit
        units = units.sudo().filtered("show_leaderboard")
        if not units:
            return []
        boards = []
        for team in self.sudo()._team_figures(units, date_from, date_to):
            if any(member["user_id"] == me.id for member in team["members"]):
                boards.append(
                    {
                        "unit_id": team["unit_id"],
                        "name": team["name"],
                        "size": len(team["members"]),
                        "members": [
                            {
                                "user_id": member["user_id"],
                                "name": member["name"],
                                "rank": member["rank"],
                                "attainment": member["attainment"],
                                "is_me": member["user_id"] == me.id,
                            }
                            for member in team["members"]
                        ],
                    }
                )
        return boards

    @api.model
    def _draft_quota_ids(self, user, units, date_from, date_to):
        """The draft quotas of the year for ``user`` or in ``units``: they count
        for nothing until confirmed, and the dashboard says so."""
        Quota = self.env["spm.quota"]
        if not Quota.has_access("read"):  # accountants read targets, not quotas
            return []
        owners = [("user_id", "=", user.id)]
        if units:
            owners = ["|", *owners, ("business_unit_id", "in", units.ids)]
        return Quota.search(
            [
                ("state", "=", "draft"),
                ("date_from", "<=", date_to),
                ("date_to", ">=", date_from),
                ("company_id", "in", self.env.companies.ids),
                *owners,
            ]
        ).ids

    @api.model
    def _fetch_names(self, users):
        """Read the names of ``users`` alone: the first read of a user otherwise
        fetches every column of the user and of its partner, which costs more
        than the figures themselves."""
        users.fetch(["partner_id"])
        users.partner_id.fetch(["name"])

    @api.model
    def _no_figures(self):
        return {"target": 0.0, "achieved": 0.0, "collected": 0.0, "held": 0.0}

    @api.model
    def _sum_figures(self, rows):
        # Added as decimals: float sums of large amounts drift from the cent.
        totals = {key: Decimal(0) for key in self._no_figures()}
        for row in rows:
            for key in totals:
                totals[key] += Decimal(str(row[key]))
        return {key: float(total) for key, total in totals.items()}

    @api.model
    def _with_attainment(self, values):
        return {
            "target": values["target"],
            "achieved": values["achieved"],
            "collected": values["collected"],
            "held": values["held"],
            "attainment": self._percent(values["achieved"], values["target"]),
        }

    @api.model
    def _percent(self, achieved, target):
        """Attainment rounded to a tenth, None without a target (shown "—")."""
        percent = attainment_percent(achieved, target, no_target=None)
        return None if percent is None else round(percent, 1)

    @api.model
    def _expected_by(self, today, date_from, per_month):
        """The target expected by the end of ``today`` over a period from
        ``date_from`` through today's month: the whole target of the months
        before, and of today's month the share of its days elapsed (the
        seasonality profile spreads a quota over months, not within one)."""
        month_start = today.replace(day=1)
        days = calendar.monthrange(today.year, today.month)[1]
        before = self._sum_figures(
            per_month[month] for month in list(per_month) if date_from <= month < month_start
        )["target"]
        current = Decimal(str(per_month[month_start]["target"])) * today.day / days
        # The company's currency, read for its rounding only: no record rule to check.
        return self.env.company.sudo().currency_id.round(float(Decimal(str(before)) + current))

    @api.model
    def _period_label(self, period, date_from, month_start):
        if period == "month":
            return format_date(self.env, month_start, date_format="MMMM y")
        if period == "quarter":
            return _("Q%(quarter)s %(year)s", quarter=(date_from.month - 1) // 3 + 1, year=date_from.year)
        return _("%(year)s to date", year=date_from.year)
