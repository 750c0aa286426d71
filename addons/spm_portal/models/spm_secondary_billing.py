import hashlib
import json
import re
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_round, format_amount, format_date, html_escape

from odoo.addons.spm_quota.tools import is_trusted, trusted

from ..tools import bill_number_key, to_date, to_number

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
    "reject_reason",
    "submitted_by_id",
    "submitted_date",
    "validated_by_id",
    "validated_date",
    "review_required",
}
WORKFLOW_FLAG = "spm_billing_workflow"
MAX_BILL_NUMBER = 64
MAX_RETAILER = 128
MAX_LINES = 10_000
# A line's quantity; its amount and the billing's total are bounded per company.
MAX_QUANTITY = 1_000_000_000
# Days after today a bill may be dated (a distributor's day may start before the company's).
FUTURE_DAYS = 1
# Billings created (and submitted) at a time by uploads and the API.
CREATE_BATCH_SIZE = 500


# Characters below the space but tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BILLING_TEXT_KEYS = ("bill_number", "bill_date", "retailer", "type", "currency")
LINE_TEXT_KEYS = ("product", "quantity", "price_unit")


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
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
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
        domain="[('parent_id', '=', distributor_id), ('spm_is_retailer', '=', True)]",
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
    credit_count = fields.Integer(compute="_compute_credit_count")

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

    @api.depends("line_ids.price_subtotal", "currency_id", "company_id", "bill_date", "billing_type")
    def _compute_amounts(self):
        for billing in self:
            total = sum(billing.line_ids.mapped("price_subtotal"))
            billing.amount_total = total
            billing.amount_company_signed = billing._to_company_currency(total) * billing._sign()

    @api.depends("line_ids.business_unit_id")
    def _compute_business_unit_ids(self):
        for billing in self:
            billing.business_unit_ids = billing.line_ids.business_unit_id

    def _search_business_unit_ids(self, operator, value):
        return [("line_ids.business_unit_id", operator, value)]

    def _compute_credit_count(self):
        counts = dict(
            self.env["spm.credit.line"]._read_group(
                [("secondary_billing_id", "in", self.ids)], ["secondary_billing_id"], ["__count"]
            )
        )
        for billing in self:
            billing.credit_count = counts.get(billing, 0)

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
        self.ensure_one()
        company = self.company_id or self.env.company
        if not self.currency_id or self.currency_id == company.currency_id:
            return company.currency_id.round(amount)
        return self.currency_id._convert(
            amount,
            company.currency_id,
            company,
            self.bill_date or fields.Date.context_today(self),
        )

    # ------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_workflow_vals(vals)
            check_no_derived_vals(self, vals)
        # Nor through defaults: a client's context may carry default_state and the like.
        defaults = {f"default_{name}" for name in WORKFLOW_FIELDS} & set(self.env.context)
        if defaults and not is_trusted(self.env, WORKFLOW_FLAG):
            context = {k: v for k, v in self.env.context.items() if k not in defaults}
            return self.with_env(self.env(context=context)).create(vals_list)
        sequence = None
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                if sequence is None:  # looked up once for a whole batch (uploads, API)
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
                vals["name"] = sequence._next() if sequence else "/"
            if vals.get("bill_number"):
                vals["bill_number"] = vals["bill_number"].strip()
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
            if billing.retailer_id.parent_id != billing.distributor_id:
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

    # ------------------------------------------------------------ the validator

    @api.model
    def _check_billings(self, billings, distributor, *, allow_identical=False, exclude=None):
        """Check and resolve secondary billings: the one set of business rules
        of the portal form, the file upload, the API and the back office.

        :param list billings: dicts with ``bill_number``, ``bill_date``,
            ``retailer`` (a name or code, or a partner), ``type`` (``sale`` or
            ``return``, empty for a sale), ``currency`` (an ISO code or a
            currency, empty for the company's) and ``lines``: dicts with
            ``product`` (an internal reference, a barcode, a name, or a
            product), ``quantity`` and ``price_unit``. Values may be text as
            typed, numbers or dates. Each billing and line may carry ``row``
            (the file row or the position in the request) and ``label`` (a
            prefix of the column in error messages, e.g. ``lines[2]``).
        :param distributor: the distributor (commercial entity) reporting them
        :param bool allow_identical: a bill number already reported with the
            same content is not an error but that earlier billing (API and
            upload retries)
        :param exclude: a billing not to count as a duplicate (the one edited)
        :return: ``(prepared, errors)``: one dict per billing, with ``billing``
            (the input), ``existing`` (the earlier identical billing, if any)
            and ``vals`` (values of :meth:`_create_checked`); errors are dicts
            ``{"row", "column", "bill_number", "message", "code"}`` in the
            user's language, ``code`` being ``duplicate`` for a bill number
            used earlier with another content and ``invalid`` otherwise.
            Nothing is created or changed.
        """
        distributor = distributor.commercial_partner_id
        errors = []
        if not distributor.is_distributor:
            errors.append(
                {
                    "row": None,
                    "column": None,
                    "bill_number": None,
                    "code": "invalid",
                    "message": _(
                        "%(partner)s is not a distributor: it cannot report secondary sales.",
                        partner=distributor.display_name,
                    ),
                }
            )
            return [], errors
        # Control characters (NUL above all) cannot be stored nor searched: refuse them
        # before anything reaches the database.
        errors = self._check_control_characters(billings)
        if errors:
            return [], errors
        # Two requests of one distributor at the same moment (the same file uploaded
        # twice) must not both find a bill number free: they conflict on this lock and
        # the later one is retried, then finds the billings of the first.
        self.env["spm.credit.engine"]._lock_sources(distributor)
        ctx = self._check_context(billings, distributor, errors, exclude)
        prepared = []
        for billing in billings:
            count = len(errors)
            number = self._text(billing.get("bill_number"))
            key = self._check_bill_number(billing, number, ctx)
            bill_date = self._check_bill_date(billing, number, ctx)
            retailer, retailer_name = self._check_retailer(billing, number, ctx)
            billing_type = self._check_type(billing, number, ctx)
            currency = self._check_currency(billing, number, ctx)
            line_vals = self._check_lines(billing, number, ctx)
            if len(errors) == count:
                self._check_amounts(billing, number, line_vals, currency, bill_date, ctx)
            existing = self.browse()
            previous = ctx["earlier"].get(key)
            if previous:
                signature = self._signature_of(bill_date, retailer, billing_type, currency, line_vals)
                if allow_identical and len(errors) == count and previous._signature() == signature:
                    existing = previous
                else:
                    ctx["error"](
                        billing,
                        "bill_number",
                        self._duplicate_message(number, previous, ctx),
                        number,
                        code="duplicate",
                    )
            valid = len(errors) == count
            prepared.append(
                {
                    "billing": billing,
                    "existing": existing,
                    "vals": None
                    if existing or not valid
                    else {
                        "distributor_id": distributor.id,
                        "company_id": ctx["company"].id,
                        "bill_number": number,
                        "bill_date": bill_date,
                        "retailer_id": retailer.id,
                        "retailer_name": retailer_name,
                        "billing_type": billing_type,
                        "currency_id": currency.id,
                        "lines": line_vals,
                    },
                }
            )
        return prepared, errors

    @api.model
    def _check_context(self, billings, distributor, errors, exclude):
        """What checking ``billings`` needs, read in a few queries."""

        def error(item, column, message, bill_number=None, code="invalid"):
            errors.append(self._billing_error(item, column, message, bill_number, code))

        company = self.env.company
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        keys = {bill_number_key(self._text(b.get("bill_number"))) for b in billings} - {""}
        earlier = self.sudo().search(
            [
                ("distributor_id", "=", distributor.id),
                ("bill_number_key", "in", list(keys)),
                ("id", "not in", exclude.ids if exclude else []),
            ]
        )
        retailer_texts = [
            self._text(b.get("retailer"))
            for b in billings
            if not isinstance(b.get("retailer"), models.BaseModel)
        ]
        allowed = distributor.sudo().spm_allowed_product_ids
        today = fields.Date.context_today(self)
        return {
            "error": error,
            "distributor": distributor,
            "company": company,
            "today": today,
            "min_date": company.spm_secondary_min_bill_date,
            "max_date": today + timedelta(days=FUTURE_DAYS),
            "max_amount": company.spm_secondary_max_amount,
            "rates": {},
            "lock_date": company.spm_credit_lock_date,
            "date_formats": [lang.date_format] if lang else [],
            "products": self._resolve_products(billings, company),
            "allowed_ids": set(allowed.ids) if allowed else None,
            "currencies": self._resolve_currencies(billings),
            "retailers": distributor._spm_find_retailers([t for t in retailer_texts if t]),
            "type_labels": self._type_labels(),
            "earlier": {b.bill_number_key: b for b in earlier},
            "states": dict(self._fields["state"]._description_selection(self.env)),
            "seen": {},
            # Read once: every line's quantity and price are rounded with them.
            "digits": {"quantity": self._qty_digits(), "price_unit": self._price_digits()},
        }

    @api.model
    def _check_bill_number(self, billing, number, ctx):
        """The key of the billing's number (see :func:`..tools.bill_number_key`),
        empty when it is refused."""
        error = ctx["error"]
        key = bill_number_key(number)
        if not number:
            error(billing, "bill_number", _("The bill number is missing."))
        elif len(number) > MAX_BILL_NUMBER:
            error(
                billing,
                "bill_number",
                _(
                    "The bill number is too long (at most %(limit)s characters).",
                    limit=MAX_BILL_NUMBER,
                ),
                number,
            )
        elif not key:
            error(billing, "bill_number", _("The bill number has no visible character."), number)
        elif key in ctx["seen"]:
            first_number, first = ctx["seen"][key]
            if first_number == number:
                message = _(
                    "The bill number %(number)s appears twice (first at %(first)s).",
                    number=number,
                    first=first,
                )
            else:
                message = _(
                    "The bill number %(number)s is %(first_number)s written differently: the same bill "
                    "appears twice (first at %(first)s).",
                    number=number,
                    first_number=first_number,
                    first=first,
                )
            error(billing, "bill_number", message, number)
        else:
            ctx["seen"][key] = (number, billing.get("label") or billing.get("row") or "")
            return key
        return ""

    @api.model
    def _duplicate_message(self, number, previous, ctx):
        """Why ``number`` is refused: the earlier billing ``previous`` has its key."""
        values = {
            "number": number,
            "billing": previous.name,
            "date": format_date(self.env, previous.bill_date),
            "state": ctx["states"][previous.state],
        }
        if previous.bill_number == number:
            return _(
                "The bill number %(number)s is already used by your billing %(billing)s "
                "of %(date)s (%(state)s).",
                **values,
            )
        return _(
            "The bill number %(number)s is %(earlier)s written differently, already used by your billing "
            "%(billing)s of %(date)s (%(state)s).",
            earlier=previous.bill_number,
            **values,
        )

    @api.model
    def _check_bill_date(self, billing, number, ctx):
        error = ctx["error"]
        raw = billing.get("bill_date")
        if self._is_empty(raw):
            error(billing, "bill_date", _("The bill date is missing."), number)
            return None
        bill_date = to_date(raw, ctx["date_formats"])
        lock_date = ctx["lock_date"]
        if not bill_date:
            error(
                billing,
                "bill_date",
                _(
                    '"%(value)s" is not a date: write it as YYYY-MM-DD, e.g. %(example)s.',
                    value=self._text(raw)[:30],
                    example=ctx["today"].isoformat(),
                ),
                number,
            )
        elif bill_date > ctx["max_date"]:
            error(
                billing,
                "bill_date",
                _(
                    "The bill date %(date)s is in the future: bills are dated %(latest)s at the latest.",
                    date=format_date(self.env, bill_date),
                    latest=format_date(self.env, ctx["max_date"]),
                ),
                number,
            )
        elif bill_date < ctx["min_date"]:
            error(
                billing,
                "bill_date",
                _(
                    "The bill date %(date)s is too old: %(company)s takes bills dated from %(earliest)s on.",
                    date=format_date(self.env, bill_date),
                    company=ctx["company"].name,
                    earliest=format_date(self.env, ctx["min_date"]),
                ),
                number,
            )
        elif lock_date and bill_date <= lock_date:
            error(
                billing,
                "bill_date",
                _(
                    "Sales up to %(lock)s are closed: the bill date %(date)s is in a locked period. "
                    "Report it with a later date or ask your contact at %(company)s.",
                    lock=format_date(self.env, lock_date),
                    date=format_date(self.env, bill_date),
                    company=ctx["company"].name,
                ),
                number,
            )
        return bill_date

    @api.model
    def _check_retailer(self, billing, number, ctx):
        """The retailer (a partner), or the name of a new one to create."""
        error = ctx["error"]
        distributor = ctx["distributor"]
        raw = billing.get("retailer")
        no_retailer = self.env["res.partner"]
        if isinstance(raw, models.BaseModel):
            if not raw:
                error(billing, "retailer", _("The retailer is missing."), number)
            elif raw.parent_id != distributor or not raw.spm_is_retailer:
                error(
                    billing,
                    "retailer",
                    _(
                        "%(retailer)s is not a retailer of %(distributor)s.",
                        retailer=raw.display_name,
                        distributor=distributor.display_name,
                    ),
                    number,
                )
            return raw, None
        text = self._text(raw)
        if not text:
            error(billing, "retailer", _("The retailer is missing."), number)
            return no_retailer, None
        if len(text) > MAX_RETAILER:
            error(
                billing,
                "retailer",
                _(
                    "The retailer's name is too long (at most %(limit)s characters).",
                    limit=MAX_RETAILER,
                ),
                number,
            )
            return no_retailer, None
        retailer = ctx["retailers"].get(text) or no_retailer
        return retailer, None if retailer else text

    @api.model
    def _check_type(self, billing, number, ctx):
        raw = self._text(billing.get("type")).casefold()
        if not raw:
            return "sale"
        billing_type = ctx["type_labels"].get(raw)
        if not billing_type:
            ctx["error"](
                billing,
                "type",
                _(
                    '"%(value)s" is not a type of billing: write sale or return.',
                    value=raw[:30],
                ),
                number,
            )
        return billing_type

    @api.model
    def _check_currency(self, billing, number, ctx):
        company_currency = ctx["company"].currency_id
        raw = billing.get("currency")
        if isinstance(raw, models.BaseModel):
            return raw or company_currency
        if self._is_empty(raw):
            return company_currency
        currency = ctx["currencies"].get(self._text(raw).upper())
        if not currency:
            ctx["error"](
                billing,
                "currency",
                _(
                    'The currency "%(value)s" is unknown or not enabled: '
                    "use an ISO code such as %(example)s.",
                    value=self._text(raw)[:10],
                    example=company_currency.name,
                ),
                number,
            )
        return currency

    @api.model
    def _check_lines(self, billing, number, ctx):
        """The create values of the billing's valid lines."""
        lines = billing.get("lines") or []
        if not lines:
            ctx["error"](billing, "lines", _("The billing has no lines."), number)
        elif len(lines) > MAX_LINES:
            ctx["error"](
                billing, "lines", _("The billing has more than %(limit)s lines.", limit=MAX_LINES), number
            )
        line_vals = []
        for line in lines[:MAX_LINES]:
            product = self._check_line_product(line, number, ctx)
            quantity = self._check_number(line, "quantity", number, ctx)
            price = self._check_number(line, "price_unit", number, ctx)
            if product and quantity is not None and price is not None:
                line_vals.append({"product_id": product.id, "quantity": quantity, "price_unit": price})
        return line_vals

    @api.model
    def _check_amounts(self, billing, number, line_vals, currency, bill_date, ctx):
        """Each line's amount and the billing's total, in company currency, at most
        the company's bound (``line_vals``: the billing's lines, all valid)."""
        company = ctx["company"]
        key = (currency.id, bill_date)
        if key not in ctx["rates"]:
            ctx["rates"][key] = self.env["res.currency"]._get_conversion_rate(
                currency, company.currency_id, company, bill_date
            )
        rate = ctx["rates"][key]
        limit = ctx["max_amount"]
        total = 0.0
        for line, vals in zip(billing["lines"], line_vals, strict=True):
            amount = currency.round(vals["quantity"] * vals["price_unit"])
            total += amount
            if amount * rate > limit:
                ctx["error"](
                    line,
                    None,
                    _(
                        "The line's amount %(amount)s is above %(limit)s, the most %(company)s takes "
                        "for one billing: check its quantity and unit price.",
                        amount=format_amount(self.env, amount, currency),
                        limit=format_amount(self.env, limit, company.currency_id),
                        company=company.name,
                    ),
                    number,
                )
        if total * rate > limit:
            ctx["error"](
                billing,
                "lines",
                _(
                    "The billing's total %(amount)s is above %(limit)s, the most %(company)s takes "
                    "for one billing: split it into several bills or ask your contact at %(company)s.",
                    amount=format_amount(self.env, total, currency),
                    limit=format_amount(self.env, limit, company.currency_id),
                    company=company.name,
                ),
                number,
            )

    @api.model
    def _check_number(self, line, column, number, ctx):
        """The line's quantity or unit price, rounded; None after an error."""
        error = ctx["error"]
        raw = line.get(column)
        if self._is_empty(raw):
            error(
                line,
                column,
                _("The quantity is missing.") if column == "quantity" else _("The unit price is missing."),
                number,
            )
            return None
        value = to_number(raw)
        if value is None:
            error(line, column, _('"%(value)s" is not a number.', value=self._text(raw)[:30]), number)
            return None
        value = float_round(value, precision_digits=ctx["digits"][column])
        message = self._number_error(column, value)
        if message:
            error(line, column, message, number)
            return None
        return value

    @api.model
    def _number_error(self, column, value):
        """Why a quantity (positive, bounded) or a unit price (not negative) is refused, if it is."""
        if column == "quantity":
            if not value:
                return _("The quantity cannot be zero.")
            if value < 0:
                return _("The quantity cannot be negative; report returns as billings of type return.")
            if value > MAX_QUANTITY:
                return _("The quantity cannot exceed %(limit)s.", limit=format(MAX_QUANTITY, ","))
        elif value < 0:
            return _("The unit price cannot be negative; report returns as billings of type return.")
        return None

    @api.model
    def _check_line_product(self, line, number, ctx):
        error = ctx["error"]
        raw = line.get("product")
        if isinstance(raw, models.BaseModel):
            product = raw
        else:
            text = self._text(raw)
            product = ctx["products"].get(text) if text else None
            if text and not product:
                error(
                    line,
                    "product",
                    _(
                        'The product "%(value)s" is unknown: give its internal reference or its barcode.',
                        value=text[:60],
                    ),
                    number,
                )
                return None
        if not product:
            error(line, "product", _("The product is missing."), number)
            return None
        allowed_ids = ctx["allowed_ids"]
        if not product.sale_ok or (allowed_ids is not None and product.id not in allowed_ids):
            error(
                line,
                "product",
                _(
                    "%(distributor)s may not report the product %(product)s.",
                    distributor=ctx["distributor"].display_name,
                    product=product.display_name,
                ),
                number,
            )
            return None
        return product

    @api.model
    def _resolve_products(self, billings, company):
        """{text: product} for every product reference of ``billings``: internal
        reference, then barcode, then "[reference] name" or the exact name."""
        texts = {
            self._text(line.get("product"))
            for billing in billings
            for line in (billing.get("lines") or [])[:MAX_LINES]
            if not isinstance(line.get("product"), models.BaseModel)
        } - {""}
        if not texts:
            return {}
        Product = self.env["product.product"].sudo().with_context(active_test=True)
        company_domain = [("company_id", "in", [False, company.id])]
        result = {}
        for product in Product.search(
            [("default_code", "in", list(texts)), *company_domain], order="id desc"
        ):
            result[product.default_code] = product
        missing = texts - set(result)
        if missing:
            for product in Product.search(
                [("barcode", "in", list(missing)), *company_domain], order="id desc"
            ):
                result[product.barcode] = product
        missing = texts - set(result)
        if missing:
            codes = {}
            for text in missing:
                if text.startswith("[") and "]" in text:
                    codes[text] = text[1 : text.index("]")].strip()
            if codes:
                by_code = {
                    p.default_code: p
                    for p in Product.search(
                        [("default_code", "in", list(codes.values())), *company_domain], order="id desc"
                    )
                }
                for text, code in codes.items():
                    if code in by_code:
                        result[text] = by_code[code]
        missing = texts - set(result)
        if missing and len(missing) <= 1000:
            by_name = {}
            for product in Product.search([("name", "in", list(missing)), *company_domain], order="id desc"):
                by_name.setdefault(product.name, product)
            result.update(by_name)
        return result

    @api.model
    def _resolve_currencies(self, billings):
        codes = {
            self._text(b.get("currency")).upper()
            for b in billings
            if not isinstance(b.get("currency"), models.BaseModel) and not self._is_empty(b.get("currency"))
        }
        if not codes:
            return {}
        return {c.name: c for c in self.env["res.currency"].sudo().search([("name", "in", list(codes))])}

    @api.model
    def _type_labels(self):
        labels = {"sale": "sale", "return": "return", "sales": "sale", "returns": "return"}
        for key, label in self._fields["billing_type"]._description_selection(self.env):
            labels[label.casefold()] = key
        return labels

    @api.model
    def _billing_error(self, item, column, message, bill_number=None, code="invalid"):
        """An error of the billing or line ``item`` (its ``row`` and ``label`` locate it)."""
        label = item.get("label")
        return {
            "row": item.get("row"),
            "column": f"{label}.{column}" if label and column else (column or label),
            "bill_number": bill_number,
            "message": message,
            "code": code,
        }

    @api.model
    def _check_control_characters(self, billings):
        """Errors for the text values that contain control characters."""
        errors = []
        for billing in billings:
            number = billing.get("bill_number")
            number = None if not isinstance(number, str) or CONTROL_CHARACTERS.search(number) else number
            values = [(billing, key, billing.get(key)) for key in BILLING_TEXT_KEYS]
            lines = billing.get("lines") if isinstance(billing.get("lines"), list) else []
            values += [
                (line, key, line.get(key))
                for line in lines
                if isinstance(line, dict)
                for key in LINE_TEXT_KEYS
            ]
            errors += [
                self._billing_error(
                    item, column, _("This value contains control characters, which are not allowed."), number
                )
                for item, column, value in values
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
            ]
        return errors

    @api.model
    def _text(self, value):
        if value is None or value is False or isinstance(value, models.BaseModel):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())

    @api.model
    def _is_empty(self, value):
        if isinstance(value, models.BaseModel):
            return not value
        return value is None or value is False or (isinstance(value, str) and not value.strip())

    @api.model
    def _qty_digits(self):
        return self.env["decimal.precision"].precision_get("Product Unit of Measure")

    @api.model
    def _price_digits(self):
        return self.env["decimal.precision"].precision_get("Product Price")

    def _signature(self):
        """What the billing reports, to recognise a retry of the same billing."""
        self.ensure_one()
        return self._signature_of(
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
    def _signature_of(self, bill_date, retailer, billing_type, currency, line_vals):
        content = {
            "date": bill_date and bill_date.isoformat(),
            "retailer": retailer.id if retailer else None,
            "type": billing_type,
            "currency": currency.id if currency else None,
            "lines": sorted(
                (
                    v["product_id"],
                    round(v["quantity"], self._qty_digits()),
                    round(v["price_unit"], self._price_digits()),
                )
                for v in line_vals
            ),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    @api.model
    def _create_checked(self, prepared, source, submit=False):
        """Create the billings that :meth:`_check_billings` accepted (all or none:
        call it only when it returned no error), with the retailers they name.

        :return: ``(created, existing)`` billings, each in the order of ``prepared``
        """
        to_create = [p["vals"] for p in prepared if p["vals"]]
        existing = self.browse([p["existing"].id for p in prepared if p["existing"]])
        if not to_create:
            return self.browse(), existing
        Partner = self.env["res.partner"]
        names_by_distributor = {}
        for vals in to_create:
            if vals["retailer_name"]:
                names_by_distributor.setdefault(vals["distributor_id"], []).append(vals["retailer_name"])
        new_retailers = {}
        for distributor_id, names in names_by_distributor.items():
            for name, partner in Partner.browse(distributor_id)._spm_create_retailers(names).items():
                new_retailers[(distributor_id, name)] = partner
        vals_list = []
        for vals in to_create:
            retailer_id = (
                vals["retailer_id"] or new_retailers[(vals["distributor_id"], vals["retailer_name"])].id
            )
            vals_list.append(
                {
                    **{k: v for k, v in vals.items() if k not in ("lines", "retailer_name")},
                    "retailer_id": retailer_id,
                    "source": source,
                    "line_ids": [Command.create(line) for line in vals["lines"]],
                }
            )
        # The chatter records the submission and the review; a line per created billing adds nothing.
        Billing = self.with_context(mail_create_nolog=True)
        created_ids = []
        # Batch by batch, the records of a batch dropped from memory once written:
        # a file of any size takes the memory of one batch (still one transaction).
        for start in range(0, len(vals_list), CREATE_BATCH_SIZE):
            batch = Billing.create(vals_list[start : start + CREATE_BATCH_SIZE]).with_env(self.env)
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
            retailer_id = self.distributor_id._spm_create_retailers([name])[name].id
        self.write(
            {
                **{
                    k: v
                    for k, v in vals.items()
                    if k not in ("lines", "retailer_name", "distributor_id", "company_id")
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
        partner = self.env.user.partner_id.commercial_partner_id
        return partner.is_distributor and self.distributor_id == partner

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
        for billing in self:
            units = billing._spm_review_units() or billing._spm_line_units()
            if not units or units.filtered(lambda u: u.manager_id != self.env.user):
                raise AccessError(
                    _(
                        "%(billing)s concerns business units you do not manage: their managers review it.",
                        billing=billing.display_name,
                    )
                )

    # ------------------------------------------------------------ workflow

    def _spm_line_unit_pairs(self):
        """(line, business unit) of every line of these billings, as credit resolves
        them (the unit is empty for a product of no unit), in one pass."""
        lines = self.sudo().line_ids
        return zip(lines, lines._spm_resolve_units(), strict=True)

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

    def _validate(self, auto=False, **values):
        self._write_workflow(
            {
                **values,
                "state": "validated",
                "validated_by_id": False if auto else self.env.uid,
                "validated_date": fields.Datetime.now(),
            }
        )
        self._spm_done_review()
        self._spm_sync_credit()

    def action_reject(self, reason):
        """Reject submitted or validated billings; the reason is shown to the distributor."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the distributor a reason for the rejection."))
        if any(billing.state not in ("submitted", "validated") for billing in self):
            raise UserError(_("Only submitted or validated billings can be rejected."))
        self._check_can_review()
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
        is for its reviewers only."""
        if any(billing.state not in ("draft", "submitted", "validated") for billing in self):
            raise UserError(_("Only draft, submitted or validated billings can be cancelled."))
        validated = self.filtered(lambda b: b.state == "validated")
        validated._check_can_review()
        (self - validated)._check_distributor_or_write_access()
        # A reviewer's cancellation is a decision: later submissions are reviewed.
        validated._write_workflow({"state": "cancel", "review_required": True})
        (self - validated)._write_workflow({"state": "cancel"})
        self.sudo()._spm_done_review()
        self.sudo()._spm_sync_credit()
        return True

    def action_draft(self):
        """Back to draft, to correct a rejected or cancelled billing and submit it again."""
        if any(billing.state not in ("rejected", "cancel") for billing in self):
            raise UserError(_("Only rejected or cancelled billings can be reset to draft."))
        self._check_distributor_or_write_access()
        self._write_workflow({"state": "draft"})
        self.sudo()._spm_sync_credit()
        return True

    def action_spm_recompute_credit(self):
        """Credit the billings again after their assignments or units were fixed:
        for the managers of their units and SPM administrators."""
        self.check_access("write")
        self._check_manager_scope()
        self._spm_sync_credit()
        return True

    def _spm_sync_credit(self):
        self.env["spm.credit.engine"]._sync_credit(self.sudo().line_ids._spm_creditable())

    def _schedule_review(self, units):
        self.ensure_one()
        managers = units._spm_responsible_users(self.company_id)
        for manager in managers:
            self.activity_schedule(
                "spm_portal.mail_activity_type_secondary_review",
                user_id=manager.id,
                # The note is HTML: names and numbers typed by users are escaped, markup in them stays text.
                note=html_escape(
                    _(
                        "%(distributor)s submitted the secondary billing %(bill)s: validate or reject it.",
                        distributor=self.distributor_id.display_name,
                        bill=self.bill_number,
                    )
                ),
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
