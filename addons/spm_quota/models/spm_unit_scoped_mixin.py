from odoo import models


class SpmUnitScopedMixin(models.AbstractModel):
    """A record that belongs to a business unit, and so to whoever manages it.

    Odoo checks the record rules of a write on the record's values before the
    write, not after: a manager allowed to change a record of his unit could
    move it, by the same write, into a unit he does not manage (or out of
    every unit). A write of a field that decides who may change the record is
    therefore checked again on the new values.

    Models using it declare the fields that scope them in ``_spm_scope_fields``.
    """

    _name = "spm.unit.scoped.mixin"
    _description = "SPM Record Scoped to a Business Unit"
    _spm_scope_fields = ("business_unit_id", "company_id")

    def write(self, vals):
        result = super().write(vals)
        if not self.env.su and set(self._spm_scope_fields) & set(vals):
            self.check_access("write")
        return result
