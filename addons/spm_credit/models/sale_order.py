from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models

from .spm_credit_document_mixin import CREDIT_READERS


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "spm.credit.document.mixin"]

    spm_credit_line_ids = fields.One2many(
        "spm.credit.line", "order_id", string="Sales Credit", groups=CREDIT_READERS
    )

    spm_credit_preview = fields.Html(
        "Who Will Be Credited",
        compute="_compute_spm_credit_preview",
        sanitize=False,
        groups="spm_quota.group_spm_salesperson",
        help="The salespersons, shares and overlays that the credit engine resolves for the lines today.",
    )

    @api.depends(
        "partner_id",
        "team_id",
        "company_id",
        "date_order",
        "order_line.product_id",
        "order_line.display_type",
    )
    def _compute_spm_credit_preview(self):
        for order in self:
            order.spm_credit_preview = order._spm_credit_preview_html()

    def _spm_credit_preview(self):
        """Who the credit engine would credit for the order's lines: the same
        descriptors, business unit rule and share resolver as
        ``spm.credit.engine._sync_credit``.

        :return: ``(rows, uncredited)``: rows ``(unit, user, kind, share,
                 products)`` and the count of lines credited to nobody, by reason
        """
        lines = self.order_line._spm_creditable()
        descriptors = lines._spm_credit_descriptors()
        units = self.env["spm.credit.engine"]._units_of(descriptors)
        credited = [
            (d, unit) for d, unit in zip(descriptors, units, strict=True) if unit and unit.credit_primary
        ]
        shares = (
            self.env["spm.assignment"]
            .sudo()
            ._get_shares((d.account.id, unit.id, d.date) for d, unit in credited)
        )
        rows, uncredited = defaultdict(list), defaultdict(int)
        for desc, unit in zip(descriptors, units, strict=True):
            if not unit:
                uncredited["no_unit"] += 1
            elif not unit.credit_primary:
                uncredited["policy"] += 1
            elif not shares[(desc.account.id, unit.id, desc.date)]:
                uncredited["no_assignment"] += 1
            for share in shares.get((desc.account.id, unit.id, desc.date), []) if unit else []:
                rows[(unit, share.user_id, share.kind, share.share)].append(desc.product)
        return rows, uncredited

    def _spm_credit_preview_html(self):
        self.ensure_one()
        rows, uncredited = self._spm_credit_preview()
        if not rows and not uncredited:
            return False
        users = self.env["res.users"].sudo().browse({key[1] for key in rows})
        names = dict(zip(users.ids, users.mapped("name"), strict=True))
        kinds = dict(self.env["spm.assignment"]._fields["kind"]._description_selection(self.env))
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td><td>%s</td></tr>")
            % (
                names[user_id],
                unit.display_name,
                kinds[kind],
                f"{share:g} %",
                self._spm_preview_products(products),
            )
            for (unit, user_id, kind, share), products in sorted(
                rows.items(), key=lambda item: (item[0][0].display_name, item[0][2] != "split", -item[0][3])
            )
        )
        reasons = {
            "no_unit": _("line(s) belong to no business unit and will not be credited"),
            "policy": _("line(s) belong to a unit that does not credit primary sales"),
            "no_assignment": _("line(s) have nobody assigned to this customer in their unit"),
        }
        notes = Markup("").join(
            Markup("<p class='text-warning mb-1'>%s %s</p>") % (count, reasons[reason])
            for reason, count in uncredited.items()
        )
        table = Markup(
            "<table class='table table-sm o_spm_credit_preview'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (_("Salesperson"), _("Business Unit"), _("Kind"), _("Share"), _("Products"), body)
        return (table if rows else Markup("")) + notes

    @api.model
    def _spm_preview_products(self, products, limit=5):
        """The products of a row of the preview, the first ``limit`` named."""
        names = list(dict.fromkeys(product.display_name for product in products))
        if len(names) <= limit:
            return ", ".join(names)
        return _("%(names)s and %(count)s more", names=", ".join(names[:limit]), count=len(names) - limit)

    def _spm_credit_line_field(self):
        return "order_id"

    def _spm_sync_credit(self):
        self.env["spm.credit.engine"]._sync_credit(self.order_line._spm_creditable())

    def _action_confirm(self):
        result = super()._action_confirm()
        self._spm_sync_credit()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._spm_sync_credit()
        return result

    def action_lock(self):
        result = super().action_lock()
        self._spm_sync_credit()
        return result

    def action_unlock(self):
        result = super().action_unlock()
        self._spm_sync_credit()
        return result

    def _spm_recompute_credit(self):
        """The orders and their invoices, each checked as the invoices' own recompute is."""
        result = super()._spm_recompute_credit()
        invoices = self.order_line.invoice_lines.move_id
        invoices._spm_check_recompute_access()
        invoices._spm_recompute_credit()
        return result

    def action_view_spm_credit(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_line_action")
        action["domain"] = ["|", ("order_id", "=", self.id), ("move_id", "in", self.invoice_ids.ids)]
        action["context"] = {}
        return action
