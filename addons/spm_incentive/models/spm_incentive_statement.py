from collections import defaultdict
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from odoo.addons.spm_quota.tools import allocate_amount, is_trusted, trusted

from ..tools import period_bounds, to_decimal


def credit_lines_action(env, domain, name):
    """A window on the credit lines of ``domain``, as the reader may see them."""
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": "spm.credit.line",
        "view_mode": "list,form",
        "domain": domain,
        "context": {"create": False},
    }


# The trusted flag (spm_quota/tools/trusted.py) of the statement engine and workflow.
STATEMENT_FLAG = "spm_incentive_statement"
# What a user may write on a draft statement; everything else is the engine's.
USER_FIELDS = {"note"}
# What Odoo's mail thread writes on its own whatever the state.
MAIL_FIELDS = {"message_main_attachment_id"}
STATES = [
    ("draft", "Draft"),
    ("manager_approved", "Approved by Manager"),
    ("finance_approved", "Approved by Finance"),
    ("paid", "Paid"),
]


class SpmIncentiveStatement(models.Model):
    """What a salesperson earned on a plan for a period: the measure per
    month, the tiers applied, SPIFs and clawbacks carried, the amount payable.

    Only drafts recompute; the state changes only through the workflow
    methods, each of which checks who calls it; an approved statement never
    changes again (the credit reversed after it is carried into the next open
    statement as a clawback).
    """

    _name = "spm.incentive.statement"
    _description = "SPM Incentive Statement"
    _inherit = ["mail.thread"]
    _order = "period_start desc, user_id, id"
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    assignment_id = fields.Many2one(
        "spm.incentive.plan.assignment", required=True, readonly=True, index=True, ondelete="restrict"
    )
    plan_id = fields.Many2one("spm.incentive.plan", required=True, readonly=True, index=True)
    version_id = fields.Many2one("spm.incentive.plan.version", readonly=True, index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True)
    business_unit_id = fields.Many2one("spm.business.unit", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_start = fields.Date(required=True, readonly=True, index=True)
    period_end = fields.Date(required=True, readonly=True)
    state = fields.Selection(STATES, required=True, readonly=True, default="draft", tracking=True, index=True)
    line_ids = fields.One2many("spm.incentive.statement.line", "statement_id", string="Lines", readonly=True)
    achieved = fields.Monetary(readonly=True)
    collected = fields.Monetary(readonly=True)
    measure = fields.Monetary(readonly=True, help="The measure the plan pays on: weighted credit.")
    target = fields.Monetary(readonly=True)
    attainment = fields.Float("Attainment (%)", digits=(8, 2), readonly=True)
    tier_rate = fields.Float("Tier Rate (%)", digits=(6, 3), readonly=True)
    next_tier_gap = fields.Monetary("To Next Tier", readonly=True)
    capped = fields.Boolean(readonly=True)
    plan_amount = fields.Monetary("Plan Earnings", readonly=True)
    spif_amount = fields.Monetary("SPIFs", readonly=True)
    carried_amount = fields.Monetary(
        "Clawbacks Carried",
        readonly=True,
        help="Credit lost, or received late, after earlier statements were approved, and the negative "
        "balance they carried.",
    )
    amount_payable = fields.Monetary(readonly=True, help="Never negative: see Balance Carried Forward.")
    balance_forward = fields.Monetary(
        "Balance Carried Forward",
        readonly=True,
        help="What the clawbacks took beyond this statement's earnings: nothing is paid, and the rest "
        "is deducted from the salesperson's next statement of the plan.",
    )
    credit_watermark = fields.Integer(
        readonly=True,
        help="The last credit line of the statement's own transaction that the figures were computed "
        "from: later reversals are clawed back.",
    )
    # What the figures saw: the database snapshot they were read in and that
    # transaction's id. Credit committed after it (even under a lower line id,
    # by a transaction still running then) is clawed back, never missed.
    credit_snapshot = fields.Char(readonly=True, copy=False)
    credit_xact = fields.Char(readonly=True, copy=False)
    computed_at = fields.Datetime(readonly=True)
    manager_approved_uid = fields.Many2one("res.users", string="Approved by Manager", readonly=True)
    manager_approved_date = fields.Datetime(readonly=True)
    finance_approved_uid = fields.Many2one("res.users", string="Approved by Finance", readonly=True)
    finance_approved_date = fields.Datetime(readonly=True)
    paid_date = fields.Date(readonly=True)
    vendor_partner_id = fields.Many2one(related="assignment_id.vendor_partner_id")
    vendor_bill_id = fields.Many2one("account.move", readonly=True, index="btree_not_null", copy=False)
    note = fields.Text()

    _sql_constraints = [
        (
            "period_uniq",
            "unique(assignment_id, period_start)",
            "One statement per plan assignment and period.",
        ),
    ]

    # Named once, when generated: renaming the plan later does not touch approved statements.
    @api.depends("plan_id", "user_id", "period_start", "period_end")
    def _compute_name(self):
        for statement in self:
            statement.name = _(
                "%(plan)s - %(user)s - %(start)s to %(end)s",
                plan=statement.plan_id.name or "",
                user=statement.user_id.name or "",
                start=statement.period_start or "",
                end=statement.period_end or "",
            )

    def init(self):
        # The transaction that inserted each credit line, for the clawback's
        # "committed after the statement's snapshot" (see ``_clawbacks``): set
        # by the database on every insert, whichever path inserts the line.
        self.env.cr.execute(
            SQL(
                "ALTER TABLE spm_credit_line ADD COLUMN IF NOT EXISTS spm_xact xid8 "
                "NOT NULL DEFAULT pg_current_xact_id()"
            )
        )

    # ------------------------------------------------------------ protection

    @api.model_create_multi
    def create(self, vals_list):
        """Statements are generated (``action_generate`` of the wizard), never created directly."""
        if not is_trusted(self.env, STATEMENT_FLAG):
            raise UserError(_("Statements are generated from the plans, not created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not is_trusted(self.env, STATEMENT_FLAG):
            fields_written = set(vals) - MAIL_FIELDS
            if fields_written - USER_FIELDS:
                raise UserError(_("A statement's figures and state change only through its workflow."))
            if fields_written and self.filtered(lambda s: s.state != "draft"):
                raise UserError(_("An approved statement cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(_("An approved statement cannot be deleted."))

    # ------------------------------------------------------------ who may act

    def _is_unit_manager(self):
        user = self.env.user
        return user.has_group("spm_quota.group_spm_admin") or all(
            s.business_unit_id.manager_id == user for s in self
        )

    def _is_finance(self):
        return self.env.user.has_group("spm_credit.group_spm_accountant")

    def _check_state(self, state, action):
        wrong = self.filtered(lambda s: s.state != state)
        if wrong:
            raise UserError(
                _(
                    "%(statement)s is %(state)s: it cannot be %(action)s.",
                    statement=wrong[0].name,
                    state=dict(STATES)[wrong[0].state],
                    action=action,
                )
            )

    def _set_state(self, vals, message):
        with trusted(self.env, STATEMENT_FLAG):
            self.sudo().write(vals)
        for statement in self:
            statement.message_post(body=message)

    # ------------------------------------------------------------ workflow

    def action_recompute(self):
        """Recompute draft statements from the credit, the quotas and the plan."""
        self.check_access("read")
        if not (self._is_unit_manager() or self._is_finance()):
            raise AccessError(_("Only the unit's manager or finance recompute a statement."))
        self._check_state("draft", _("recomputed"))
        self.sudo()._recompute()
        return True

    def action_approve_manager(self):
        """The unit manager approves draft statements."""
        self.check_access("read")
        if not self._is_unit_manager():
            raise AccessError(_("Only the manager of the statement's business unit approves it."))
        self._check_state("draft", _("approved by the manager"))
        self._set_state(
            {
                "state": "manager_approved",
                "manager_approved_uid": self.env.uid,
                "manager_approved_date": fields.Datetime.now(),
            },
            _("Approved by the unit manager."),
        )
        return True

    def action_approve_finance(self):
        """Finance (accountants) approve statements the manager approved."""
        self.check_access("read")
        if not self._is_finance():
            raise AccessError(_("Only accountants approve statements for finance."))
        self._check_state("manager_approved", _("approved by finance"))
        self._set_state(
            {
                "state": "finance_approved",
                "finance_approved_uid": self.env.uid,
                "finance_approved_date": fields.Datetime.now(),
            },
            _("Approved by finance."),
        )
        return True

    def action_mark_paid(self):
        """Accountants mark statements approved by finance as paid."""
        self.check_access("read")
        if not self._is_finance():
            raise AccessError(_("Only accountants mark statements paid."))
        self._check_state("finance_approved", _("marked paid"))
        self._set_state({"state": "paid", "paid_date": fields.Date.context_today(self)}, _("Marked paid."))
        return True

    def _mark_paid_by_bill(self):
        """Mark paid the statements approved by finance whose vendor bill was
        paid (the payment hook of the bill: no caller's right is involved)."""
        for bill, statements in (
            self.filtered(lambda s: s.state == "finance_approved").grouped("vendor_bill_id").items()
        ):
            if bill.payment_state not in ("paid", "in_payment"):
                continue
            statements._set_state(
                {"state": "paid", "paid_date": fields.Date.context_today(self)},
                _("Paid by the vendor bill %(bill)s.", bill=bill.display_name),
            )

    def action_reset_draft(self):
        """Send statements the manager approved back to draft (the manager or finance)."""
        self.check_access("read")
        if not (self._is_unit_manager() or self._is_finance()):
            raise AccessError(_("Only the unit's manager or finance send a statement back to draft."))
        self._check_state("manager_approved", _("sent back to draft"))
        self._set_state(
            {"state": "draft", "manager_approved_uid": False, "manager_approved_date": False},
            _("Sent back to draft."),
        )
        return True

    def action_create_vendor_bills(self):
        """Draft vendor bills of the statements approved by finance for
        external agents: one per agent, company and period, a line per
        statement, as OCA's commission settlement does."""
        if not self._is_finance():
            raise AccessError(_("Only accountants bill the agents' payouts."))
        self.check_access("read")
        statements = self.filtered(
            lambda s: (
                s.state == "finance_approved"
                and s.vendor_partner_id
                and not s.vendor_bill_id
                and s.amount_payable > 0
            )
        )
        if not statements:
            raise UserError(_("No statement of an agent approved by finance is waiting for a bill."))
        # The bill is accounting's document: whoever drafts it must be able to
        # review and post it (Invoicing's Billing right), not only approve pay.
        if not self.env["account.move"].has_access("create"):
            raise AccessError(
                _(
                    'Drafting the agents\' vendor bills needs the Invoicing right "Billing" as well: '
                    "ask your administrator, or let a colleague with it create the bills."
                )
            )
        groups = defaultdict(self.browse)
        for statement in statements:
            groups[statement.vendor_partner_id, statement.company_id, statement.period_start] |= statement
        Move = self.env["account.move"]
        bills = Move
        for (vendor, company, period_start), group in groups.items():
            bill = Move.with_company(company).create(
                {
                    "move_type": "in_invoice",
                    "partner_id": vendor.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "ref": _("Incentives %(period)s", period=format_date(self.env, period_start)),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": statement.name,
                                "quantity": 1,
                                "price_unit": statement.amount_payable,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for statement in group
                    ],
                }
            )
            with trusted(self.env, STATEMENT_FLAG):
                group.sudo().write({"vendor_bill_id": bill.id})
            group.message_post(body=_("Vendor bill %(bill)s drafted.", bill=bill.display_name))
            bills |= bill
        return {
            "type": "ir.actions.act_window",
            "name": _("Vendor Bills"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", bills.ids)],
        }

    def action_send_statement(self):
        """Open the email composer with the PDF statement for the salesperson
        (the unit manager or finance, once the manager approved it)."""
        self.check_access("read")
        if not (self._is_unit_manager() or self._is_finance()):
            raise AccessError(_("Only the unit's manager or finance send a statement."))
        if self.filtered(lambda s: s.state == "draft"):
            raise UserError(_("A draft statement may still change: approve it before sending it."))
        template = self.env.ref("spm_incentive.mail_template_incentive_statement", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment" if len(self) == 1 else "mass_mail",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def action_view_credit_lines(self):
        """The credit lines behind the statement's figures."""
        self.ensure_one()
        return credit_lines_action(
            self.env,
            [
                ("user_id", "=", self.user_id.id),
                ("business_unit_id", "=", self.business_unit_id.id),
                ("company_id", "=", self.company_id.id),
                ("date", ">=", self.period_start),
                ("date", "<=", self.period_end),
            ],
            self.name,
        )

    # ------------------------------------------------------------ generation

    @api.model
    def _generate(self, assignments, day):
        """Create or recompute the draft statements of ``assignments`` for the
        period of their plan holding ``day``; statements beyond draft stay as
        they are. Returns the statements of the period."""
        day = fields.Date.to_date(day)
        statements = self.browse()
        by_period = defaultdict(lambda: self.env["spm.incentive.plan.assignment"])
        for assignment in assignments:
            by_period[period_bounds(day, assignment.plan_id.period_type)] |= assignment
        for (start, end), candidates in by_period.items():
            group = candidates.filtered_domain(candidates._active_domain(start, end))
            existing = self.search([("assignment_id", "in", group.ids), ("period_start", "=", start)])
            missing = group - existing.assignment_id
            with trusted(self.env, STATEMENT_FLAG):
                created = self.create(
                    [
                        {
                            "assignment_id": a.id,
                            "plan_id": a.plan_id.id,
                            "user_id": a.user_id.id,
                            "business_unit_id": a.business_unit_id.id,
                            "company_id": a.company_id.id,
                            "period_start": start,
                            "period_end": end,
                        }
                        for a in missing
                    ]
                )
            statements |= existing | created
        statements.filtered(lambda s: s.state == "draft")._recompute()
        return statements

    def _recompute(self):
        """Recompute the figures and lines of the draft statements of ``self``
        (the engine: callers check who asks), in a bounded number of queries
        per period."""
        drafts = self.filtered(lambda s: s.state == "draft")
        if not drafts:
            return
        self.env["spm.credit.line"].flush_model()
        # In Odoo's repeatable-read transaction the snapshot is the one every
        # read of the figures below uses.
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MAX(id), 0), pg_current_snapshot()::text, pg_current_xact_id()::text "
                "FROM %s",
                SQL.identifier("spm_credit_line"),
            )
        )
        watermark, snapshot, xact = self.env.cr.fetchone()
        with trusted(self.env, STATEMENT_FLAG):
            drafts.line_ids.unlink()
        clawbacks = drafts._clawbacks()
        line_vals, totals = [], {}
        by_period = defaultdict(self.browse)
        for statement in drafts:
            by_period[statement.period_start, statement.period_end] |= statement
        for (start, end), group in by_period.items():
            versions = group.plan_id._version_at(start)
            earnings = group.assignment_id._earnings(start, end, versions)
            bonuses = group.plan_id.spif_ids.filtered("active")._bonuses(group.user_id.ids, start, end)
            for statement in group:
                vals, lines = statement._figures(
                    earnings.get(statement.assignment_id), bonuses, clawbacks.get(statement, [])
                )
                vals.update(
                    version_id=versions.get(statement.plan_id, self.env["spm.incentive.plan.version"]).id
                )
                totals[statement] = vals
                line_vals += [dict(line, statement_id=statement.id) for line in lines]
        now = fields.Datetime.now()
        with trusted(self.env, STATEMENT_FLAG):
            self.env["spm.incentive.statement.line"].create(line_vals)
            for statement, vals in totals.items():
                statement.write(
                    dict(
                        vals,
                        credit_watermark=watermark,
                        credit_snapshot=snapshot,
                        credit_xact=xact,
                        computed_at=now,
                    )
                )

    def _figures(self, earning, bonuses, clawbacks):
        """The totals and the line values of the statement from its
        ``earning`` (see ``_earnings``), the period's SPIF ``bonuses`` and its
        ``clawbacks``: every amount rounded to the currency once."""
        self.ensure_one()
        currency = self.currency_id
        lines = []
        figures = ("achieved", "collected", "measure", "target", "attainment", "tier_rate", "next_tier_gap")
        vals = dict.fromkeys(figures, 0.0)
        plan_amount = 0.0
        if earning:
            payout = earning["payout"]
            plan_amount = float(payout.amount)
            months = earning["months"]
            weights = [max(float(row["measure"]), 0.0) for row in months]
            parts = (
                allocate_amount(plan_amount, weights, currency.rounding)
                if plan_amount and sum(weights) > 0
                else [0.0] * len(months)
            )
            for row, part in zip(months, parts, strict=True):
                lines.append(
                    {
                        "kind": "month",
                        "month": row["month"],
                        "business_unit_id": self.business_unit_id.id,
                        "achieved": currency.round(float(row["achieved"])),
                        "collected": currency.round(float(row["collected"])),
                        "measure": currency.round(float(row["measure"])),
                        "target": currency.round(float(row["target"])),
                        "amount": part,
                    }
                )
            vals.update(
                achieved=currency.round(float(sum(r["achieved"] for r in months))),
                collected=currency.round(float(sum(r["collected"] for r in months))),
                measure=currency.round(float(earning["measure"])),
                target=currency.round(float(earning["target"])),
                attainment=float(payout.attainment or 0),
                tier_rate=float(payout.tier_rate or 0),
                next_tier_gap=float(payout.next_tier_gap or 0),
                capped=bool(payout.capped),
            )
        spif_amount = 0.0
        for spif, quantity, bonus, line_ids in bonuses.get((self.user_id.id, self.business_unit_id.id), ()):
            if spif.plan_id != self.plan_id:
                continue
            amount = currency.round(float(bonus))
            spif_amount += amount
            lines.append(
                {
                    "kind": "spif",
                    "spif_id": spif.id,
                    "business_unit_id": self.business_unit_id.id,
                    "quantity": float(quantity),
                    "amount": amount,
                    "credit_line_ids": [Command.set(line_ids)],
                }
            )
        carried = 0.0
        for clawback in clawbacks:
            carried += clawback["amount"]
            lines.append(dict({"kind": "clawback"}, **clawback, business_unit_id=self.business_unit_id.id))
        spif_amount, carried = currency.round(spif_amount), currency.round(carried)
        total = currency.round(plan_amount + spif_amount + carried)
        # A statement never asks the salesperson to pay back: what is left
        # negative waits for the next statement of the plan.
        vals.update(
            plan_amount=plan_amount,
            spif_amount=spif_amount,
            carried_amount=carried,
            amount_payable=max(total, 0.0),
            balance_forward=min(total, 0.0),
        )
        return vals, lines

    def _balances_carried(self, following_of):
        """{draft statement: [balance line values]}: the negative balance of
        each approved statement of ``following_of`` ({approved: the draft
        after it}) not yet carried into another statement."""
        result = defaultdict(list)
        owing = [a for a in following_of if a.balance_forward < 0]
        if not owing:
            return result
        carried = set(
            self.env["spm.incentive.statement.line"]
            .search([("kind", "=", "balance"), ("origin_statement_id", "in", [a.id for a in owing])])
            .origin_statement_id.ids
        )
        for approved in owing:
            if approved.id in carried:
                continue
            result[following_of[approved]].append(
                {
                    "kind": "balance",
                    "amount": approved.balance_forward,
                    "origin_statement_id": approved.id,
                    "reason": _(
                        "Balance of the statement of %(period)s: its clawbacks exceeded its earnings.",
                        period=format_date(self.env, approved.period_start),
                    ),
                }
            )
        return result

    def _clawbacks(self):
        """{draft statement: [clawback line values]}: the credit lost (negative
        credit lines), or received late (positive ones), after an approved
        statement of the same salesperson and plan was computed, at that
        statement's effective rate, carried into
        the salesperson's next open statement of the plan (the earliest draft
        after it), with the negative balances of approved statements. One
        query for the candidates, one for the balances, one for the credit
        lines."""
        if not self:
            return {}
        pairs = {(s.user_id.id, s.plan_id.id) for s in self}
        candidates = self.search(
            [("user_id", "in", list({p[0] for p in pairs})), ("plan_id", "in", list({p[1] for p in pairs}))],
            order="period_start",
        ).filtered(lambda s: (s.user_id.id, s.plan_id.id) in pairs)
        drafts_of = defaultdict(list)  # (user, plan): its drafts by period
        for statement in candidates.filtered(lambda s: s.state == "draft"):
            drafts_of[statement.user_id.id, statement.plan_id.id].append(statement)
        following_of = {}
        for approved in candidates.filtered(lambda s: s.state != "draft"):
            following = next(
                (
                    draft
                    for draft in drafts_of[approved.user_id.id, approved.plan_id.id]
                    if draft.period_start > approved.period_end
                ),
                None,
            )
            if following is not None and following in self:
                following_of[approved] = following
        result = self._balances_carried(following_of)
        target_of = {a: draft for a, draft in following_of.items() if a.measure > 0 and a.plan_amount}
        if not target_of:
            return result
        approved = self.browse([a.id for a in target_of])
        self.env["spm.credit.line"].flush_model()
        self.env["spm.incentive.statement.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.statement_id, l.id, l.amount::text, COALESCE(l.amount_collected, 0)::text,
                       l.reversed_line_id, l.reason, l.origin, pt.categ_id, l.basis = 'secondary'
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[], %s::date[], %s::int[],
                              %s::text[], %s::text[])
                       AS p(statement_id, user_id, unit_id, date_from, date_to, watermark, snap, xact)
                  JOIN spm_credit_line l
                    ON l.user_id = p.user_id AND l.business_unit_id = p.unit_id
                   AND l.date BETWEEN p.date_from AND p.date_to
                   -- After the figures: later in the statement's own transaction,
                   -- or committed by a transaction its snapshot did not see.
                   AND CASE WHEN p.snap IS NULL OR l.spm_xact = p.xact::xid8 THEN l.id > p.watermark
                            ELSE NOT pg_visible_in_snapshot(l.spm_xact, p.snap::pg_snapshot) END
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.amount <> 0 AND NOT COALESCE(l.is_held, FALSE)
                   AND NOT EXISTS (SELECT 1 FROM spm_incentive_statement_line sl
                                    WHERE sl.credit_line_id = l.id AND sl.kind IN ('clawback', 'late'))
                 ORDER BY l.id
                """,
                approved.ids,
                [a.user_id.id for a in approved],
                [a.business_unit_id.id for a in approved],
                [a.period_start for a in approved],
                [a.period_end for a in approved],
                [a.credit_watermark for a in approved],
                [a.credit_snapshot for a in approved],
                [a.credit_xact for a in approved],
            )
        )
        rows = self.env.cr.fetchall()
        categ_paths = self.env["spm.incentive.plan.assignment"]._categ_paths({r[7] for r in rows if r[7]})
        rules_of = approved.version_id._rules()
        for statement_id, line_id, amount, collected, original_id, reason, origin, categ, secondary in rows:
            source = self.browse(statement_id)
            rules = rules_of.get(source.version_id)
            if not rules or not rules.source_matches_credit(secondary):
                continue
            weight = to_decimal(rules.weight(source.business_unit_id.id, categ_paths.get(categ)))
            lost = rules.measure_of(Decimal(amount), Decimal(collected)) * weight / 100
            rate = to_decimal(source.plan_amount) / to_decimal(source.measure)
            value = source.currency_id.round(float(lost * rate))
            if not value:
                continue
            document, period = origin or _("an adjustment"), format_date(self.env, source.period_start)
            result[target_of[source]].append(
                {
                    "kind": "clawback" if value < 0 else "late",
                    "amount": value,
                    "measure": source.currency_id.round(float(lost)),
                    "credit_line_id": line_id,
                    "original_line_id": original_id,
                    "origin_statement_id": source.id,
                    "reason": _(
                        "Credit of %(document)s lost after the statement of %(period)s was approved: "
                        "%(reason)s",
                        document=document,
                        period=period,
                        reason=reason or _("reversal"),
                    )
                    if value < 0
                    else _(
                        "Credit of %(document)s received after the statement of %(period)s was approved.",
                        document=document,
                        period=period,
                    ),
                }
            )
        return result
