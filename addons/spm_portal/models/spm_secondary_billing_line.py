from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round, groupby
from odoo.tools.sql import create_index

from odoo.addons.spm_credit.tools import CreditDescriptor, insert_rows

from ..tools.billing_checker import lines_key_of, number_digits
from .spm_secondary_billing import check_no_derived_vals

# The billing's fields a line keeps a copy of (stored related fields).
BILLING_COPIES = ("company_id", "distributor_id", "retailer_id", "bill_date", "state", "billing_type")
# What create gives each line, computed (see _spm_add_derived_values).
DERIVED_FIELDS = (*BILLING_COPIES, "price_subtotal", "amount_company", "business_unit_id")


class SpmSecondaryBillingLine(models.Model):
    """One product line of a secondary billing: a source of sales credit."""

    _name = "spm.secondary.billing.line"
    _inherit = ["spm.credit.source.mixin"]
    _description = "Secondary Billing Line"
    _order = "billing_id, sequence, id"

    billing_id = fields.Many2one(
        "spm.secondary.billing",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", required=True, index=True, domain=[("sale_ok", "=", True)]
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    price_unit = fields.Float("Unit Price", digits="Product Price", required=True, default=0.0)
    currency_id = fields.Many2one(related="billing_id.currency_id")
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_amounts", store=True)
    company_id = fields.Many2one(related="billing_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(related="billing_id.company_currency_id")
    amount_company = fields.Monetary(
        "Amount (Company Currency)",
        compute="_compute_amounts",
        store=True,
        currency_field="company_currency_id",
        help="Converted at the bill date; negative for returns. This is what is credited.",
    )
    distributor_id = fields.Many2one(related="billing_id.distributor_id", store=True, index=True)
    retailer_id = fields.Many2one(related="billing_id.retailer_id", store=True)
    bill_date = fields.Date(related="billing_id.bill_date", store=True)
    state = fields.Selection(related="billing_id.state", store=True)
    billing_type = fields.Selection(related="billing_id.billing_type", store=True)
    business_unit_id = fields.Many2one(
        "spm.business.unit",
        compute="_compute_business_unit_id",
        store=True,
        index=True,
        help="The unit of the product, as sales credit resolves it; resolved again when the "
        "business units' categories change (see spm_business_unit.py).",
    )
    credit_line_ids = fields.One2many("spm.credit.line", "secondary_line_id", string="Credit Lines")

    def init(self):
        # The stock ledger's sales (spm.distributor.stock): the validated lines of a
        # distributor's product up to a day, read for each product an upload's
        # batch reports; without it each read scans the distributor's whole history.
        create_index(
            self.env.cr,
            "spm_secondary_billing_line_stock_idx",
            self._table,
            ["distributor_id", "product_id", "company_id", "bill_date"],
            where="state = 'validated'",
        )

    @api.depends(
        "quantity",
        "price_unit",
        "billing_id.currency_id",
        "billing_id.bill_date",
        "billing_id.billing_type",
        "billing_id.company_id",
    )
    def _compute_amounts(self):
        for billing, lines in self.grouped("billing_id").items():
            amounts = self._spm_amounts_of(billing, [(line.quantity, line.price_unit) for line in lines])
            for line, (subtotal, amount_company) in zip(lines, amounts, strict=True):
                line.price_subtotal = subtotal
                line.amount_company = amount_company

    @api.model
    def _spm_amounts_of(self, billing, quantities_prices):
        """``[(subtotal, amount in company currency)]`` of lines of ``billing`` with these
        ``(quantity, unit price)``: rounded in the billing's currency, converted at its bill
        date, negative for returns. Billing by billing, the currency, sign and rate are
        looked up once for all its lines (an upload has thousands)."""
        currency = billing.currency_id or billing.company_id.currency_id or self.env.company.currency_id
        subtotals = [currency.round(quantity * price) for quantity, price in quantities_prices]
        if not billing:
            return [(subtotal, subtotal) for subtotal in subtotals]
        sign = billing._sign()
        converted = billing._to_company_currency_many(subtotals)
        return [(subtotal, amount * sign) for subtotal, amount in zip(subtotals, converted, strict=True)]

    @api.depends("product_id.categ_id", "billing_id.company_id")
    def _compute_business_unit_id(self):
        lines = self.filtered("product_id")
        units = self._spm_units_of(
            [line.product_id for line in lines], [line.billing_id.company_id for line in lines]
        )
        for line, unit in zip(lines, units, strict=True):
            line.business_unit_id = unit.id
        (self - lines).business_unit_id = False

    @api.model
    def _spm_units_of(self, products, companies):
        """The business unit of lines of these products in billings of these companies, in
        order, by the resolver credit uses (a billing has no sales team: the product's
        category decides)."""
        return (
            self.env["spm.business.unit"]
            .sudo()
            ._resolve_business_units(
                list(products),
                [self.env["crm.team"]] * len(products),
                [company or self.env.company for company in companies],
            )
        )

    # ------------------------------------------------------------ only drafts change

    def _check_draft(self):
        if any(line.billing_id.state != "draft" for line in self):
            raise UserError(self.env._("Only the lines of draft billings can be changed."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_no_derived_vals(self, vals)
        # The caller's values are left as given (a retry checks them again).
        vals_list = [dict(vals) for vals in vals_list]
        self._spm_add_derived_values(vals_list)
        lines = super().create(vals_list)
        # What the values gave is what the computes would give now: not computed again.
        for name in DERIVED_FIELDS:
            given = lines.browse(
                [line.id for line, vals in zip(lines, vals_list, strict=True) if name in vals]
            )
            self.env.remove_to_compute(self._fields[name], given)
        lines._check_draft()
        lines.billing_id._check_manager_scope()
        return lines

    def _spm_add_derived_values(self, vals_list):
        """Put in each line's values (checked: no derived value from the caller) what the
        ORM would compute after inserting it: the copies of its billing's fields, its amounts
        and its business unit, by the functions of the computes. Inserted with the line, they
        are not written again by an update of each line (an upload makes thousands)."""
        with_billing = [vals for vals in vals_list if vals.get("billing_id")]
        billings = (
            self.env["spm.secondary.billing"].sudo().browse({vals["billing_id"] for vals in with_billing})
        )
        copies = {}
        for vals in with_billing:
            if vals["billing_id"] not in copies:
                billing = billings.browse(vals["billing_id"])
                copies[billing.id] = {
                    name: self._fields[name].convert_to_write(billing[name], billing)
                    for name in BILLING_COPIES
                }
            vals.update(copies[vals["billing_id"]])
        # The amounts and the unit of the lines that name what they depend on, as the ORM
        # would store them (quantity and unit price rounded to their fields' digits).
        complete = [vals for vals in with_billing if {"product_id", "quantity", "price_unit"} <= set(vals)]
        digits = number_digits(self.env)
        for vals in complete:
            for name in ("quantity", "price_unit"):
                vals[name] = float_round(float(vals[name] or 0.0), precision_digits=digits[name])
        for billing_id, group in groupby(complete, key=lambda vals: vals["billing_id"]):
            amounts = self._spm_amounts_of(
                billings.browse(billing_id), [(vals["quantity"], vals["price_unit"]) for vals in group]
            )
            for vals, (subtotal, amount_company) in zip(group, amounts, strict=True):
                vals.update(price_subtotal=subtotal, amount_company=amount_company)
        products = self.env["product.product"].sudo().browse([vals["product_id"] for vals in complete])
        units = self._spm_units_of(
            products, [billings.browse(vals["billing_id"]).company_id for vals in complete]
        )
        for vals, unit in zip(complete, units, strict=True):
            vals["business_unit_id"] = unit.id

    @api.model
    def _spm_insert_checked(self, vals_list, state=None):
        """Insert the lines of billings that :meth:`_check_billings` accepted and
        :meth:`_create_checked` created a moment ago, as drafts (``vals_list``: each
        line's billing, product, quantity and unit price), in one statement rather than
        through ``create`` (see spm_credit/tools/bulk_insert.py): an upload makes tens of
        thousands. They get what ``create`` gives a line: the defaults, the values
        derived from the billing (:meth:`_spm_add_derived_values`), the computes of the
        fields given none and of the billings' fields that depend on lines, the checks.

        ``state``: the copy of their billing's state the lines are stored with, for a
        caller about to give it to the billings (a submission that validates them): when
        the billing's state is written, the ORM finds its lines' copy right and writes
        none again; the lines of a billing that ends in another state are written as
        any billing's."""
        if not vals_list:
            return self.browse()
        self.check_access("create")
        vals_list = [dict(vals) for vals in vals_list]
        self._spm_add_derived_values(vals_list)
        if state:
            for vals in vals_list:
                vals["state"] = state
        given = set().union(*vals_list)
        # The defaults of the other columns, never of computed ones (a context's default_ keys).
        columns = {
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and not field.compute and name not in models.MAGIC_COLUMNS
        }
        defaults = self.default_get(sorted(columns - given))
        lines = self.browse(insert_rows(self, [{**defaults, **vals} for vals in vals_list]))
        given |= set(defaults)
        billings = self.env["spm.secondary.billing"].browse({vals["billing_id"] for vals in vals_list})
        # The billings were created without lines: what they cache of them is out of date.
        billings.invalidate_recordset(["line_ids"])
        with self.env.protecting([self._fields[name] for name in given], lines):
            lines.modified(self._fields, create=True)
        self._spm_set_line_totals(vals_list)
        lines._validate_fields(given)
        lines._check_draft()
        billings._check_manager_scope()
        return lines

    @api.model
    def _spm_set_line_totals(self, vals_list):
        """Give billings created without lines, whose lines ``vals_list`` (with their
        derived values) were just inserted, what their computes of the lines would
        store, from those values rather than from the lines read back: the goods key
        (:func:`.billing_checker.lines_key_of`, the compute's function) and the amounts
        (:meth:`spm.secondary.billing._spm_amounts_of_lines`)."""
        Billing = self.env["spm.secondary.billing"]
        computed = [Billing._fields[name] for name in ("line_key", "amount_total", "amount_company_signed")]
        billings = Billing.browse({vals["billing_id"] for vals in vals_list})
        # Assigned as a compute assigns (cache, written at the flush, no longer to compute).
        with self.env.protecting(computed, billings):
            for billing_id, group in groupby(vals_list, key=lambda vals: vals["billing_id"]):
                if any("price_subtotal" not in vals for vals in group):
                    continue  # a line without its amounts: the computes read them back
                billing = billings.browse(billing_id)
                billing.line_key = lines_key_of(self.env, group)
                billing.amount_total, billing.amount_company_signed = billing._spm_amounts_of_lines(
                    [vals["price_subtotal"] for vals in group]
                )

    def write(self, vals):
        check_no_derived_vals(self, vals)
        if not {"product_id", "quantity", "price_unit", "billing_id"} & set(vals):
            return super().write(vals)
        self._check_draft()
        self.billing_id._check_manager_scope()
        result = super().write(vals)
        # A line moved to another billing or product stays within the writer's units.
        self._check_draft()
        self.billing_id._check_manager_scope()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        self._check_draft()
        self.billing_id._check_manager_scope()

    # ------------------------------------------------------------ credit source

    def _spm_creditable(self):
        return self.filtered("product_id")

    @api.model
    def _spm_credit_link_field(self):
        return "secondary_line_id"

    def _spm_credit_descriptors(self):
        """Describe each line for credit allocation (see spm.credit.engine._sync_credit):
        the distributor's salespersons are credited on its sales to retailers."""
        # What the lines of a billing share, read once for the billing (an upload's have a few lines each).
        of_billing = {}
        result = []
        for line in self:
            billing = line.billing_id
            common = of_billing.get(billing.id)
            if common is None:
                distributor = billing.distributor_id.commercial_partner_id
                common = of_billing[billing.id] = {
                    "document": billing,
                    "origin": billing.display_name,
                    "company": billing.company_id,
                    "account": distributor,
                    "customer": billing.retailer_id.commercial_partner_id,
                    "date": billing.bill_date,
                    "creditable": billing.state in ("validated", "held"),
                }
            result.append(
                CreditDescriptor(
                    source=line,
                    product=line.product_id,
                    # Secondary sales have no sales team: the unit comes from the product.
                    team=self.env["crm.team"],
                    amount=line.amount_company,
                    links={
                        "secondary_line_id": line.id,
                        "secondary_billing_id": billing.id,
                        "distributor_id": common["account"].id,
                    },
                    **common,
                )
            )
        return result

    def _spm_credit_targets(self, descriptors, units):
        """Confirmed secondary credit for validated billings, held credit for held
        ones (recorded, not achieved until released), in units that credit
        secondary sales; nothing otherwise (a rejection reverses what was credited)."""
        states = {"validated": "confirmed", "held": "held"}
        targets = []
        for line, desc, unit in zip(self, descriptors, units, strict=True):
            state = states.get(line.billing_id.state)
            if unit and unit.credit_secondary and state and not desc.company.currency_id.is_zero(desc.amount):
                targets.append([("secondary", state, desc.amount)])
            else:
                targets.append([])
        return targets
