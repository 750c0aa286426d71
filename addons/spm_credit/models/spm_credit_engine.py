from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from odoo.addons.spm_quota.tools import allocate_amount, is_trusted, trusted

from ..tools import insert_rows

ENGINE_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
# The trusted flag (see spm_quota/tools/trusted.py) under which the engine writes credit lines.
ENGINE_FLAG = "spm_credit_engine"
# The trusted flag under which the addons' own bulk loads (demo data, benchmarks) credit nothing.
DISABLED_FLAG = "spm_credit_disabled"
# The fields a reversal copies from the line it cancels (addons add their source links).
REVERSAL_COPIED_FIELDS = (
    "user_id",
    "business_unit_id",
    "company_id",
    "partner_id",
    "product_id",
    "assignment_id",
    "sale_line_id",
    "order_id",
    "move_line_id",
    "move_id",
)


class SpmCreditEngine(models.AbstractModel):
    """The credit engine: the one code that writes credit lines for documents.

    Every event that changes what a document line earns (order confirmation
    and cancellation, invoice posting, reset and credit notes, payments and
    unreconciliations, secondary billing validation and rejection, "Recompute")
    calls ``_sync_credit`` or ``_sync_collected`` with the lines concerned. The
    lines are sources (``spm.credit.source.mixin``) that describe themselves;
    the engine resolves units and shares, allocates, reverses and replaces.

    Every method is private (not callable over RPC): the flows that call the
    engine checked the caller's right to the documents, and the engine writes
    its own records as superuser under the trusted flag ``ENGINE_FLAG``.
    """

    _name = "spm.credit.engine"
    _description = "SPM Credit Engine"

    def init(self):
        # One row per credit source, bumped by every allocation: two transactions
        # crediting the same source at once conflict on it, and the later one is
        # retried (as Odoo retries serialization failures) instead of crediting twice.
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS spm_credit_source_lock (
                    source_ref varchar PRIMARY KEY,
                    version integer NOT NULL DEFAULT 0
                )
                """
            )
        )

    @api.model
    def _credit_disabled(self):
        """Whether crediting is off in this transaction: only the addons' own
        bulk loads (demo data, benchmarks) turn it off, never a client's context."""
        return is_trusted(self.env, DISABLED_FLAG)

    # ------------------------------------------------------------ allocation

    @api.model
    def _units_of(self, descriptors):
        """The business unit of each credit descriptor, in order: spm_quota's
        unit rule on its product, sales team and company (read as superuser:
        the unit decides credit whoever's document it is)."""
        return (
            self.env["spm.business.unit"]
            .sudo()
            ._resolve_business_units(
                [d.product for d in descriptors],
                [d.team for d in descriptors],
                [d.company for d in descriptors],
            )
        )

    @api.model
    def _sync_credit(self, sources):
        """Bring the credit of ``sources`` in line with their documents' state.

        The one allocation used by every event. It works on a whole batch with
        a constant number of queries:

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
        # The caller's right to the documents was checked by the flow that
        # called the engine; the engine's own records are written as superuser.
        Line = self.env["spm.credit.line"].sudo().with_context(**ENGINE_CONTEXT)
        if not sources or self._credit_disabled():
            return Line.browse()
        descriptors = sources._spm_credit_descriptors()
        units = self._units_of(descriptors)
        targets = sources._spm_credit_targets(descriptors, units)
        keys = [
            (d.account.id, unit.id, d.date)
            for d, unit, parts in zip(descriptors, units, targets, strict=True)
            if unit and parts
        ]
        shares = self.env["spm.assignment"].sudo()._get_shares(keys)
        lock_dates = {d.company: d.company.spm_credit_lock_date for d in descriptors}

        desired, issues = {}, {}
        for desc, unit, parts in zip(descriptors, units, targets, strict=True):
            source = desc.source
            desired[source] = []
            if not unit:
                # Without a unit there is no policy to say whether it earns credit.
                if desc.creditable and not float_is_zero(desc.amount, precision_digits=2):
                    issues[source] = ("no_unit", desc, unit)
                continue
            if not parts:
                continue
            key_shares = shares[(desc.account.id, unit.id, desc.date)]
            splits = [s for s in key_shares if s.kind == "split"]
            if not key_shares:
                issues[source] = ("no_assignment", desc, unit)
                continue
            if splits and float_compare(sum(s.share for s in splits), 100.0, precision_digits=2):
                issues[source] = ("incomplete_shares", desc, unit)
                continue
            rounding = desc.company.currency_id.rounding
            for basis, state, amount in parts:
                split_amounts = allocate_amount(amount, [s.share for s in splits], rounding) if splits else []
                allocations = list(zip(splits, split_amounts, strict=True)) + [
                    (s, amount) for s in key_shares if s.kind == "overlay"
                ]
                for share, share_amount in allocations:
                    desired[source].append(
                        self._credit_line_vals(
                            desc, unit, share, basis, state, share_amount, lock_dates[desc.company]
                        )
                        | {"base_amount": amount}
                    )

        self._lock_sources(sources)
        existing = self._active_lines(sources)
        to_reverse, to_create = Line.browse(), []
        for source, lines_vals in desired.items():
            current = existing.get(source, Line.browse())
            if self._signature(current) != self._signature_of_vals(lines_vals):
                to_reverse |= current
                to_create += lines_vals
        with trusted(self.env, ENGINE_FLAG):
            reversals = self._reverse_lines(to_reverse, _("Document changed"))
            created = self._create_engine_lines(to_create)
        self.env["spm.credit.issue"].sudo()._sync_issues(sources, issues)
        return reversals | created

    @api.model
    def _credit_line_vals(self, desc, unit, share, basis, state, amount, lock_date):
        """The values of one credit line of ``desc`` (a ``CreditDescriptor``) for
        ``share``; dated the first open day when the event's date is locked."""
        date, original_date = desc.date, False
        if lock_date and date <= lock_date:
            date, original_date = lock_date + timedelta(days=1), desc.date
        return {
            "user_id": share.user_id,
            "business_unit_id": unit.id,
            "company_id": desc.company.id,
            "partner_id": desc.customer.id,
            "product_id": desc.product.id,
            "date": date,
            "original_date": original_date,
            "is_adjustment": bool(original_date),
            "amount": amount,
            "share": share.share,
            "kind": share.kind,
            "assignment_id": share.assignment_id,
            "basis": basis,
            "state": state,
            # Held credit is recorded apart from achievement until its source is released.
            "is_held": state == "held",
            "origin": desc.origin,
            **desc.links,
        }

    @api.model
    def _signature(self, lines):
        """What a source's credit lines say, to compare with what it should carry."""
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
        """``_signature`` of lines still to create, from their values."""
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

    @api.model
    def _lock_sources(self, sources):
        """Serialize the transactions that work on ``sources`` (any records)."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO spm_credit_source_lock AS l (source_ref)
                SELECT unnest(%s::varchar[])
                ON CONFLICT (source_ref) DO UPDATE SET version = l.version + 1
                """,
                list(dict.fromkeys(f"{source._name},{source.id}" for source in sources)),
            )
        )

    @api.model
    def _active_lines(self, sources):
        """The lines of each source that no reversal cancels yet, in one query:
        ``{source: credit lines}`` (as superuser)."""
        Line = self.env["spm.credit.line"].sudo()
        link = sources._spm_credit_link_field()
        Line.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id FROM spm_credit_line l
                 WHERE %s = ANY(%s) AND l.state != 'reversed'
                   AND NOT EXISTS (SELECT 1 FROM spm_credit_line r WHERE r.reversed_line_id = l.id)
                """,
                SQL.identifier("l", link),
                sources.ids,
            )
        )
        result = defaultdict(Line.browse)
        for line in Line.browse([row[0] for row in self.env.cr.fetchall()]):
            result[line[link]] |= line
        return result

    @api.model
    def _reversal_copied_fields(self):
        """The fields a reversal copies from the line it cancels (addons add theirs)."""
        return REVERSAL_COPIED_FIELDS

    @api.model
    def _reverse_lines(self, lines, reason):
        """Cancel ``lines`` with negative lines on the same dates (the first open
        day instead when the date is locked)."""
        if not lines:
            return self.env["spm.credit.line"].browse()
        copied = self._reversal_copied_fields()
        vals_list = []
        for line in lines.sudo():
            lock = line.company_id.spm_credit_lock_date
            # A reversal tells the same event: an adjustment's keeps its original date.
            date, original_date = line.date, line.original_date
            if lock and date <= lock:
                date, original_date = lock + timedelta(days=1), line.original_date or line.date
            vals_list.append(
                {
                    **{f: line[f].id for f in copied},
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
                    # The reversal of held credit cancels held credit, never achievement.
                    "is_held": line.is_held,
                    "origin": line.origin,
                    "reversed_line_id": line.id,
                    "reason": reason,
                }
            )
        return self._create_engine_lines(vals_list)

    @api.model
    def _create_engine_lines(self, vals_list):
        """Insert the lines the engine allocated, in one statement, then run
        their side effects (``spm.credit.line._credit_created``) as for the
        lines the ORM creates.

        Crediting runs inside order confirmation, invoice posting and uploads,
        so it must cost little. The engine's values are complete and checked
        (lock dates included), so the lines are inserted directly: one
        statement of constant size, whatever the number of lines.
        Measured against the ORM's ``create`` of the same values, side effects
        included in both (``tests/benchmarks/engine_insert.py``, 2 cores at a
        load of 6 to 7): 40 lines (an order) in 33 ms against 118 ms, 6 queries
        against 9; 20,000 lines (an upload) in 9.2 s against 51.8 s, 6 queries
        against 426: 3.6 and 5.6 times faster.
        """
        Line = self.env["spm.credit.line"].sudo().with_context(**ENGINE_CONTEXT)
        if not vals_list:
            return Line.browse()
        if not is_trusted(self.env, ENGINE_FLAG):
            raise UserError(_("Credit lines are only written by the credit engine."))
        by_company = defaultdict(list)
        for vals in vals_list:
            by_company[vals["company_id"]].append(vals["date"])
        Line._check_lock_dates({self.env["res.company"].browse(c): d for c, d in by_company.items()})
        Line.flush_model()
        # Nothing is collected on new credit, unless a reversal says otherwise.
        vals_list = [
            {"amount_collected": 0.0, **vals, "month": vals["date"].replace(day=1)} for vals in vals_list
        ]
        # One statement of constant size, whatever the number of lines (an upload
        # credits tens of thousands at once).
        lines = Line.browse(insert_rows(Line, vals_list))
        lines._credit_created()
        return lines

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
        Line = self.env["spm.credit.line"].sudo()
        moves = moves.sudo().filtered(lambda m: m.is_sale_document(include_receipts=True))
        if not moves:
            return
        by_move = defaultdict(list)
        for lines in self._active_lines(moves.invoice_line_ids).values():
            for line in lines:
                by_move[line.move_id].append(line)
        collected = {}
        for move, lines in by_move.items():
            collected.update(self._allocate_collected(lines, self._move_paid_ratio(move)))
        sale_lines = moves.line_ids.sale_line_ids
        for sale_line, lines in (self._active_lines(sale_lines) if sale_lines else {}).items():
            # Provisional credit (not invoiced yet) collects nothing.
            collected.update(dict.fromkeys(lines, Decimal(0)))
            confirmed = [line for line in lines if line.state == "confirmed"]
            if confirmed:
                collected.update(self._allocate_collected(confirmed, self._sale_line_paid_ratio(sale_line)))
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
            SQL(
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
                       (user_id, business_unit_id, company_id, month, amount, held_amount, amount_collected,
                        line_count)
                SELECT user_id, business_unit_id, company_id, month, 0, 0, SUM(delta), 0
                  FROM changed GROUP BY 1, 2, 3, 4
                """,
                [line.id for line in changed],
                list(changed.values()),
            )
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
