from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.billing_export import LAYOUT_FIELDS, check_mapping, column_key, signature_of

# Layouts a distributor keeps: one per header he uploads, bounded all the same.
MAX_LAYOUTS = 50
MAX_LAYOUT_NAME = 100


class SpmDistributorLayout(models.Model):
    """The columns of a distributor's own export (Tally, Marg, Busy, any ERP) and the
    billing field each one gives, so that his files import as they come.

    A layout without distributor ships with the addon and serves every
    distributor; a distributor's own layouts are his alone (record rules). The
    portal saves them through :meth:`_spm_save_for`, which checks, then uses
    ``sudo()``: portal users have no write access.
    """

    _name = "spm.distributor.layout"
    _description = "Distributor File Layout"
    _order = "distributor_id, write_date desc, id desc"

    name = fields.Char(required=True)
    distributor_id = fields.Many2one(
        "res.partner",
        index=True,
        ondelete="cascade",
        domain=[("is_distributor", "=", True)],
        help="Empty: a layout shipped with the addon, for every distributor.",
    )
    signature = fields.Text(
        readonly=True,
        help="The normalised names of the file's columns, one a line: a file with exactly these "
        "columns takes this layout first.",
    )
    mapping = fields.Json(
        required=True, help="The billing field each column of the file gives: {column: field}."
    )
    mapping_text = fields.Text("Columns", compute="_compute_mapping_text")
    active = fields.Boolean(default=True)

    @api.depends("mapping")
    def _compute_mapping_text(self):
        labels = dict(self._spm_field_selection())
        for layout in self:
            layout.mapping_text = "\n".join(
                f"{column} → {labels.get(field, field)}" for column, field in (layout.mapping or {}).items()
            )

    @api.constrains("mapping")
    def _check_mapping(self):
        for layout in self:
            mapping = layout.mapping
            keys = list(mapping) if isinstance(mapping, dict) else []
            problem = check_mapping(self.env, keys, mapping)
            if not problem and any(column_key(key) != key for key in keys):
                problem = _(
                    "The columns of a layout are written as normalised names (lowercase, underscores)."
                )
            if problem:
                raise ValidationError(problem)

    @api.model
    def _spm_field_selection(self):
        """The fields a column can give, with their labels, for the mapping page."""
        labels = {
            "bill_number": _("Bill number"),
            "bill_date": _("Bill date"),
            "retailer": _("Retailer name"),
            "retailer_code": _("Retailer code"),
            "retailer_vat": _("Retailer tax id (GSTIN, VAT)"),
            "retailer_city": _("Retailer city"),
            "product": _("Product code"),
            "product_name": _("Product name"),
            "quantity": _("Quantity"),
            "price_unit": _("Unit price"),
            "amount": _("Amount (quantity × price)"),
            "type": _("Type (sale or return)"),
            "currency": _("Currency"),
        }
        return [(field, labels[field]) for field in LAYOUT_FIELDS]

    @api.model
    def _spm_layouts_for(self, distributor):
        """The layouts an upload of ``distributor`` may take: his own, latest first, then the shipped ones."""
        Layout = self.sudo()
        own = Layout.search([("distributor_id", "=", distributor.id)]) if distributor else Layout
        return own + Layout.search([("distributor_id", "=", False)])

    @api.model
    def _spm_save_for(self, distributor, keys, mapping, name=None):
        """Save ``mapping`` as ``distributor``'s layout for a file with the columns ``keys``
        (the one of the same columns is replaced). Raises a ValidationError saying
        what is wrong with the mapping."""
        problem = check_mapping(self.env, keys, mapping)
        if problem:
            raise ValidationError(problem)
        signature = signature_of(keys)
        Layout = self.sudo()
        layout = Layout.search(
            [("distributor_id", "=", distributor.id), ("signature", "=", signature)], limit=1
        )
        values = {"mapping": dict(mapping), "signature": signature}
        if layout:
            layout.write(values)
            return layout
        if Layout.search_count([("distributor_id", "=", distributor.id)]) >= MAX_LAYOUTS:
            raise ValidationError(
                _(
                    "You have %(limit)s file layouts already: ask your contact to archive those you no "
                    "longer use.",
                    limit=MAX_LAYOUTS,
                )
            )
        name = (name or "").strip()[:MAX_LAYOUT_NAME] or _("My layout %(date)s", date=fields.Date.today())
        return Layout.create({**values, "name": name, "distributor_id": distributor.id})
