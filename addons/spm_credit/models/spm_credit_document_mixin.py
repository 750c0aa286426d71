from collections import Counter

from odoo import fields, models


class SpmCreditDocumentMixin(models.AbstractModel):
    """What a credited document (sale order, invoice) shows of its credit: the
    count of its credit lines and of its open credit issues, and the actions
    to see them or to dispute them."""

    _name = "spm.credit.document.mixin"
    _description = "SPM Credited Document"

    spm_credit_issue_count = fields.Integer(compute="_compute_spm_credit_counts")
    spm_credit_count = fields.Integer(compute="_compute_spm_credit_counts")

    def _spm_credit_line_field(self):
        """The field of the credit lines that points at this document."""
        raise NotImplementedError

    def _compute_spm_credit_counts(self):
        issues = Counter(
            issue.document_ref.id
            for issue in self.env["spm.credit.issue"]
            .sudo()
            .search(
                [
                    ("document_ref", "in", [f"{self._name},{record_id}" for record_id in self.ids]),
                    ("state", "=", "open"),
                ]
            )
        )
        link = self._spm_credit_line_field()
        credit_counts = dict(
            self.env["spm.credit.line"]._read_group([(link, "in", self.ids)], [link], ["__count"])
        )
        for document in self:
            document.spm_credit_issue_count = issues[document.id]
            document.spm_credit_count = credit_counts.get(document, 0)

    def action_view_spm_credit_issues(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_credit.spm_credit_issue_action")
        action["domain"] = [("document_ref", "=", f"{self._name},{self.id}")]
        action["context"] = {}
        return action

    def action_spm_dispute(self):
        """A salesperson's "credit missing or wrong" on this document."""
        self.ensure_one()
        return self.env["spm.credit.dispute"]._action_raise(
            {"default_document_ref": f"{self._name},{self.id}"}
        )
