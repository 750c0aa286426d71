from odoo import api, fields, models
from odoo.tools import float_is_zero

from ..tools import CreditDescriptor
from .spm_credit_document_mixin import CREDIT_READERS

# Changing one of these on a confirmed order changes its order-basis credit.
CREDIT_FIELDS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "spm.credit.source.mixin"]

    spm_credit_line_ids = fields.One2many(
        "spm.credit.line", "sale_line_id", string="Credit Lines", groups=CREDIT_READERS
    )

    def _spm_creditable(self):
        return self.filtered(
            lambda line: not line.display_type and line.product_id and not line.is_downpayment
        )

    @api.model
    def _spm_credit_link_field(self):
        return "sale_line_id"

    def _spm_credit_descriptors(self):
        """Describe each order line for credit allocation (see spm.credit.engine._sync_credit)."""
        # What every line of an order shares, worked out once per order.
        per_order = {}
        result = []
        for line in self:
            order = line.order_id
            if order not in per_order:
                company = order.company_id
                account = order.partner_id.commercial_partner_id
                per_order[order] = {
                    "document": order,
                    "origin": order.name,
                    "company": company,
                    "account": account,
                    "customer": account,
                    "team": order.team_id,
                    "date": fields.Date.context_today(line, order.date_order),
                    "rate": order.currency_id._get_conversion_rate(
                        order.currency_id, company.currency_id, company, order.date_order.date()
                    ),
                    "creditable": order.state == "sale",
                }
            common = per_order[order]
            result.append(
                CreditDescriptor(
                    **common,
                    source=line,
                    product=line.product_id,
                    amount=common["company"].currency_id.round(line.price_subtotal * common["rate"]),
                    links={"sale_line_id": line.id, "order_id": order.id},
                )
            )
        return result

    def _spm_credit_targets(self, descriptors, units):
        """Order basis: confirmed credit for what is invoiced (posted invoices and
        credit notes), provisional credit for the rest while the order is open."""
        targets = []
        for line, desc, unit in zip(self, descriptors, units, strict=True):
            order = line.order_id
            if not unit or not unit.credit_primary or unit.credit_basis != "order" or order.state != "sale":
                targets.append([])
                continue
            currency = desc.company.currency_id
            posted = line.invoice_lines.filtered(lambda inv_line: inv_line.parent_state == "posted")
            invoiced = currency.round(sum(-inv_line.balance for inv_line in posted))
            open_amount = 0.0
            # A locked order with nothing left to invoice on the line is over:
            # its credit is then exactly what was invoiced.
            if not (
                order.locked
                and float_is_zero(line.qty_to_invoice, precision_rounding=line.product_uom.rounding)
            ):
                # Not invoiced yet (the usual case at confirmation): skip that compute.
                invoiced_untaxed = line.untaxed_amount_invoiced if line.invoice_lines else 0.0
                open_amount = currency.round(max(line.price_subtotal - invoiced_untaxed, 0.0) * desc.rate)
            parts = [("order", "confirmed", invoiced), ("order", "provisional", open_amount)]
            targets.append([p for p in parts if not currency.is_zero(p[2])])
        return targets

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        confirmed = lines.filtered(lambda line: line.order_id.state == "sale")
        if confirmed:
            self.env["spm.credit.engine"]._sync_credit(confirmed._spm_creditable())
        return lines

    def write(self, vals):
        result = super().write(vals)
        if CREDIT_FIELDS & set(vals):
            confirmed = self.filtered(lambda line: line.order_id.state == "sale")
            if confirmed:
                self.env["spm.credit.engine"]._sync_credit(confirmed._spm_creditable())
        return result
