import base64
import io

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.spm_credit.tools import Formula, XlsxStreamWriter

from ..models.spm_incentive_plan_version import DATE_MAX, DATE_MIN

# More statements than a payroll run of the largest company holds.
MAX_EXPORT_STATEMENTS = 100_000


class SpmIncentivePayrollExport(models.TransientModel):
    """The payroll file of the statements approved by finance (Odoo Community
    has no payroll): one row per statement, employee, period, amount and cost
    centre (the business unit). Confirming the export marks them paid."""

    _name = "spm.incentive.payroll.export"
    _description = "SPM Incentive Payroll Export"

    date_from = fields.Date("Periods From", required=True)
    date_to = fields.Date("Periods To", required=True)
    statement_ids = fields.Many2many("spm.incentive.statement", string="Statements", readonly=True)
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if not DATE_MIN <= wizard.date_from <= wizard.date_to <= DATE_MAX:
                raise ValidationError(
                    _(
                        "The periods run between %(min)s and %(max)s, ending after they start.",
                        min=DATE_MIN,
                        max=DATE_MAX,
                    )
                )

    def _check_finance(self):
        if not self.env.user.has_group("spm_credit.group_spm_accountant"):
            raise AccessError(_("Only accountants export the payroll."))

    def _statements(self):
        """The statements approved by finance whose period starts in the dates,
        of employees (agents are paid by vendor bill), as the accountant reads them."""
        return self.env["spm.incentive.statement"].search(
            [
                ("state", "=", "finance_approved"),
                ("period_start", ">=", self.date_from),
                ("period_start", "<=", self.date_to),
                ("company_id", "in", self.env.companies.ids),
                ("assignment_id.vendor_partner_id", "=", False),
            ],
            order="company_id, period_start, business_unit_id, user_id",
        )

    def action_export(self):
        """Write the payroll workbook of the statements approved by finance."""
        self.ensure_one()
        self._check_finance()
        statements = self._statements()
        if not statements:
            raise UserError(_("No statement approved by finance is waiting for payroll in these periods."))
        if len(statements) > MAX_EXPORT_STATEMENTS:
            raise UserError(
                _("At most %(max)s statements a file: export fewer periods.", max=MAX_EXPORT_STATEMENTS)
            )
        output = io.BytesIO()
        self._write_xlsx(output, statements)
        self.write(
            {
                "statement_ids": [(6, 0, statements.ids)],
                "file": base64.b64encode(output.getvalue()),
                "filename": f"incentive_payroll_{self.date_from:%Y%m%d}_{self.date_to:%Y%m%d}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _write_xlsx(self, output, statements):
        columns = [
            (_("Employee"), 28),
            (_("Employee Ref."), 16),
            (_("Period From"), 12),
            (_("Period To"), 12),
            (_("Plan"), 24),
            (_("Cost Centre"), 24),
            (_("Company"), 22),
            (_("Currency"), 9),
            (_("Amount"), 14),
            (_("Statement"), 40),
        ]
        digits = self.env.company.currency_id.decimal_places
        money = "#,##0" + ("." + "0" * digits if digits else "")
        styles = {
            "header": {"bold": True, "bg_color": "#E9ECEF", "bottom": True},
            "date": {"num_format": "yyyy-mm-dd"},
            "money": {"num_format": money},
            "total_money": {"bold": True, "top": True, "num_format": money},
        }
        with XlsxStreamWriter(output, styles) as workbook:
            sheet = workbook.add_sheet(_("Payroll"), [width for __, width in columns])
            sheet.append([title for title, __ in columns], ["header"] * len(columns))
            total = 0.0
            for statement in statements:
                unit = statement.business_unit_id
                sheet.append(
                    [
                        statement.user_id.name,
                        statement.user_id.partner_id.ref or statement.user_id.login,
                        statement.period_start,
                        statement.period_end,
                        statement.plan_id.name,
                        f"{unit.code} {unit.name}" if unit.code else unit.name,
                        statement.company_id.name,
                        statement.currency_id.name,
                        statement.amount_payable,
                        statement.name,
                    ],
                    [None, None, "date", "date", None, None, None, None, "money", None],
                )
                total += statement.amount_payable
            last = len(statements) + 1
            sheet.append(
                [_("Total")]
                + [None] * 7
                + [Formula(f"SUM(I2:I{last})", statements.currency_id[:1].round(total))],
                [None] * 8 + ["total_money"],
            )

    def action_confirm_paid(self):
        """Payroll paid the exported statements: mark them paid."""
        self.ensure_one()
        self._check_finance()
        statements = self.statement_ids.filtered(lambda s: s.state == "finance_approved")
        if not statements:
            raise UserError(_("Export the payroll first: no exported statement is waiting to be paid."))
        statements.action_mark_paid()
        return {"type": "ir.actions.act_window_close"}
