from collections import Counter

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# Who may read credit lines (see security/ir.model.access.csv): the fields
# that Odoo's documents show of their credit are theirs only, so that anyone
# else reads orders, invoices and partners whole (integrations included).
CREDIT_READERS = "spm_quota.group_spm_salesperson,spm_credit.group_spm_accountant"


class SpmCreditDocumentMixin(models.AbstractModel):
    """What a credited document (sale order, invoice) shows of its credit: the
    count of its credit lines and of its open credit issues, and the actions
    to see them or to dispute them."""

    _name = "spm.credit.document.mixin"
    _description = "SPM Credited Document"

    spm_credit_issue_count = fields.Integer(compute="_compute_spm_credit_counts", groups=CREDIT_READERS)
    spm_credit_count = fields.Integer(compute="_compute_spm_credit_counts", groups=CREDIT_READERS)
    # The latest credit dispute on the document the user may read, and how it stands.
    spm_dispute_id = fields.Many2one(
        "spm.credit.dispute", string="Credit Dispute", compute="_compute_spm_dispute", groups=CREDIT_READERS
    )
    spm_dispute_state = fields.Selection(
        selection=lambda self: self.env["spm.credit.dispute"]._fields["state"].selection,
        string="Credit Dispute Status",
        compute="_compute_spm_dispute",
        groups=CREDIT_READERS,
    )

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

    @api.depends_context("uid")
    def _compute_spm_dispute(self):
        Dispute = self.env["spm.credit.dispute"]
        link = self._spm_credit_line_field()
        latest = {}
        if Dispute.has_access("read"):
            refs = [f"{self._name},{record_id}" for record_id in self.ids]
            # On the document itself, or on one of its credit lines.
            disputes = Dispute.search(
                ["|", ("document_ref", "in", refs), (f"credit_line_id.{link}", "in", self.ids)],
                order="create_date, id",
            )
            for dispute in disputes:
                document = dispute.document_ref
                if not document or document._name != self._name:
                    document = dispute.credit_line_id[link]
                latest[document.id] = dispute
        for document in self:
            document.spm_dispute_id = latest.get(document.id, Dispute)
            document.spm_dispute_state = document.spm_dispute_id.state

    def _spm_check_recompute_access(self):
        """Recompute is the tool of the managers of the units concerned (the
        units of the documents' credit and credit issues) and of administrators;
        a manager who manages no unit of the documents' companies has none."""
        user = self.env.user
        if not self or self.env.su or user.has_group("spm_quota.group_spm_admin"):
            return
        link = self._spm_credit_line_field()
        units = self.env["spm.credit.line"].sudo().search([(link, "in", self.ids)]).business_unit_id
        units |= (
            self.env["spm.credit.issue"]
            .sudo()
            .search([("document_ref", "in", [f"{self._name},{record_id}" for record_id in self.ids])])
            .business_unit_id
        )
        managed = self.env["spm.business.unit"].sudo().search([("manager_id", "=", user.id)])
        if (
            not user.has_group("spm_quota.group_spm_manager")
            or units - managed
            or not (managed.company_id & self.company_id)
        ):
            raise AccessError(
                _(
                    "Only the managers of the business units concerned, or an SPM administrator, "
                    "recompute credit."
                )
            )

    def action_spm_recompute_credit(self):
        """Credit the documents again after their assignments or units were fixed; lines
        already credited right are left alone, so nothing is duplicated. More documents
        than the bound (``spm_credit.recompute_background_documents``) are recomputed by
        the background job: the user is told so, and notified when it is done."""
        self._spm_check_recompute_access()
        Recompute = self.env["spm.credit.recompute"]
        if len(self) > Recompute._spm_background_documents():
            return Recompute._spm_queue(self)
        self._spm_recompute_credit()
        return True

    def _spm_recompute_credit(self):
        """Credit the documents again; their recompute access is checked by the caller."""
        self._spm_sync_credit()

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
