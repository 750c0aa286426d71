from odoo import api, models


class SpmCreditSourceMixin(models.AbstractModel):
    """What a credited document line provides to the credit engine
    (``spm.credit.engine``): order lines, invoice lines, and the lines other
    addons credit (secondary billing lines) inherit it.

    The engine calls these methods on a batch of lines of one model and works
    on the batch with a constant number of queries: implementations read the
    batch, never one line at a time.
    """

    _name = "spm.credit.source.mixin"
    _description = "SPM Credit Source"

    def _spm_creditable(self):
        """The lines of ``self`` that can carry credit at all (product lines,
        not notes, sections or down payments); the callers of the engine pass
        only these."""
        return self

    @api.model
    def _spm_credit_link_field(self):
        """The many2one field of ``spm.credit.line`` that points at this model's lines."""
        raise NotImplementedError

    def _spm_credit_descriptors(self):
        """Describe each line of ``self`` for allocation.

        :return: one ``CreditDescriptor`` (``spm_credit/tools/credit_descriptor.py``)
                 per line, in the order of ``self``
        """
        raise NotImplementedError

    def _spm_credit_targets(self, descriptors, units):
        """The credit each line of ``self`` should carry under its business
        unit's policy.

        :param descriptors: those of ``_spm_credit_descriptors``, in order
        :param units: the business unit of each line, in order (empty when none)
        :return: for each line, a list of ``(basis, state, amount)`` to credit,
                 empty when the line earns no credit
        """
        raise NotImplementedError
