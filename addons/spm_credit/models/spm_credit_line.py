from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, format_date

from odoo.addons.spm_quota.tools import allocate_amount, is_trusted, trusted

# Fields that state what was credited: frozen once the line's date is locked.
# amount_collected follows payments and stays writable (see README).
FROZEN_FIELDS = {
    "user_id",
    "business_unit_id",
    "company_id",
    "partner_id",
    "distributor_id",
    "product_id",
    "date",
    "original_date",
    "amount",
    "base_amount",
    "share",
    "kind",
    "assignment_id",
    "basis",
    "state",
    "sale_line_id",
    "move_line_id",
    "reversed_line_id",
    "reason",
    "is_adjustment",
}
ENGINE_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
# The trusted flag (see spm_quota/tools/trusted.py) under which the engine writes credit lines.
ENGINE_FLAG = "spm_credit_engine"
# What a manager chooses in a manual adjustment; the rest is the engine's.
ADJUSTMENT_FIELDS = {
    "user_id",
    "business_unit_id",
    "company_id",
    "partner_id",
    "product_id",
    "date",
    "amount",
    "reason",
}
ADJUSTMENT_VALUES = {"basis": "manual", "kind": "manual", "state": "confirmed", "is_adjustment": True}


class SpmCreditLine(models.Model):
    """One salesperson's credit on one document line, or a manual adjustment.

    Lines are never edited to change history: when the credit of a source
    changes, its lines are reversed by new negative lines and replaced, so
    every figure a salesperson ever saw can be traced.
    """

    _name = "spm.credit.line"
    _description = "SPM Credit Line"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "origin"
    # Lines are read-only for everyone; discussing them only needs read access.
    _mail_post_access = "read"

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    business_unit_id = fields.Many2one("spm.business.unit", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    distributor_id = fields.Many2one("res.partner", index=True, readonly=True)
    product_id = fields.Many2one("product.product")
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    month = fields.Date(compute="_compute_month", store=True, index=True)
    original_date = fields.Date(
        readonly=True, help="For adjustments: the date of the event, in a locked period."
    )
    amount = fields.Monetary(help="Signed, untaxed, in company currency.")
    amount_collected = fields.Monetary("Collected", readonly=True)
    share = fields.Float("Share (%)", digits=(5, 2), readonly=True)
    base_amount = fields.Monetary(
        readonly=True,
        help="What the share applies to: the credited amount of the document line. "
        "A team split earns Base Amount × Share, an overlay the whole Base Amount.",
    )
    kind = fields.Selection(
        [("split", "Team split"), ("overlay", "Overlay"), ("manual", "Manual")],
        required=True,
        readonly=True,
        default="manual",
    )
    assignment_id = fields.Many2one("spm.assignment", readonly=True, index="btree_not_null")
    basis = fields.Selection(
        [
            ("order", "Order"),
            ("invoice", "Invoice"),
            ("secondary", "Secondary sale"),
            ("manual", "Adjustment"),
        ],
        required=True,
        readonly=True,
        default="manual",
    )
    state = fields.Selection(
        [("provisional", "Provisional"), ("confirmed", "Confirmed"), ("reversed", "Reversal")],
        required=True,
        readonly=True,
        default="confirmed",
        help="Provisional: credited on a confirmed order, not invoiced yet. "
        "Reversal: cancels the line it corrects.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null", ondelete="set null")
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", ondelete="set null"
    )
    origin = fields.Char("Document", readonly=True)
    reversed_line_id = fields.Many2one(
        "spm.credit.line",
        string="Corrects",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    reason = fields.Text()
    is_adjustment = fields.Boolean("Adjustment", readonly=True)

    @api.depends("date")
    def _compute_month(self):
        for line in self:
            line.month = line.date and line.date.replace(day=1)

    @api.depends("origin", "user_id", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.origin or _('Adjustment')} - {line.user_id.name or ''}"

    def action_dispute(self):
        """Raise a dispute on this credit line: an activity for the unit manager."""
        self.ensure_one()
        return self.env["spm.credit.dispute"]._action_raise(
            {"default_credit_line_id": self.id, "default_business_unit_id": self.business_unit_id.id}
        )

    # ------------------------------------------------------------ period lock

    def _check_lock_dates(self, dates_by_company):
        for company, dates in dates_by_company.items():
            lock = company.spm_credit_lock_date
            if lock and any(d and d <= lock for d in dates):
                raise UserError(
                    _(
                        "Sales credit is locked up to %(date)s for %(company)s: credit lines dated "
                        "in a locked period cannot be created, changed or deleted.",
                        date=format_date(self.env, lock),
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Create manual adjustments: the one kind of credit line created
        through the ORM (the engine inserts its own, ``_create_engine_lines``).
        An adjustment is a manager's correction in a unit he manages, always
        with a reason; its basis, state and source links are not the client's."""
        vals_list = [self._adjustment_vals(vals) for vals in vals_list]
        self._check_adjustment_rights(vals_list)
        by_company = defaultdict(list)
        for vals in vals_list:
            by_company[self.env["res.company"].browse(vals["company_id"])].append(
                fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
            )
        self._check_lock_dates(by_company)
        lines = super().create(vals_list)
        lines._update_monthly()
        for line in lines:
            line.message_post(
                body=_("Manual adjustment of %(amount)s: %(reason)s", amount=line.amount, reason=line.reason)
            )
        lines._notify_credit_update()
        return lines

    @api.model
    def _adjustment_vals(self, vals):
        """``vals`` of a manual adjustment, refused when it sets what only the engine sets."""
        vals = dict(vals)
        for field, value in ADJUSTMENT_VALUES.items():
            if field in vals and vals[field] != value:
                raise UserError(
                    _("A manual adjustment cannot set %(field)s.", field=self._fields[field].string)
                )
        engine_fields = sorted(
            field
            for field, value in vals.items()
            if field not in ADJUSTMENT_FIELDS | set(ADJUSTMENT_VALUES) and value
        )
        if engine_fields:
            raise UserError(
                _(
                    "A manual adjustment sets only the salesperson, business unit, date, amount, customer, "
                    "product and reason; %(fields)s are set by the credit engine.",
                    fields=", ".join(self._fields[f].string for f in engine_fields if f in self._fields)
                    or ", ".join(engine_fields),
                )
            )
        user_id, unit_id = vals.get("user_id"), vals.get("business_unit_id")
        salesperson = self.env["res.users"].sudo().browse(user_id if isinstance(user_id, int) else ())
        if not salesperson.exists() or salesperson.share:
            raise UserError(_("A manual adjustment credits a salesperson (an internal user)."))
        unit = self.env["spm.business.unit"].sudo().browse(unit_id if isinstance(unit_id, int) else ())
        if not unit.exists():
            raise UserError(_("A manual adjustment needs a business unit."))
        if vals.get("company_id") and vals["company_id"] != unit.company_id.id:
            raise UserError(_("A manual adjustment belongs to the company of its business unit."))
        if not (vals.get("reason") or "").strip():
            raise ValidationError(_("A manual adjustment needs a reason."))
        return {
            **{field: value for field, value in vals.items() if field in ADJUSTMENT_FIELDS},
            **ADJUSTMENT_VALUES,
            "company_id": unit.company_id.id,
        }

    @api.model
    def _check_adjustment_rights(self, vals_list):
        """Adjustments are the managers' of their own units, and the administrators'."""
        if self.env.su or self.env.user.has_group("spm_quota.group_spm_admin"):
            return
        units = self.env["spm.business.unit"].sudo().browse({vals["business_unit_id"] for vals in vals_list})
        foreign = units.filtered(lambda unit: unit.manager_id != self.env.user)
        if foreign or not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(
                _(
                    "Only the manager of %(unit)s, or an SPM administrator, adjusts its credit.",
                    unit=(foreign or units)[:1].display_name,
                )
            )

    @api.model
    def _frozen_fields(self):
        """The fields that state what was credited (addons add their source links)."""
        return FROZEN_FIELDS

    def write(self, vals):
        if self._frozen_fields() & set(vals):
            if not is_trusted(self.env, ENGINE_FLAG):
                raise UserError(
                    _("Credit lines are never edited: add an adjustment or recompute the document.")
                )
            self._check_lock_dates(self._dates_by_company())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        self._check_lock_dates(self._dates_by_company())
        raise UserError(_("Credit lines are never deleted: reverse them with an adjustment."))

    def _dates_by_company(self):
        result = defaultdict(list)
        for line in self:
            result[line.company_id].append(line.date)
        return result

    # ------------------------------------------------------------ aggregates

    def _update_monthly(self):
        """Add these new lines to the monthly aggregate in one statement, summed
        in SQL from the lines as stored, so reports never scan the lines."""
        self.flush_recordset()
        self.env["spm.credit.monthly"]._add_lines(self.ids)

    @api.model
    def _add_to_monthly(self, entries):
        """Add ``entries`` ``((user_id, unit_id, company_id, month), amount, collected, count)``
        to the monthly aggregate, the amounts being those the lines stored
        (floats, sent to PostgreSQL by their ``repr``, or ``Decimal``)."""
        totals = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
        for key, amount, collected, count in entries:
            # Added as the decimals the lines hold: float sums of large amounts drift.
            totals[key][0] += Decimal(str(amount))
            totals[key][1] += Decimal(str(collected))
            totals[key][2] += count
        if totals:
            self.env["spm.credit.monthly"]._add(totals)

    @api.model
    def _notify_credit_update(self, user_ids=None, company_ids=None):
        """Tell every open dashboard, when the transaction commits, whose figures changed."""
        if user_ids is None:
            user_ids = (self.user_id | self.business_unit_id.manager_id).ids
            company_ids = self.company_id.ids
        if not user_ids:
            return
        self.env["bus.bus"]._sendone(
            self.env.ref("spm_quota.group_spm_salesperson"),
            "spm_credit_updated",
            {"user_ids": sorted(user_ids), "company_ids": sorted(company_ids)},
        )

    @api.model
    def _create_engine_lines(self, vals_list):
        """Insert the lines the engine allocated, in one statement.

        Crediting runs inside order confirmation and invoice posting, so it
        must cost little: the ORM's create() of dozens of lines would cost
        more than the confirmation itself. The engine's values are complete
        and checked (lock dates included), so the lines are inserted directly
        and the monthly aggregate and the dashboards updated from the values.
        """
        if not vals_list:
            return self.browse()
        if not is_trusted(self.env, ENGINE_FLAG):
            raise UserError(_("Credit lines are only written by the credit engine."))
        by_company = defaultdict(list)
        for vals in vals_list:
            by_company[vals["company_id"]].append(vals["date"])
        self._check_lock_dates({self.env["res.company"].browse(c): d for c, d in by_company.items()})
        self.flush_model()
        # Nothing is collected on new credit, unless a reversal says otherwise.
        vals_list = [
            {"amount_collected": 0.0, **vals, "month": vals["date"].replace(day=1)} for vals in vals_list
        ]
        columns = sorted(set().union(*vals_list))
        # One array per column, unnested: a statement of constant size, whatever
        # the number of lines (an upload credits tens of thousands at once).
        arrays = []
        for column in columns:
            field = self._fields[column]
            # The ORM's False is SQL's NULL, but for booleans.
            values = [vals.get(column) for vals in vals_list]
            if field.type != "boolean":
                values = [None if value is False else value for value in values]
            arrays.append(SQL("%s::%s[]", values, SQL(field.column_type[1])))
        uid, now = self.env.uid, self.env.cr.now()
        names = SQL(", ").join(map(SQL.identifier, columns))
        self.env.cr.execute(
            SQL(
                """INSERT INTO spm_credit_line (%s, create_uid, create_date, write_uid, write_date)
                   SELECT *, %s, %s, %s, %s FROM unnest(%s) AS u(%s)
                   RETURNING id""",
                names,
                uid,
                now,
                uid,
                now,
                SQL(", ").join(arrays),
                names,
            )
        )
        lines = self.browse([row[0] for row in self.env.cr.fetchall()])
        self._add_to_monthly(
            (
                (v["user_id"], v["business_unit_id"], v["company_id"], v["month"]),
                v["amount"],
                v["amount_collected"],
                1,
            )
            for v in vals_list
        )
        units = self.env["spm.business.unit"].sudo().browse({v["business_unit_id"] for v in vals_list})
        self._notify_credit_update(
            user_ids={v["user_id"] for v in vals_list} | set(units.manager_id.ids),
            company_ids={v["company_id"] for v in vals_list},
        )
        return lines

    # ------------------------------------------------------------ allocation

    @api.model
    def _sync_credit(self, sources):
        """Bring the credit of ``sources`` in line with their documents' state.

        The one allocation used by every event (order confirmation and
        cancellation, invoice posting, reset and credit notes, secondary
        billing validation and rejection, and "Recompute"). It works on a
        whole batch with a constant number of queries:

        1. each source model describes its lines (``_spm_credit_descriptors``)
           and, per business unit policy, the credit they should carry
           (``_spm_credit_targets``);
        2. business units and salespersons' shares are resolved in batch;
        3. amounts are split over team splits with exact rounding, overlays
           get the full amount;
        4. where the existing credit differs, it is reversed and replaced;
           what cannot be credited is recorded as a credit issue.

        :param sources: a recordset of a credit source model
                        (``sale.order.line``, ``account.move.line``, ...)
        :return: the created credit lines
        """
        if not sources or self._credit_disabled():
            return self.browse()
        # The caller's right to the documents was checked by the flow that
        # called the engine; the engine's own records are written as superuser.
        Line = self.sudo().with_context(**ENGINE_CONTEXT)
        descriptors = sources._spm_credit_descriptors()
        units = (
            self.env["spm.business.unit"]
            .sudo()
            ._resolve_business_units(
                [d["product"] for d in descriptors],
                [d["team"] for d in descriptors],
                [d["company"] for d in descriptors],
            )
        )
        targets = sources._spm_credit_targets(descriptors, units)
        keys = [
            (d["account"].id, unit.id, d["date"])
            for d, unit, parts in zip(descriptors, units, targets, strict=True)
            if unit and parts
        ]
        shares = self.env["spm.assignment"].sudo()._get_shares(keys)
        lock_dates = {d["company"]: d["company"].spm_credit_lock_date for d in descriptors}

        desired, issues = {}, {}
        for desc, unit, parts in zip(descriptors, units, targets, strict=True):
            source = desc["source"]
            if not unit:
                # Without a unit there is no policy to say whether it earns credit.
                if desc["creditable"] and not float_is_zero(desc["amount"], precision_digits=2):
                    issues[source] = ("no_unit", desc, unit)
                desired[source] = []
                continue
            desired[source] = []
            if not parts:
                continue
            key_shares = shares[(desc["account"].id, unit.id, desc["date"])]
            splits = [s for s in key_shares if s.kind == "split"]
            if not key_shares:
                issues[source] = ("no_assignment", desc, unit)
                continue
            if splits and float_compare(sum(s.share for s in splits), 100.0, precision_digits=2):
                issues[source] = ("incomplete_shares", desc, unit)
                continue
            rounding = desc["company"].currency_id.rounding
            for basis, state, amount in parts:
                split_amounts = allocate_amount(amount, [s.share for s in splits], rounding) if splits else []
                allocations = list(zip(splits, split_amounts, strict=True)) + [
                    (s, amount) for s in key_shares if s.kind == "overlay"
                ]
                for share, share_amount in allocations:
                    desired[source].append(
                        self._credit_line_vals(
                            desc, unit, share, basis, state, share_amount, lock_dates[desc["company"]]
                        )
                        | {"base_amount": amount}
                    )

        Line._lock_sources(sources)
        existing = Line._active_lines(sources)
        to_reverse, to_create = Line.browse(), []
        for source, lines_vals in desired.items():
            current = existing.get(source, self.browse())
            if self._signature(current) != self._signature_of_vals(lines_vals):
                to_reverse |= current
                to_create += lines_vals
        with trusted(self.env, ENGINE_FLAG):
            reversals = Line._reverse_lines(to_reverse, _("Document changed"))
            created = Line._create_engine_lines(to_create)
        self.env["spm.credit.issue"].sudo()._sync_issues(sources, issues)
        return reversals | created

    @api.model
    def _credit_disabled(self):
        """Whether crediting is off in this transaction: only the addons' own
        bulk loads (demo data, benchmarks) turn it off, never a client's context."""
        return is_trusted(self.env, "spm_credit_disabled")

    @api.model
    def _credit_line_vals(self, desc, unit, share, basis, state, amount, lock_date):
        date, original_date = desc["date"], False
        if lock_date and date <= lock_date:
            date, original_date = lock_date + timedelta(days=1), desc["date"]
        return {
            "user_id": share.user_id,
            "business_unit_id": unit.id,
            "company_id": desc["company"].id,
            "partner_id": desc["customer"].id,
            "distributor_id": desc["distributor"].id,
            "product_id": desc["product"].id,
            "date": date,
            "original_date": original_date,
            "is_adjustment": bool(original_date),
            "amount": amount,
            "share": share.share,
            "kind": share.kind,
            "assignment_id": share.assignment_id,
            "basis": basis,
            "state": state,
            "origin": desc["origin"],
            **desc["links"],
        }

    @api.model
    def _signature(self, lines):
        return sorted(
            (
                line.user_id.id,
                line.business_unit_id.id,
                line.kind,
                line.basis,
                line.state,
                round(line.amount, 2),
                line.original_date or line.date,
            )
            for line in lines
        )

    @api.model
    def _signature_of_vals(self, vals_list):
        return sorted(
            (
                v["user_id"],
                v["business_unit_id"],
                v["kind"],
                v["basis"],
                v["state"],
                round(v["amount"], 2),
                v["original_date"] or v["date"],
            )
            for v in vals_list
        )

    def init(self):
        # One row per credit source, bumped by every allocation: two transactions
        # crediting the same source at once conflict on it, and the later one is
        # retried (as Odoo retries serialization failures) instead of crediting twice.
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS spm_credit_source_lock (
                source_ref varchar PRIMARY KEY,
                version integer NOT NULL DEFAULT 0
            )
            """
        )

    @api.model
    def _lock_sources(self, sources):
        """Serialize the transactions that work on ``sources`` (any records)."""
        self.env.cr.execute(
            """
            INSERT INTO spm_credit_source_lock AS l (source_ref)
            SELECT unnest(%s::varchar[])
            ON CONFLICT (source_ref) DO UPDATE SET version = l.version + 1
            """,
            [list(dict.fromkeys(f"{source._name},{source.id}" for source in sources))],
        )

    @api.model
    def _active_lines(self, sources):
        """The lines of each source that no reversal cancels yet, in one query."""
        link = sources._spm_credit_link_field()
        self.flush_model()
        self.env.cr.execute(
            f"""
            SELECT l.id FROM spm_credit_line l
             WHERE l.{link} = ANY(%s) AND l.state != 'reversed'
               AND NOT EXISTS (SELECT 1 FROM spm_credit_line r WHERE r.reversed_line_id = l.id)
            """,  # noqa: S608 - the column name comes from the source model, not from input
            [sources.ids],
        )
        lines = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        result = defaultdict(lambda: self.sudo().browse())
        for line in lines:
            result[line[link]] |= line
        return result

    @api.model
    def _reverse_lines(self, lines, reason):
        """Cancel ``lines`` with negative lines on the same dates (the first open
        day instead when the date is locked)."""
        if not lines:
            return self.browse()
        vals_list = []
        for line in lines.sudo():
            lock = line.company_id.spm_credit_lock_date
            # A reversal tells the same event: an adjustment's keeps its original date.
            date, original_date = line.date, line.original_date
            if lock and date <= lock:
                date, original_date = lock + timedelta(days=1), line.original_date or line.date
            vals_list.append(
                {
                    **{
                        f: line[f].id
                        for f in (
                            "user_id",
                            "business_unit_id",
                            "company_id",
                            "partner_id",
                            "distributor_id",
                            "product_id",
                            "assignment_id",
                            "sale_line_id",
                            "order_id",
                            "move_line_id",
                            "move_id",
                        )
                    },
                    **self._extra_reversal_vals(line),
                    "date": date,
                    "original_date": original_date,
                    "is_adjustment": bool(original_date) or line.is_adjustment,
                    "amount": -line.amount,
                    "amount_collected": -line.amount_collected,
                    "base_amount": -line.base_amount,
                    "share": line.share,
                    "kind": line.kind,
                    "basis": line.basis,
                    "state": "reversed",
                    "origin": line.origin,
                    "reversed_line_id": line.id,
                    "reason": reason,
                }
            )
        return self._create_engine_lines(vals_list)

    @api.model
    def _extra_reversal_vals(self, line):
        """Hook for the source links other addons add (secondary billing lines)."""
        return {}

    # ------------------------------------------------------------ collected

    @api.model
    def _sync_collected(self, moves):
        """Set the collected amount of the credit of ``moves`` (customer invoices)
        to the paid share of each invoice's credit (of each order line's, for
        credit on orders), in one update of the lines and the monthly aggregate."""
        if self._credit_disabled():
            return
        # Whoever may reconcile the invoice (an accountant without any SPM role
        # included) updates its credit's collected amount: the engine reads
        # the documents and writes its own records as superuser.
        Line = self.sudo()
        moves = moves.sudo().filtered(lambda m: m.is_sale_document(include_receipts=True))
        if not moves:
            return
        by_move = defaultdict(list)
        for lines in Line._active_lines(moves.invoice_line_ids).values():
            for line in lines:
                by_move[line.move_id].append(line)
        collected = {}
        for move, lines in by_move.items():
            collected.update(Line._allocate_collected(lines, Line._move_paid_ratio(move)))
        sale_lines = moves.line_ids.sale_line_ids
        for sale_line, lines in (Line._active_lines(sale_lines) if sale_lines else {}).items():
            # Provisional credit (not invoiced yet) collects nothing.
            collected.update(dict.fromkeys(lines, Decimal(0)))
            confirmed = [line for line in lines if line.state == "confirmed"]
            if confirmed:
                collected.update(Line._allocate_collected(confirmed, Line._sale_line_paid_ratio(sale_line)))
        changed = {
            line: amount
            for line, amount in collected.items()
            if amount != Decimal(str(line.amount_collected or 0.0))
        }
        if not changed:
            return
        Line.flush_model(["amount_collected"])
        self.env["spm.credit.monthly"].flush_model()
        # The aggregate gets what each line's collected amount changed by, as the
        # database holds it (numeric, exact), in the same statement.
        self.env.cr.execute(
            """
            WITH changed AS (
                UPDATE spm_credit_line l SET amount_collected = v.collected
                  FROM unnest(%s::int[], %s::numeric[]) AS v(id, collected)
                  JOIN spm_credit_line o ON o.id = v.id
                 WHERE l.id = v.id
             RETURNING l.user_id, l.business_unit_id, l.company_id, l.month,
                       v.collected - COALESCE(o.amount_collected, 0) AS delta
            )
            INSERT INTO spm_credit_monthly
                   (user_id, business_unit_id, company_id, month, amount, amount_collected, line_count)
            SELECT user_id, business_unit_id, company_id, month, 0, SUM(delta), 0
              FROM changed GROUP BY 1, 2, 3, 4
            """,
            [[line.id for line in changed], list(changed.values())],
        )
        lines = Line.browse([line.id for line in changed])
        lines.invalidate_recordset(["amount_collected"])
        self.env["spm.credit.monthly"].invalidate_model()
        lines._notify_credit_update()

    @api.model
    def _allocate_collected(self, lines, ratio):
        """{line: collected} for the ``lines`` of one invoice (or order line):
        the paid share ``ratio`` of their credit, rounded once and split over
        them in proportion to their amounts by largest remainder, as credit
        itself is, so that it adds up to the cent. Negative lines (a discount)
        share their own part of it."""
        currency = lines[0].currency_id
        step = Decimal(str(currency.rounding))
        amounts = {line: Decimal(str(line.amount or 0.0)) for line in lines}

        def paid_of(side):
            exact = sum((amounts[line] for line in side), Decimal(0)) * ratio
            return (exact / step).to_integral_value(ROUND_HALF_UP) * step

        positive = [line for line in lines if amounts[line] > 0]
        negative = [line for line in lines if amounts[line] < 0]
        paid = paid_of(lines)
        paid_positive = paid_of(positive) if negative else paid
        result = dict.fromkeys(lines, Decimal(0))
        for side, share in ((positive, paid_positive), (negative, paid - paid_positive)):
            if side:
                parts = allocate_amount(share, [abs(amounts[line]) for line in side], currency.rounding)
                result.update((line, Decimal(str(part))) for line, part in zip(side, parts, strict=True))
        return result

    @api.model
    def _move_paid_ratio(self, move):
        """The paid share of ``move``, exact (a ``Decimal`` from 0 to 1)."""
        total = Decimal(str(move.amount_total_signed))
        if not total:
            return Decimal(0)
        return (total - Decimal(str(move.amount_residual_signed))) / total

    @api.model
    def _sale_line_paid_ratio(self, sale_line):
        """The paid share of what ``sale_line``'s posted invoices invoiced, exact."""
        invoice_lines = sale_line.invoice_lines.filtered(lambda inv_line: inv_line.parent_state == "posted")
        total = paid = Decimal(0)
        for inv_line in invoice_lines:
            amount = Decimal(str(-inv_line.balance))
            total += amount
            paid += amount * self._move_paid_ratio(inv_line.move_id)
        return paid / total if total else Decimal(0)
