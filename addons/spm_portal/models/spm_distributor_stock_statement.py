from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.spm_quota.tools import is_trusted, trusted

from ..tools.billing_checker import BillingChecker, is_empty, number_digits, read_number, text_of
from ..tools.billing_file import to_date
from ..tools.errors import ErrorList
from ..tools.limits import MAX_STATEMENT_AGE_DAYS, MAX_STATEMENT_LINES, MAX_STOCK_QUANTITY

# Written only by action_confirm / _spm_create_confirmed, which check who calls them.
STATEMENT_WORKFLOW_FLAG = "spm_stock_statement_workflow"
STATEMENT_CONTENT_FIELDS = {"distributor_id", "company_id", "date", "line_ids"}


class SpmDistributorStockStatement(models.Model):
    """A distributor's count of its stock at the end of a day: the opening of
    its stock ledger (see spm.distributor.stock). A statement counts every
    product: one left out had none. Once confirmed it never changes; a later
    statement supersedes it."""

    _name = "spm.distributor.stock.statement"
    _description = "Distributor Stock Statement"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    distributor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_distributor", "=", True), ("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
        help="The stock counted at the end of this day.",
    )
    source = fields.Selection(
        [("portal", "Portal"), ("upload", "File upload"), ("manager", "Back office")],
        default="manager",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "spm.distributor.stock.statement.line", "statement_id", string="Products", copy=True
    )
    line_count = fields.Integer("Products Counted", compute="_compute_line_count")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for statement in self:
            statement.line_count = len(statement.line_ids)

    @api.depends("distributor_id", "date")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = _(
                "%(distributor)s, stock of %(date)s",
                distributor=statement.distributor_id.display_name or "",
                date=statement.date or "",
            )

    # ------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_statement_workflow_vals(vals)
            # The channel that entered it is the channels' to say (see _spm_create_confirmed).
            if not is_trusted(self.env, STATEMENT_WORKFLOW_FLAG):
                vals["source"] = "manager"
            if vals.get("distributor_id"):
                vals["distributor_id"] = (
                    self.env["res.partner"].browse(vals["distributor_id"]).commercial_partner_id.id
                )
        # Nor through a default of the client's context.
        if "default_state" in self.env.context and not is_trusted(self.env, STATEMENT_WORKFLOW_FLAG):
            self = self.with_context(default_state="draft")  # noqa: PLW0642
        return super().create(vals_list)

    def write(self, vals):
        self._check_statement_workflow_vals(vals)
        if STATEMENT_CONTENT_FIELDS & set(vals):
            self._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        self._check_draft()

    def _check_draft(self):
        confirmed = self.filtered(lambda s: s.state == "confirmed")
        if confirmed:
            raise UserError(
                _(
                    "The stock statement %(statement)s is confirmed: it cannot change. "
                    "Enter a new statement, which supersedes it.",
                    statement=confirmed[0].display_name,
                )
            )

    def _check_statement_workflow_vals(self, vals):
        if "state" in vals and not is_trusted(self.env, STATEMENT_WORKFLOW_FLAG):
            raise AccessError(_("A stock statement is confirmed only through its Confirm button."))

    @api.constrains("distributor_id", "date", "line_ids")
    def _check_statement(self):
        for statement in self:
            if not statement.distributor_id.is_distributor:
                raise ValidationError(
                    _("%(partner)s is not a distributor.", partner=statement.distributor_id.display_name)
                )
            message = self._date_error(statement.date)
            if message:
                raise ValidationError(message)
            if len(statement.line_ids) > MAX_STATEMENT_LINES:
                raise ValidationError(
                    _(
                        "A stock statement counts at most %(limit)s products.",
                        limit=format(MAX_STATEMENT_LINES, ","),
                    )
                )

    # ------------------------------------------------------------ workflow

    def action_confirm(self):
        """Confirm draft statements (SPM managers): they become the opening of
        their distributors' stock, and stock holds they now cover are released."""
        if any(statement.state != "draft" for statement in self):
            raise UserError(_("Only draft stock statements can be confirmed."))
        if not self.env.su and not self.env.user.has_group("spm_quota.group_spm_manager"):
            raise AccessError(_("Only Sales Performance managers confirm stock statements."))
        self.check_access("write")
        self._confirm()
        return True

    def _confirm(self):
        with trusted(self.env, STATEMENT_WORKFLOW_FLAG):
            self.sudo().write({"state": "confirmed"})
        self.env["spm.distributor.stock"]._spm_recheck_stock_holds(self.distributor_id)

    # ------------------------------------------------------------ channels

    @api.model
    def _date_error(self, day):
        """Why a statement cannot be dated ``day`` (ahead of today, too old), or None."""
        today = fields.Date.context_today(self)
        oldest = today - timedelta(days=MAX_STATEMENT_AGE_DAYS)
        if not day:
            return _("The date of the stock statement is missing.")
        if day > today:
            return _(
                "A stock statement counts the stock of a day that is over: it cannot be dated after today."
            )
        if day < oldest:
            return _(
                "A stock statement cannot be dated before %(date)s.",
                date=fields.Date.to_string(oldest),
            )
        return None

    @api.model
    def _spm_check_statement(self, distributor, day, lines):
        """Check a statement as a channel received it, nothing written.

        :param distributor: the distributor counting its stock
        :param day: the date, a ``date`` or its text
        :param list lines: ``{"product", "quantity", "row", "label"}`` as typed or read
        :return: ``(vals of its lines, errors)``; errors ``{"row", "column", "message"}``,
            the first MAX_ERRORS kept and the others counted
        """
        errors = ErrorList()
        date_value = to_date(day)
        if not is_empty(day) and not date_value:
            message = _('"%(value)s" is not a date (YYYY-MM-DD).', value=text_of(day)[:30])
        else:
            message = self._date_error(date_value)
        if message:
            errors.add({"row": None, "column": "date", "message": message})
        # Bounded before any look-up that grows with the lines.
        if len(lines) > MAX_STATEMENT_LINES:
            errors.add(
                {
                    "row": None,
                    "column": None,
                    "message": _(
                        "A stock statement counts at most %(limit)s products; this one has %(count)s.",
                        limit=format(MAX_STATEMENT_LINES, ","),
                        count=format(len(lines), ","),
                    ),
                }
            )
            return [], errors.listed(self.env)
        if not lines:
            errors.add({"row": None, "column": None, "message": _("Count at least one product.")})
        distributor = distributor.commercial_partner_id
        products = BillingChecker(self.env, distributor)._resolve_products([{"lines": lines}])
        allowed = set(
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("id", "in", [p.id for p in products.values()]),
                    *distributor._spm_reportable_products_domain(),
                ]
            )
            .ids
        )
        digits = number_digits(self.env)["quantity"]
        line_vals, seen = [], set()
        for line in lines:
            vals, problems = self._spm_check_statement_line(
                line, distributor, products, allowed, seen, digits
            )
            where = line.get("label")
            for column, message in problems:
                errors.add(
                    {
                        "row": line.get("row"),
                        "column": f"{where}.{column}" if where else column,
                        "message": message,
                    }
                )
            if vals:
                seen.add(vals["product_id"])
                line_vals.append(vals)
        if errors:
            return [], errors.listed(self.env)
        return line_vals, []

    @api.model
    def _spm_check_statement_line(self, line, distributor, products, allowed, seen, digits):
        """One line of :meth:`_spm_check_statement`: ``(vals or None, [(column, message)])``."""
        problems = []
        text = text_of(line.get("product"))
        product = products.get(text) if text else None
        if not text:
            problems.append(("product", _("The product is missing.")))
        elif not product:
            problems.append(
                (
                    "product",
                    _(
                        'The product "%(value)s" is unknown: give its internal reference or its barcode.',
                        value=text[:60],
                    ),
                )
            )
        elif product.id not in allowed:
            problems.append(
                (
                    "product",
                    _(
                        "%(distributor)s may not report the product %(product)s.",
                        distributor=distributor.display_name,
                        product=product.display_name,
                    ),
                )
            )
        elif product.id in seen:
            problems.append(
                (
                    "product",
                    _("%(product)s is counted twice: give each product once.", product=product.display_name),
                )
            )
        raw = line.get("quantity")
        quantity = None if is_empty(raw) else read_number(raw, digits)
        if is_empty(raw):
            problems.append(("quantity", _("The quantity is missing.")))
        elif quantity is None:
            problems.append(("quantity", _('"%(value)s" is not a number.', value=text_of(raw)[:30])))
        elif quantity < 0:
            problems.append(("quantity", _("A stock cannot be negative.")))
        elif quantity > MAX_STOCK_QUANTITY:
            problems.append(
                (
                    "quantity",
                    _("A stock cannot exceed %(limit)s.", limit=format(int(MAX_STOCK_QUANTITY), ",")),
                )
            )
        if problems:
            return None, problems
        return {"product_id": product.id, "quantity": quantity}, []

    @api.model
    def _spm_create_confirmed(self, distributor, day, line_vals, source):
        """Create and confirm the statement a distributor entered (checked by
        :meth:`_spm_check_statement`), for the portal's form and upload."""
        if not self.env.su and self.env["res.partner"]._spm_distributor_of_user(self.env.user) != distributor:
            raise AccessError(_("You can only count the stock of your own company."))
        with trusted(self.env, STATEMENT_WORKFLOW_FLAG):
            statement = self.sudo().create(
                {
                    "distributor_id": distributor.id,
                    "company_id": self.env.company.id,
                    "date": to_date(day),
                    "source": source,
                    "line_ids": [Command.create(vals) for vals in line_vals],
                }
            )
        statement._confirm()
        return statement.with_env(self.env)
