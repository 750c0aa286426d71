from odoo import api, fields, models

from ..tools import CreditDescriptor
from .spm_credit_document_mixin import CREDIT_READERS


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "spm.credit.source.mixin"]

    spm_credit_line_ids = fields.One2many(
        "spm.credit.line", "move_line_id", string="Credit Lines", groups=CREDIT_READERS
    )

    def _spm_creditable(self):
        return self.filtered(
            lambda line: (
                line.display_type == "product"
                and line.product_id
                and line.move_id.is_sale_document(include_receipts=True)
            )
        )

    @api.model
    def _spm_credit_link_field(self):
        return "move_line_id"

    def _spm_credit_descriptors(self):
        """Describe each customer invoice line for credit allocation."""
        result = []
        for line in self:
            move = line.move_id
            account = move.commercial_partner_id
            result.append(
                CreditDescriptor(
                    source=line,
                    document=move,
                    origin=move.name,
                    company=move.company_id,
                    account=account,
                    customer=account,
                    product=line.product_id,
                    team=move.team_id,
                    date=move.invoice_date or move.date,
                    # balance is in company currency at the invoice's rate; income is a credit.
                    amount=-line.balance,
                    creditable=move.state == "posted" and not line.sale_line_ids,
                    links={"move_line_id": line.id, "move_id": move.id},
                )
            )
        return result

    def _spm_credit_targets(self, descriptors, units):
        """Invoice basis: credit when the invoice (or credit note) is posted.
        Lines of an order whose unit credits on orders are credited through
        the order line; an invoice without order is credited on the invoice."""
        targets = []
        for line, desc, unit in zip(self, descriptors, units, strict=True):
            by_invoice = (
                unit and unit.credit_primary and (unit.credit_basis == "invoice" or not line.sale_line_ids)
            )
            if (
                by_invoice
                and line.move_id.state == "posted"
                and not line.company_currency_id.is_zero(desc.amount)
            ):
                targets.append([("invoice", "confirmed", desc.amount)])
            else:
                targets.append([])
        return targets
