"""What the stock tests share: primary invoices to distributors and stock statements."""

from odoo import Command

from .common import SpmPortalCase


class SpmStockCase(SpmPortalCase):
    """Distributor A's stock of Test Insulin (T-INS) and Test Sunscreen (T-SUN)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stock = cls.env["spm.distributor.stock"]
        cls.Statement = cls.env["spm.distributor.stock.statement"]
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")

    @classmethod
    def _primary(cls, lines, partner=None, move_type="out_invoice", invoice_date=None, post=True):
        """A customer invoice (or credit note) of the company to a distributor:
        ``lines`` are ``(product, quantity, uom or None)``."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.distributor_a).id,
                "invoice_date": invoice_date or cls.yesterday,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": 10.0,
                            "tax_ids": [Command.clear()],
                            **({"product_uom_id": uom.id} if uom else {}),
                        }
                    )
                    for product, quantity, uom in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _statement(cls, day, lines, distributor=None):
        """A confirmed stock statement: ``lines`` are ``(product, quantity)``."""
        statement = cls.Statement.create(
            {
                "distributor_id": (distributor or cls.distributor_a).id,
                "date": day,
                "line_ids": [Command.create({"product_id": p.id, "quantity": q}) for p, q in lines],
            }
        )
        statement.action_confirm()
        return statement

    def _stock(self, product, day=None, distributor=None):
        distributor = distributor or self.distributor_a
        pair = (distributor.id, product.id)
        return self.Stock._spm_stock_at([pair], day or self.today)[pair]
