import logging
from contextlib import nullcontext

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, html_escape

from odoo.addons.spm_quota.tools import is_trusted, trusted

from ..tools import bill_number_key
from ..tools.billing_checker import BillingChecker, lines_key_of, signature_of

_logger = logging.getLogger(__name__)

# Changing one of these changes what the billing reports: only in draft.
CONTENT_FIELDS = {
    "distributor_id",
    "bill_number",
    "bill_date",
    "retailer_id",
    "billing_type",
    "currency_id",
    "company_id",
    "line_ids",
}
# The workflow's own fields: written only by the workflow methods, which
# check who calls them and raise WORKFLOW_FLAG (see _write_workflow).
WORKFLOW_FIELDS = {
    "state",
    "upload_id",
    "reject_reason",
    "submitted_by_id",
    "submitted_date",
    "validated_by_id",
    "validated_date",
    "review_required",
}
WORKFLOW_FLAG = "spm_billing_workflow"
# Billings created (and submitted) at a time by uploads and the API.
CREATE_BATCH_SIZE = 500


def check_no_derived_vals(model, vals):
    """Refuse computed values (amounts, units, copies of the billing's fields) in
    ``vals``: they are the ORM's to compute, and given by a client they would be
    stored as given, e.g. a line's amount that credit reads."""
    derived = [
        model._fields[name]
        for name in vals
        if name in model._fields and model._fields[name].compute and not model._fields[name].inverse
    ]
    if derived:
        raise UserError(
            model.env._(
                "%(fields)s: computed, never written (%(model)s).",
                fields=", ".join(field._description_string(model.env) for field in derived),
                model=model._description,
            )
        )


class SpmSecondaryBilling(models.Model):
    """A distributor's bill to one of its retailers: its secondary sale.

    Entered on the portal, uploaded in a file or pushed through the JSON API,
    always checked by :meth:`_check_billings`. Once validated (on submission
    or after the unit manager's review), its lines credit the salespersons
    assigned to the distributor.
    """

    _name = "spm.secondary.billing"
    _description = "Secondary Billing"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "spm.credit.document.mixin"]
    _order = "bill_date desc, id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    bill_number = fields.Char(
        required=True,
        index=True,
        tracking=True,
        copy=False,
        help="The distributor's own number of the bill; unique per distributor.",
    )
    bill_number_key = fields.Char(
        compute="_compute_bill_number_key",
        store=True,
        help="The bill number as bills are told apart: two bill numbers of a distributor with the "
        "same key are the same bill (see tools/bill_number.py). Indexed by the unique constraint.",
    )
    distributor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_distributor", "=", True), ("parent_id", "=", False)],
    )
    bill_date = fields.Date(required=True, index=True, tracking=True, default=fields.Date.context_today)
    retailer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain="[('spm_is_retailer', '=', True), "
        "('spm_retailer_link_ids.distributor_id', '=', distributor_id)]",
        context={"default_spm_is_retailer": True, "default_is_company": True},
    )
    billing_type = fields.Selection(
        [("sale", "Sale"), ("return", "Return")],
        string="Type",
        required=True,
        default="sale",
        tracking=True,
        help="A return credits the salespersons negatively.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    line_ids = fields.One2many("spm.secondary.billing.line", "billing_id", string="Lines", copy=True)
    line_key = fields.Char(
        "Goods Key",
        compute="_compute_line_key",
        store=True,
        index=True,
        help="The products and quantities of the lines as one key (see tools/billing_checker.py "
        "lines_key_of): the duplicate holds find the bills that report the same goods by it.",
    )
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True)
    amount_company_signed = fields.Monetary(
        "Total (Company Currency)",
        compute="_compute_amounts",
        store=True,
        currency_field="company_currency_id",
        help="Converted at the bill date; negative for returns.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            # Validated but for a doubt (a possible duplicate, stock): its credit is held.
            ("held", "Held"),
            ("validated", "Validated"),
            ("rejected", "Rejected"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    reject_reason = fields.Text("Rejection Reason", readonly=True, copy=False, tracking=True)
    source = fields.Selection(
        [("portal", "Portal"), ("upload", "File upload"), ("api", "API"), ("backoffice", "Back office")],
        default="backoffice",
        required=True,
        readonly=True,
        copy=False,
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime("Submitted On", readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    validated_date = fields.Datetime("Reviewed On", readonly=True, copy=False)
    review_required = fields.Boolean(
        readonly=True,
        copy=False,
        help="A reviewer rejected or cancelled this billing: every later submission waits for the "
        "review of its units' managers, even in units that validate on submission.",
    )
    # Not stored: the lines store their unit, and an upload of thousands of
    # billings would otherwise write a relation for each of them.
    business_unit_ids = fields.Many2many(
        "spm.business.unit",
        string="Business Units",
        compute="_compute_business_unit_ids",
        search="_search_business_unit_ids",
    )
    credit_line_ids = fields.One2many("spm.credit.line", "secondary_billing_id", string="Sales Credit")
    hold_ids = fields.One2many("spm.secondary.billing.hold", "billing_id", readonly=True)
    active_hold_ids = fields.One2many(
        "spm.secondary.billing.hold",
        "billing_id",
        string="Active Holds",
        domain=[("state", "=", "active")],
        readonly=True,
    )
    related_hold_ids = fields.One2many(
        "spm.secondary.billing.hold",
        "related_billing_id",
        string="Possible Duplicates",
        readonly=True,
        help="The holds of later billings that may report this billing's sale again.",
    )
    hold_count = fields.Integer("Active Hold Count", compute="_compute_hold_count")
    stock_shortfall_ids = fields.One2many(
        "spm.secondary.billing.hold.shortfall",
        "billing_id",
        readonly=True,
        help="The products the billing reported beyond its distributor's stock.",
    )
    upload_id = fields.Many2one("spm.secondary.upload", index="btree_not_null", readonly=True, copy=False)

    _sql_constraints = [
        (
            "bill_number_distributor_uniq",
            "unique(distributor_id, bill_number_key)",
            "A distributor's bill number can be reported only once.",
        ),
    ]

    # ------------------------------------------------------------ computes

    @api.depends("bill_number")
    def _compute_bill_number_key(self):
        for billing in self:
            billing.bill_number_key = bill_number_key(billing.bill_number) or False

    @api.model
    def _spm_next_names(self, sequence, count):
        """``count`` references drawn from ``sequence`` (an ``ir.sequence``) as its ``_next``
        draws them one by one, in one query for a standard sequence without date ranges."""
        if sequence.implementation != "standard" or sequence.use_date_range or count < 2:
            return [sequence._next() for _index in range(count)]
        numbers = self.env.execute_query(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
        )
        return [sequence.get_next_char(number) for (number,) in sorted(numbers)]

    @api.model
    def _spm_recompute_bill_number_keys(self, characters):
        """Store again, as :func:`..tools.bill_number_key` now computes it, the
        key of the billings whose bill number holds one of ``characters`` (an
        upgrade after the keys' rule changed for them), in one update.

        A new key that another bill of the distributor has already (or an earlier
        one of these gets) would make the two one bill: the later keeps its
        key, a warning names both for a reviewer to decide; nothing is refused.

        :return: the billings whose key changed
        """
        Billing = self.sudo().with_context(active_test=False)
        domain = ["|"] * (len(characters) - 1) + [("bill_number", "like", c) for c in characters]
        billings = Billing.search(domain, order="id")
        keys = {billing: bill_number_key(billing.bill_number) or False for billing in billings}
        changed = billings.filtered(lambda b: keys[b] != b.bill_number_key)
        taken = {
            (billing.distributor_id.id, billing.bill_number_key): billing
            for billing in Billing.search(
                [
                    ("distributor_id", "in", changed.distributor_id.ids),
                    ("bill_number_key", "in", list({keys[b] for b in changed})),
                    ("id", "not in", changed.ids),
                ]
            )
        }
        updated = Billing.browse()
        for billing in changed:
            other = taken.get((billing.distributor_id.id, keys[billing]))
            if other:
                _logger.warning(
                    "Bill number key of billing %s (%r) not changed to %r: billing %s (%r) of the same "
                    "distributor has it; a reviewer decides whether they are the same bill.",
                    billing.id,
                    billing.bill_number,
                    keys[billing],
                    other.id,
                    other.bill_number,
                )
                continue
            taken[billing.distributor_id.id, keys[billing]] = billing
            updated |= billing
        if updated:
            self.env.execute_query(
                SQL(
                    """
                    UPDATE spm_secondary_billing billing
                       SET bill_number_key = fixed.key
                      FROM unnest(%(ids)s::int[], %(keys)s::varchar[]) AS fixed(id, key)
                     WHERE billing.id = fixed.id
                    """,
                    ids=updated.ids,
                    keys=[keys[billing] for billing in updated],
                )
            )
            updated.invalidate_recordset(["bill_number_key"])
        return updated.with_env(self.env)

    @api.depends("line_ids.product_id", "line_ids.quantity")
    def _compute_line_key(self):
        for billing in self:
            billing.line_key = lines_key_of(
                self.env,
                [{"product_id": line.product_id.id, "quantity": line.quantity} for line in billing.line_ids],
            )

    @api.depends("line_ids.price_subtotal", "currency_id", "company_id", "bill_date", "billing_type")
    def _compute_amounts(self):
        for billing in self:
            billing.amount_total, billing.amount_company_signed = billing._spm_amounts_of_lines(
                billing.line_ids.mapped("price_subtotal")
            )

    def _spm_amounts_of_lines(self, subtotals):
        """This billing's total and its signed amount in company currency, of its lines'
        ``subtotals``: what ``_compute_amounts`` stores."""
        self.ensure_one()
        total = sum(subtotals)
        return total, self._to_company_currency(total) * self._sign()

    @api.depends("line_ids.business_unit_id")
    def _compute_business_unit_ids(self):
        for billing in self:
            billing.business_unit_ids = billing.line_ids.business_unit_id

    @api.depends("active_hold_ids")
    def _compute_hold_count(self):
        for billing in self:
            billing.hold_count = len(billing.active_hold_ids)

    def _search_business_unit_ids(self, operator, value):
        return [("line_ids.business_unit_id", operator, value)]

    def _spm_credit_line_field(self):
        return "secondary_billing_id"

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for billing in self:
            billing.access_url = f"/my/secondary-sales/{billing.id}"
        return result

    @api.depends("name", "bill_number")
    def _compute_display_name(self):
        for billing in self:
            if billing.bill_number and billing.name not in ("/", False):
                billing.display_name = f"{billing.name} ({billing.bill_number})"
            else:
                billing.display_name = billing.bill_number or billing.name

    def _sign(self):
        return -1 if self.billing_type == "return" else 1

    def _to_company_currency(self, amount):
        return self._to_company_currency_many([amount])[0]

    def _to_company_currency_many(self, amounts):
        """``amounts`` of this billing in its company's currency, rounded: converted at the
        bill date (the rate read once for all, e.g. the lines of a billing)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        currency = company.currency_id
        if not self.currency_id or self.currency_id == currency:
            return [currency.round(amount) for amount in amounts]
        day = self.bill_date or fields.Date.context_today(self)
        rate = self.currency_id._get_conversion_rate(self.currency_id, currency, company, day)
        return [currency.round(amount * rate) for amount in amounts]

    # ------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_workflow_vals(vals)
            check_no_derived_vals(self, vals)
        # Nor through defaults, even on a trusted path (which gives them as values): a client's
        # context may carry default_state and the like.
        defaults = {f"default_{name}" for name in WORKFLOW_FIELDS} & set(self.env.context)
        if defaults:
            context = {k: v for k, v in self.env.context.items() if k not in defaults}
            return self.with_env(self.env(context=context)).create(vals_list)
        # The caller's values are left as given (a retry checks them again).
        vals_list = [dict(vals) for vals in vals_list]
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if unnamed:  # the sequence looked up, and its numbers drawn, once for a whole batch (uploads, API)
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .search(
                    [
                        ("code", "=", "spm.secondary.billing"),
                        ("company_id", "in", [self.env.company.id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            names = self._spm_next_names(sequence, len(unnamed)) if sequence else ["/"] * len(unnamed)
            for vals, name in zip(unnamed, names, strict=True):
                vals["name"] = name
        for vals in vals_list:
            if vals.get("bill_number"):
                vals["bill_number"] = vals["bill_number"].strip()
                # Inserted with the billing rather than updated after (an upload makes thousands).
                vals["bill_number_key"] = bill_number_key(vals["bill_number"]) or False
            if vals.get("distributor_id"):
                vals["distributor_id"] = (
                    self.env["res.partner"].browse(vals["distributor_id"]).commercial_partner_id.id
                )
        self.browse()._check_bill_numbers_free(
            [(vals.get("distributor_id"), vals.get("bill_number")) for vals in vals_list]
        )
        billings = super().create(vals_list)
        billings._check_manager_scope()
        return billings

    def write(self, vals):
        self._check_workflow_vals(vals)
        check_no_derived_vals(self, vals)
        if CONTENT_FIELDS & set(vals):
            locked = self.filtered(lambda b: b.state != "draft")
            if locked:
                raise UserError(
                    _(
                        "The billing %(billing)s is %(state)s: only draft billings can be changed. "
                        "Reject or cancel it, reset it to draft, then correct it.",
                        billing=locked[0].display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[locked[0].state],
                    )
                )
        self._check_manager_scope()
        if vals.get("bill_number"):
            vals["bill_number"] = vals["bill_number"].strip()
        if {"bill_number", "distributor_id"} & set(vals):
            self._check_bill_numbers_free(
                [
                    (
                        vals.get("distributor_id", billing.distributor_id.id),
                        vals.get("bill_number", billing.bill_number),
                    )
                    for billing in self
                ]
            )
        result = super().write(vals)
        # Record rules see the billing before the write: where it went must be in reach too.
        if "company_id" in vals and not self.env.su:
            self.check_access("write")
        if {"line_ids", "company_id"} & set(vals):
            self._check_manager_scope()
        return result

    def _check_workflow_vals(self, vals):
        if WORKFLOW_FIELDS & set(vals) and not is_trusted(self.env, WORKFLOW_FLAG):
            raise AccessError(
                _(
                    "The status of a secondary billing, its reviewer and its rejection change only "
                    "through its buttons (submit, validate, reject, cancel, reset to draft)."
                )
            )

    def _write_workflow(self, vals):
        """Write workflow fields: for the workflow methods, once they checked the caller."""
        with trusted(self.env, WORKFLOW_FLAG):
            return self.sudo().write(vals)

    @api.constrains("distributor_id", "retailer_id")
    def _check_distributor_retailer(self):
        for billing in self:
            if not billing.distributor_id.is_distributor:
                raise ValidationError(
                    _("%(partner)s is not a distributor.", partner=billing.distributor_id.display_name)
                )
            if not billing.retailer_id.spm_is_retailer or billing.distributor_id not in (
                billing.retailer_id.sudo().spm_retailer_link_ids.distributor_id
            ):
                raise ValidationError(
                    _(
                        "%(retailer)s is not a retailer of %(distributor)s.",
                        retailer=billing.retailer_id.display_name,
                        distributor=billing.distributor_id.display_name,
                    )
                )

    def _check_bill_numbers_free(self, numbers):
        """Refuse bill numbers with the key of another billing of their distributor:
        a bill is reported once, however its number is written (the back office's
        check; the channels' is :meth:`_check_billings`, before they create).

        Called by create and write before they change anything: the unique
        constraint holds the rule too, but its message cannot name the earlier
        billing, and once these billings are flushed it speaks first.

        :param numbers: ``(distributor id, bill number)`` of each billing
            created, or of each billing of ``self`` written
        """
        first = {}
        for distributor_id, number in numbers:
            key = (distributor_id, bill_number_key(number))
            if key[1] and key in first:
                raise ValidationError(
                    _(
                        "The bill numbers %(number)s and %(first)s are the same bill of %(distributor)s.",
                        number=number,
                        first=first[key],
                        distributor=self.env["res.partner"].browse(distributor_id).sudo().display_name,
                    )
                )
            first[key] = number
        keys = [key for key in first if key[1]]
        if not keys:
            return
        earlier = self.sudo().search(
            [
                ("distributor_id", "in", list({key[0] for key in keys})),
                ("bill_number_key", "in", list({key[1] for key in keys})),
                ("id", "not in", self.ids),
            ],
            order="id",
        )
        for billing in earlier:
            number = first.get((billing.distributor_id.id, billing.bill_number_key))
            if number is not None:
                raise ValidationError(
                    _(
                        "The bill number %(number)s of %(distributor)s is already reported: it is the bill "
                        "%(earlier_number)s of the billing %(earlier)s (%(state)s).",
                        number=number,
                        distributor=billing.distributor_id.display_name,
                        earlier_number=billing.bill_number,
                        earlier=billing.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[billing.state],
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(billing.state != "draft" for billing in self):
            raise UserError(_("Only draft secondary billings can be deleted; cancel the others."))
        if any(billing.review_required for billing in self):
            # Its bill number stays taken: the billing cannot come back as a new one, unreviewed.
            raise UserError(
                _("A billing a reviewer rejected or cancelled is kept: correct and submit it, or cancel it.")
            )
        self._check_manager_scope()

    # ------------------------------------------------------------ the checker

    @api.model
    def _check_billings(self, billings, distributor, *, allow_identical=False, exclude=None):
        """Check and resolve secondary billings with :class:`..tools.billing_checker.BillingChecker`,
        the one set of business rules of the portal form, the file upload, the API
        and the back office: ``(prepared, errors)``, nothing created or changed
        (see :meth:`~..tools.billing_checker.BillingChecker.check`)."""
        checker = BillingChecker(self.env, distributor, allow_identical=allow_identical, exclude=exclude)
        return checker.check(billings)

    def _signature(self):
        """What the billing reports, to recognise a retry of the same billing."""
        self.ensure_one()
        return signature_of(
            self.env,
            self.bill_date,
            self.retailer_id,
            self.billing_type,
            self.currency_id,
            [
                {"product_id": line.product_id.id, "quantity": line.quantity, "price_unit": line.price_unit}
                for line in self.line_ids
            ],
        )

    @api.model
    def _create_checked(self, prepared, source, submit=False, upload=None):
        """Create the billings that :meth:`_check_billings` accepted (all or none:
        call it only when it returned no error), with the retailers they name;
        from ``upload`` (an ``spm.secondary.upload``) when its job creates them.

        :return: ``(created, existing)`` billings, each in the order of ``prepared``
        """
        to_create = [p["vals"] for p in prepared if p["vals"]]
        existing = self.browse([p["existing"].id for p in prepared if p["existing"]])
        if not to_create:
            return self.browse(), existing
        Partner = self.env["res.partner"]
        names_by_distributor = {}
        details_by_distributor = {}
        for vals in to_create:
            if vals["retailer_name"]:
                names_by_distributor.setdefault(vals["distributor_id"], []).append(vals["retailer_name"])
                details_by_distributor.setdefault(vals["distributor_id"], {})[vals["retailer_name"]] = vals[
                    "retailer_details"
                ]
        new_retailers = {}
        for distributor_id, names in names_by_distributor.items():
            for name, partner in (
                Partner.browse(distributor_id)
                ._spm_create_retailers(names, details_by_distributor[distributor_id])
                .items()
            ):
                new_retailers[(distributor_id, name)] = partner
        # Retailers matched among other distributors' (by tax id, name and city) become this one's.
        Partner._spm_link_retailers([(vals["distributor_id"], vals["retailer_id"]) for vals in to_create])
        vals_list = []
        for vals in to_create:
            retailer_id = (
                vals["retailer_id"] or new_retailers[(vals["distributor_id"], vals["retailer_name"])].id
            )
            vals_list.append(
                {
                    **{
                        k: v
                        for k, v in vals.items()
                        if k not in ("lines", "retailer_name", "retailer_details")
                    },
                    "retailer_id": retailer_id,
                    "source": source,
                    **({"upload_id": upload.id} if upload else {}),
                }
            )
        # The chatter records the submission and the review; a line per created billing adds nothing.
        Billing = self.with_context(mail_create_nolog=True)
        Line = self.env["spm.secondary.billing.line"]
        created_ids = []
        # Batch by batch, the records of a batch dropped from memory once written:
        # a file of any size takes the memory of one batch (still one transaction).
        for start in range(0, len(vals_list), CREATE_BATCH_SIZE):
            # The upload, a workflow field, given at creation: an update of each billing after
            # would cost an upload as much again.
            with trusted(self.env, WORKFLOW_FLAG) if upload else nullcontext():
                batch = Billing.create(vals_list[start : start + CREATE_BATCH_SIZE]).with_env(self.env)
            # The lines, checked with their billings, in one statement (an upload has tens of thousands),
            # submitted ones stored as validated: what most of them become on submission.
            Line._spm_insert_checked(
                [
                    {**line, "billing_id": billing.id}
                    for billing, vals in zip(batch, to_create[start : start + CREATE_BATCH_SIZE], strict=True)
                    for line in vals["lines"]
                ],
                state="validated" if submit else None,
            )
            if submit:
                # Checked a moment ago by _check_billings, the rules of action_submit's check.
                batch._check_distributor_or_write_access()
                batch.with_context(tracking_disable=True)._submit()
            created_ids += batch.ids
            if len(vals_list) > CREATE_BATCH_SIZE:
                self.env.flush_all()
                self.env.invalidate_all()
        return self.browse(created_ids), existing

    def _update_checked(self, item):
        """Replace this draft billing's content by what :meth:`_check_billings`
        accepted in ``item`` (the portal form's edit)."""
        self.ensure_one()
        vals = item["vals"]
        retailer_id = vals["retailer_id"]
        if not retailer_id:
            name = vals["retailer_name"]
            retailer_id = self.distributor_id._spm_create_retailers([name], {name: vals["retailer_details"]})[
                name
            ].id
        self.env["res.partner"]._spm_link_retailers([(self.distributor_id.id, retailer_id)])
        self.write(
            {
                **{
                    k: v
                    for k, v in vals.items()
                    if k not in ("lines", "retailer_name", "retailer_details", "distributor_id", "company_id")
                },
                "retailer_id": retailer_id,
                "line_ids": [Command.clear()] + [Command.create(line) for line in vals["lines"]],
            }
        )
        return True

    def _as_check_input(self):
        """This billing as :meth:`_check_billings` takes it, to check it again."""
        self.ensure_one()
        return {
            "row": None,
            "bill_number": self.bill_number,
            "bill_date": self.bill_date,
            "retailer": self.retailer_id,
            "type": self.billing_type,
            "currency": self.currency_id,
            "lines": [
                {
                    "row": None,
                    "label": self.env._("Line %(number)s", number=index),
                    "product": line.product_id,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                }
                for index, line in enumerate(self.line_ids, start=1)
            ],
        }

    def _check_content(self):
        """Check these billings with the rules of every channel (and the bounds of
        their company), in one pass per distributor and company; raise on errors."""
        messages = []
        billings = self.sudo()
        for (distributor, company), group in billings.grouped(
            lambda b: (b.distributor_id, b.company_id)
        ).items():
            _prepared, errors = self.with_company(company)._check_billings(
                [billing._as_check_input() for billing in group],
                distributor,
                exclude=group,
            )
            by_number = {billing.bill_number: billing for billing in group}
            for error in errors:
                billing = by_number.get(error["bill_number"])
                where = f"{error['column']}: " if error["column"] else ""
                name = billing.display_name if billing else error["bill_number"] or ""
                messages.append(f"{name}: {where}{error['message']}")
        if messages:
            raise ValidationError("\n".join(messages))

    # ------------------------------------------------------------ access

    def _is_own_billing(self):
        """Whether the current (portal) user reports for this billing's distributor."""
        self.ensure_one()
        distributor = self.env["res.partner"]._spm_distributor_of_user(self.env.user)
        return bool(distributor) and self.distributor_id == distributor

    def _check_distributor_or_write_access(self):
        """Portal users act on their distributor's billings; internal users need
        write access to them, within the business units they manage."""
        if self.env.su:
            return
        if self.env.user.share:
            if not all(billing._is_own_billing() for billing in self):
                raise AccessError(_("You can only act on the secondary billings of your own company."))
            return
        self.check_access("write")
        self._check_manager_scope()

    def _check_manager_scope(self):
        """Internal users but SPM administrators change only billings every line of
        which belongs to a business unit they manage: a manager of no unit manages
        no billing, a billing with no line or a line of no unit is the administrators'.

        Checked on the billings as they are and, after a change, as they became
        (record rules only see them before)."""
        user = self.env.user
        if not self or self.env.su or user.share or user.has_group("spm_quota.group_spm_admin"):
            return
        in_scope = {}
        for line, unit in self._spm_line_unit_pairs():
            billing_id = line.billing_id.id
            in_scope[billing_id] = in_scope.get(billing_id, True) and unit.manager_id == user
        outside = self.filtered(lambda b: not in_scope.get(b.id))
        if outside:
            raise AccessError(
                _(
                    "You may only change secondary billings all lines of which belong to business units "
                    "you manage: %(billing)s has none, or lines of other units.",
                    billing=outside[0].sudo().display_name,
                )
            )

    def _check_can_review(self):
        """Only the managers of the billing's units (those that review billings if
        any, every unit of its lines otherwise) or SPM administrators validate,
        reject or cancel a billing once submitted."""
        if not self or self.env.su or self.env.user.has_group("spm_quota.group_spm_admin"):
            return
        if not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(_("Only the business unit's manager can review secondary billings."))
        foreign = self._spm_not_reviewable()
        if foreign:
            raise AccessError(
                _(
                    "%(billing)s concerns business units you do not manage: their managers review it.",
                    billing=foreign[0].display_name,
                )
            )

    def _spm_not_reviewable(self):
        """The billings of these that a unit manager may not review: a unit that
        reviews them (every unit of their lines if none does) is another's."""
        if self.env.su or self.env.user.has_group("spm_quota.group_spm_admin"):
            return self.browse()
        foreign = self.browse()
        for billing, line_units in self._spm_units_by_billing().items():
            units = line_units.filtered(lambda u: u.secondary_validation == "review") or line_units
            if not units or units.filtered(lambda u: u.manager_id != self.env.user):
                foreign |= billing
        return foreign

    # ------------------------------------------------------------ workflow

    def _spm_line_unit_pairs(self):
        """(line, business unit) of every line of these billings: the lines' stored
        unit, resolved as credit resolves it and again whenever the units' mapping
        changes (the unit is empty for a product of no unit), in one pass."""
        lines = self.sudo().line_ids
        return [(line, line.business_unit_id) for line in lines]

    def _spm_units_by_billing(self):
        """{billing: business units of its lines}, as credit resolves them, in one pass."""
        result = dict.fromkeys(self, self.env["spm.business.unit"].sudo())
        for line, unit in self._spm_line_unit_pairs():
            result[line.billing_id.with_env(self.env)] |= unit
        return result

    def _spm_line_units(self):
        self.ensure_one()
        return self._spm_units_by_billing()[self]

    def _spm_review_units(self):
        self.ensure_one()
        return self._spm_line_units().filtered(lambda u: u.secondary_validation == "review")

    def action_submit(self):
        """Submit draft billings: validated at once where every unit validates on
        submission, otherwise waiting for the review of the units' managers."""
        if any(billing.state != "draft" for billing in self):
            raise UserError(_("Only draft billings can be submitted."))
        self._check_distributor_or_write_access()
        self._check_content()
        self._submit()
        return True

    def _submit(self):
        """Submit these checked draft billings (see :meth:`action_submit`).

        A billing validated on submission is written once, straight from draft
        to validated: its state is copied onto every line, and an upload has
        tens of thousands of them. A billing a reviewer rejected or cancelled
        waits for the review of all its units' managers, whatever their policy."""
        review_units = {}
        for billing, units in self._spm_units_by_billing().items():
            reviewing = units.filtered(lambda u: u.secondary_validation == "review")
            if billing.review_required and not reviewing:
                reviewing = units
            review_units[billing] = reviewing
        to_review = self.browse(
            [billing.id for billing, units in review_units.items() if units or billing.review_required]
        )
        submission = {
            "submitted_by_id": self.env.uid,
            "submitted_date": fields.Datetime.now(),
            "reject_reason": False,
        }
        to_review._write_workflow({**submission, "state": "submitted"})
        (self - to_review).sudo()._validate(auto=True, **submission)
        for billing in to_review:
            billing.sudo()._schedule_review(review_units[billing])

    def action_validate(self):
        """Validate submitted billings: for the managers who review them."""
        if any(billing.state != "submitted" for billing in self):
            raise UserError(_("Only submitted billings can be validated."))
        self._check_can_review()
        self.sudo()._validate()
        return True

    def action_bulk_validate(self):
        """Validate, from the list, the submitted billings of these that the user
        reviews, and say what was done: those of other units' managers stay
        waiting for their review, those not submitted are skipped."""
        if not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(_("Only the business unit's manager can review secondary billings."))
        submitted = self.filtered(lambda b: b.state == "submitted")
        others = submitted._spm_not_reviewable()
        to_validate = submitted - others
        if to_validate:
            to_validate.sudo()._validate()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Secondary billings"),
                "message": _(
                    "%(validated)s validated, %(review)s left to the review of their units' managers, "
                    "%(skipped)s skipped (not submitted).",
                    validated=len(to_validate),
                    review=len(others),
                    skipped=len(self) - len(submitted),
                ),
                "type": "success" if to_validate else "warning",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _validate(self, auto=False, **values):
        """Validate these billings, or hold those a doubt is found on (see
        :meth:`_spm_collect_holds`): held, their credit is held until a
        reviewer releases them (:meth:`action_release_hold`) or rejects them."""
        holds = self._spm_collect_holds()
        held = self.browse([billing.id for billing in holds])
        review = {
            **values,
            "validated_by_id": False if auto else self.env.uid,
            "validated_date": fields.Datetime.now(),
        }
        (self - held)._write_workflow({**review, "state": "validated"})
        held._write_workflow({**review, "state": "held"})
        self._spm_done_review()
        held._spm_create_holds(holds)
        self._spm_sync_credit()

    # ------------------------------------------------------------ holds

    def _spm_collect_holds(self):
        """The doubts on these billings about to be validated, by every check:
        ``{billing: [hold values]}``, only billings with a doubt in it (their
        ``kind``, ``reason`` and ``related_billing_id``, see spm.secondary.billing.hold)."""
        holds = {}
        checks = (
            self._spm_duplicate_holds(),
            self.env["spm.distributor.stock"]._spm_stock_holds(self),
        )
        for found in checks:
            for billing, vals_list in found.items():
                holds.setdefault(billing, []).extend(vals_list)
        return holds

    def _spm_duplicate_holds(self):
        """Possible duplicates of these billings about to be validated, among
        the bills reported already and, between two of these, the earlier one
        (the later report is the one held), in one query whatever their number:

        - a near duplicate: a bill of the same distributor to the same retailer
          with the same lines (products and quantities), type, currency and
          total, dated within the company's ``spm_duplicate_days`` of this one;
        - a cross-distributor duplicate: a bill of another distributor of the
          same company with the same lines, type and date, to a retailer with
          the same tax id when both have one, else the same name and city (by
          the retailer master's keys, see res.partner._compute_spm_retailer_keys).

        Cancelled, rejected and draft bills are not reports; these billings
        count whatever their state (an upload validates them together).

        :return: ``{billing: [hold values]}``, at most one hold of each kind
        """
        if not self:
            return {}
        self.flush_model(
            [
                "distributor_id",
                "retailer_id",
                "bill_date",
                "billing_type",
                "company_id",
                "currency_id",
                "amount_total",
                "line_key",
                "state",
            ]
        )
        self.env["res.company"].flush_model(["spm_duplicate_days"])
        self.env["res.partner"].flush_model(["spm_tax_id_key", "spm_name_city_key"])
        self.env["spm.secondary.billing.hold"].flush_model(["billing_id", "related_billing_id"])
        ids = list(self.ids)
        # The same goods are found by the indexed key of the lines (line_key), billing by
        # billing: the cost grows with these billings, not with the bills of the days.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.id, o.id, m.distributor_id = o.distributor_id
                  FROM spm_secondary_billing m
                  JOIN res_company c ON c.id = m.company_id
                  JOIN spm_secondary_billing o
                    ON o.line_key = m.line_key AND o.company_id = m.company_id
                   AND o.billing_type = m.billing_type AND o.id != m.id
                   AND o.bill_date BETWEEN m.bill_date - GREATEST(c.spm_duplicate_days, 0)
                                       AND m.bill_date + GREATEST(c.spm_duplicate_days, 0)
                  JOIN res_partner mr ON mr.id = m.retailer_id
                  JOIN res_partner orr ON orr.id = o.retailer_id
                 WHERE m.id = ANY(%(ids)s)
                   AND (o.state IN ('submitted', 'held', 'validated') OR o.id = ANY(%(ids)s))
                   AND ((o.distributor_id = m.distributor_id AND o.retailer_id = m.retailer_id
                         AND o.currency_id = m.currency_id AND o.amount_total = m.amount_total)
                        OR (o.distributor_id != m.distributor_id AND o.bill_date = m.bill_date
                            AND (o.retailer_id = m.retailer_id
                                 OR CASE WHEN mr.spm_tax_id_key IS NOT NULL AND orr.spm_tax_id_key IS NOT NULL
                                         THEN mr.spm_tax_id_key = orr.spm_tax_id_key
                                         ELSE mr.spm_name_city_key = orr.spm_name_city_key END)))
                   -- Of two billings validated together, the later one is held.
                   AND (o.id < m.id OR o.id != ALL(%(ids)s))
                   -- Not a billing held for this one: its reviewers saw the two.
                   AND NOT EXISTS (
                       SELECT 1 FROM spm_secondary_billing_hold h
                        WHERE h.billing_id = o.id AND h.related_billing_id = m.id
                   )
                 ORDER BY m.id, o.id
                """,
                ids=ids,
            )
        )
        holds = {}
        for billing_id, other_id, same_distributor in rows:
            kind = "duplicate" if same_distributor else "cross_distributor"
            if kind not in {vals["kind"] for vals in holds.get(billing_id, [])}:
                holds.setdefault(billing_id, []).append({"kind": kind, "related_billing_id": other_id})
        billings = self.sudo().browse(
            set(holds) | {vals["related_billing_id"] for vals_list in holds.values() for vals in vals_list}
        )
        billings.retailer_id.fetch(["name"])  # what the reasons say, read at once
        result = {}
        for billing_id, vals_list in holds.items():
            billing = billings.browse(billing_id)
            for vals in vals_list:
                vals["reason"] = billing._spm_hold_reason(
                    vals["kind"], billings.browse(vals["related_billing_id"])
                )
            result[billing.with_env(self.env)] = vals_list
        return result

    def _spm_hold_reason(self, kind, other):
        """Why this billing is held, for its distributor and its salespersons:
        another distributor's bill is not named to the distributor."""
        self.ensure_one()
        if kind == "duplicate":
            return _(
                "Possible duplicate of bill %(bill)s of %(date)s: the same products, quantities and "
                "total sold to %(retailer)s.",
                bill=other.bill_number,
                date=format_date(self.env, other.bill_date),
                retailer=self.retailer_id.name,
            )
        return _(
            "Possibly reported twice: another distributor reported the same products and quantities "
            "sold to %(retailer)s on %(date)s.",
            retailer=self.retailer_id.name,
            date=format_date(self.env, self.bill_date),
        )

    def _spm_create_holds(self, holds):
        """Record the holds of these billings just held (``{billing: [hold values]}``,
        see :meth:`_spm_collect_holds`), say why in their chatter and ask their
        reviewers to release or reject them."""
        self.env["spm.secondary.billing.hold"].sudo().create(
            [{**vals, "billing_id": billing.id} for billing in self for vals in holds[billing]]
        )
        for billing, units in self._spm_units_by_billing().items():
            reasons = [vals["reason"] for vals in holds[billing]]
            # A comment: the distributor's users who follow the billing are told why.
            billing.sudo().message_post(
                body=_("Held: %(reasons)s", reasons=" ".join(reasons)),
                subtype_xmlid="mail.mt_comment",
            )
            reviewing = units.filtered(lambda u: u.secondary_validation == "review") or units
            billing.sudo()._schedule_review(reviewing, reasons=reasons)

    def action_release_hold(self):
        """Release held billings: for the managers who review them; each becomes
        validated and its held credit ordinary credit."""
        if any(billing.state != "held" for billing in self):
            raise UserError(_("Only held billings can be released."))
        self._check_can_review()
        self.sudo()._release_holds()
        return True

    def _release_holds(self, kinds=None, reason=None):
        """Release the active holds of these billings (of ``kinds`` only, if
        given); those left with no active hold are validated and credited. For
        callers that checked who releases (or release on an event they checked).

        :param reason: what the chatter of a billing validated says (who released it by default)"""
        holds = self.sudo().hold_ids.filtered(
            lambda h: h.state == "active" and (not kinds or h.kind in kinds)
        )
        if not holds:
            return self.browse()
        holds.write(
            {"state": "released", "released_by_id": self.env.uid, "released_date": fields.Datetime.now()}
        )
        released = holds.billing_id.filtered(
            lambda b: b.state == "held" and not b.hold_ids.filtered(lambda h: h.state == "active")
        ).with_env(self.env)
        released._write_workflow({"state": "validated"})
        released.sudo()._spm_done_review()
        released._spm_sync_credit()
        reason = reason or _("Hold released by %(user)s: the billing is validated.", user=self.env.user.name)
        for billing in released:
            billing.sudo().message_post(
                body=reason,
                subtype_xmlid="mail.mt_comment",
            )
        return released

    def _spm_end_holds(self):
        """The active holds of these billings end with their rejection or cancellation."""
        self.sudo().hold_ids.filtered(lambda h: h.state == "active").write(
            {"state": "released", "released_by_id": self.env.uid, "released_date": fields.Datetime.now()}
        )

    def _spm_sales_leaving_stock(self):
        """Those of these billings about to be rejected or cancelled whose sale
        the stock ledger counts (validated sales): undone, they give their stock
        back (see :meth:`_spm_recheck_freed_stock`)."""
        return self.filtered(lambda b: b.state == "validated" and b._sign() > 0)

    def _spm_recheck_freed_stock(self):
        """These sales rejected or cancelled gave their stock back: the billings
        of their distributors held for want of stock that it now covers are
        released, the earliest first, as a primary invoice or a stock statement
        releases them (see spm.distributor.stock._spm_recheck_stock_holds)."""
        if self:
            self.env["spm.distributor.stock"]._spm_recheck_stock_holds(self.sudo().distributor_id)

    def action_reject(self, reason):
        """Reject submitted or validated billings; the reason is shown to the distributor.
        A rejected sale gives its stock back: the holds it now covers are released."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the distributor a reason for the rejection."))
        if any(billing.state not in ("submitted", "held", "validated") for billing in self):
            raise UserError(_("Only submitted, held or validated billings can be rejected."))
        self._check_can_review()
        freed = self._spm_sales_leaving_stock()
        self._spm_end_holds()
        self._write_workflow(
            {
                "state": "rejected",
                "reject_reason": reason,
                "validated_by_id": self.env.uid,
                "validated_date": fields.Datetime.now(),
                "review_required": True,
            }
        )
        self.sudo()._spm_done_review()
        self.sudo()._spm_sync_credit()
        for billing in self:
            # A comment, not a note: the distributor's users who follow the billing are told by email.
            billing.sudo().message_post(
                body=_("Rejected: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_comment",
            )
        freed._spm_recheck_freed_stock()
        return True

    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject secondary billings"),
            "res_model": "spm.secondary.billing.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_billing_ids": self.ids},
        }

    def action_cancel(self):
        """Cancel billings; cancelling a validated one reverses its credit and
        is for its reviewers only. A cancelled sale gives its stock back: the
        holds it now covers are released."""
        if any(billing.state not in ("draft", "submitted", "held", "validated") for billing in self):
            raise UserError(_("Only draft, submitted, held or validated billings can be cancelled."))
        validated = self.filtered(lambda b: b.state in ("held", "validated"))
        validated._check_can_review()
        (self - validated)._check_distributor_or_write_access()
        freed = validated._spm_sales_leaving_stock()
        validated._spm_end_holds()
        # A reviewer's cancellation is a decision: later submissions are reviewed.
        validated._write_workflow({"state": "cancel", "review_required": True})
        (self - validated)._write_workflow({"state": "cancel"})
        self.sudo()._spm_done_review()
        self.sudo()._spm_sync_credit()
        freed._spm_recheck_freed_stock()
        return True

    def action_draft(self):
        """Back to draft, to correct a rejected or cancelled billing and submit it again."""
        if any(billing.state not in ("rejected", "cancel") for billing in self):
            raise UserError(_("Only rejected or cancelled billings can be reset to draft."))
        self._check_distributor_or_write_access()
        self._write_workflow({"state": "draft"})
        self.sudo()._spm_sync_credit()
        return True

    def _spm_check_recompute_access(self):
        """Recompute of billings (the documents' own action, in the request or in the
        background job beyond its bound) is for the managers of all their lines' units
        and SPM administrators."""
        if not self or self.env.su:
            return
        self.check_access("write")
        self._check_manager_scope()

    def _spm_sync_credit(self):
        self.env["spm.credit.engine"]._sync_credit(self.sudo().line_ids._spm_creditable())

    def _schedule_review(self, units, reasons=None):
        """Ask the managers responsible for ``units`` to review this billing:
        to validate or reject it, or, held for ``reasons``, to release or reject it."""
        self.ensure_one()
        managers = units._spm_responsible_users(self.company_id)
        if reasons:
            text = _(
                "The secondary billing %(bill)s of %(distributor)s is held: %(reasons)s "
                "Release or reject it.",
                distributor=self.distributor_id.display_name,
                bill=self.bill_number,
                reasons=" ".join(reasons),
            )
        else:
            text = _(
                "%(distributor)s submitted the secondary billing %(bill)s: validate or reject it.",
                distributor=self.distributor_id.display_name,
                bill=self.bill_number,
            )
        for manager in managers:
            self.activity_schedule(
                "spm_portal.mail_activity_type_secondary_review",
                user_id=manager.id,
                # The note is HTML: names and numbers typed by users are escaped, markup in them stays text.
                note=html_escape(text),
            )

    def _spm_done_review(self):
        self.activity_unlink(["spm_portal.mail_activity_type_secondary_review"])

    def action_view_spm_credit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_line_action")
        action["domain"] = [("secondary_billing_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------ portal figures

    @api.model
    def _portal_totals(self, distributor):
        """Validated secondary sales of ``distributor`` this month and this year,
        in company currency (returns deducted)."""
        today = fields.Date.context_today(self)
        result = {}
        for key, start in (("month", today.replace(day=1)), ("year", today.replace(month=1, day=1))):
            groups = self.sudo()._read_group(
                [
                    ("distributor_id", "=", distributor.id),
                    ("state", "=", "validated"),
                    ("bill_date", ">=", start),
                    ("bill_date", "<=", today),
                    ("company_id", "=", self.env.company.id),
                ],
                [],
                ["amount_company_signed:sum"],
            )
            result[key] = groups[0][0] if groups else 0.0
        return result
