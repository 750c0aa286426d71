import logging

from odoo import _, api, fields, models
from odoo.tools import html_escape

_logger = logging.getLogger(__name__)

ISSUE_REASONS = [
    ("no_unit", "No business unit"),
    ("no_assignment", "No salesperson assigned"),
    ("incomplete_shares", "Team splits do not add up to 100 %"),
    ("monthly_mismatch", "Monthly credit differs from its credit lines"),
]
# The source of a monthly_mismatch issue: one key of the monthly aggregate.
MONTHLY_REF = "spm.credit.monthly,{},{},{},{}"
# A damaged aggregate can differ on every key: the issues a check opens are bounded.
MAX_NEW_MONTHLY_ISSUES = 1000


class SpmCreditIssue(models.Model):
    """A document line that could not be credited, until it is."""

    _name = "spm.credit.issue"
    _description = "SPM Credit Issue"
    _order = "state, date desc, id desc"

    source_ref = fields.Char(
        "Source Line", required=True, index=True, readonly=True, help="model,id of the document line"
    )
    document_ref = fields.Reference(
        selection="_selection_document_ref",
        string="Document",
        readonly=True,
        index=True,
    )
    origin = fields.Char("Document Number", readonly=True)
    reason = fields.Selection(ISSUE_REASONS, required=True, readonly=True)
    business_unit_id = fields.Many2one("spm.business.unit", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Account", readonly=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    # Monthly mismatches: whose aggregate, and by how much its collected amount differs.
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collected_difference = fields.Monetary(readonly=True)
    date = fields.Date(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, readonly=True, index=True
    )
    resolved_date = fields.Datetime(readonly=True)

    @api.model
    def _selection_document_ref(self):
        return [("sale.order", "Sale Order"), ("account.move", "Invoice")]

    @api.model
    def _sync_issues(self, sources, issues):
        """Open an issue for each source in ``issues`` {source: (reason, CreditDescriptor, unit)}
        that has none, update the reason of those that have one, and resolve the
        issues of the other sources."""
        refs = {source: f"{source._name},{source.id}" for source in sources}
        current = {
            issue.source_ref: issue
            for issue in self.search(
                [
                    ("source_ref", "in", list(refs.values())),
                    ("state", "=", "open"),
                ]
            )
        }
        to_create, new_by_document = [], {}
        for source, (reason, desc, unit) in issues.items():
            issue = current.get(refs[source])
            if issue:
                if issue.reason != reason:
                    issue.reason = reason
                continue
            to_create.append(
                {
                    "source_ref": refs[source],
                    "document_ref": f"{desc.document._name},{desc.document.id}",
                    "origin": desc.origin,
                    "reason": reason,
                    "business_unit_id": unit.id,
                    "partner_id": desc.account.id,
                    "product_id": desc.product.id,
                    "company_id": desc.company.id,
                    "amount": desc.amount,
                    "date": desc.date,
                }
            )
            new_by_document.setdefault(desc.document, self.env["spm.business.unit"])
            new_by_document[desc.document] |= unit
        resolved = self.browse([i.id for ref, i in current.items() if ref not in {refs[s] for s in issues}])
        if resolved:
            resolved.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        created = self.create(to_create) if to_create else self.browse()
        for document, units in new_by_document.items():
            self._schedule_manager_activity(document, units)
        return created

    @api.model
    def _sync_monthly_issues(self, differences, company_ids=None):
        """Open an issue for each key of the monthly aggregate in ``differences``
        (see ``spm.credit.monthly._differences``), update the amounts of those
        already open, and resolve the other open mismatches (of ``company_ids``
        only, when given)."""
        domain = [("reason", "=", "monthly_mismatch"), ("state", "=", "open")]
        if company_ids is not None:
            domain.append(("company_id", "in", list(company_ids)))
        current = {issue.source_ref: issue for issue in self.search(domain)}
        to_create, seen = [], set()
        for user_id, unit_id, company_id, month, amount, collected in differences:
            ref = MONTHLY_REF.format(user_id, unit_id, company_id, month)
            seen.add(ref)
            issue = current.get(ref)
            if issue:
                currency = issue.currency_id
                if currency.compare_amounts(issue.amount, amount) or currency.compare_amounts(
                    issue.collected_difference, collected
                ):
                    issue.write({"amount": amount, "collected_difference": collected})
                continue
            to_create.append(
                {
                    "source_ref": ref,
                    "reason": "monthly_mismatch",
                    "user_id": user_id,
                    "business_unit_id": unit_id,
                    "company_id": company_id,
                    "date": month,
                    "amount": amount,
                    "collected_difference": collected,
                }
            )
        resolved = self.browse([issue.id for ref, issue in current.items() if ref not in seen])
        if resolved:
            resolved.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        if len(to_create) > MAX_NEW_MONTHLY_ISSUES:
            _logger.warning(
                "The monthly credit differs from its lines on %d new keys, %d reported: rebuild it.",
                len(to_create),
                MAX_NEW_MONTHLY_ISSUES,
            )
            to_create = to_create[:MAX_NEW_MONTHLY_ISSUES]
        return self.create(to_create) if to_create else self.browse()

    @api.model
    def _schedule_manager_activity(self, document, units):
        """One activity per document for each manager of the units concerned
        (the company's SPM administrators when no unit could be resolved)."""
        managers = units._spm_responsible_users(document.company_id)
        activity_type = self.env.ref("spm_credit.mail_activity_type_credit_issue")
        existing = document.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
        for manager in managers - existing:
            document.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                # The note is HTML: names and numbers typed by users are escaped, markup in them stays text.
                note=html_escape(
                    _(
                        "Some lines of %s could not be credited to salespersons. See Sales > Performance > "
                        "Credit Issues, fix the assignment and press Recompute.",
                        document.display_name,
                    )
                ),
            )

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.document_ref._name,
            "res_id": self.document_ref.id,
            "view_mode": "form",
        }

    def action_recompute(self):
        """Credit the documents of these issues again (after fixing assignments); many
        documents are recomputed in the background, and the user is told so."""
        documents = {}
        for issue in self.filtered("document_ref"):
            document = issue.document_ref
            documents[document._name] = documents.get(document._name, document.browse()) | document
        result = True
        for records in documents.values():
            outcome = records.action_spm_recompute_credit()
            if isinstance(outcome, dict):
                result = outcome
        return result
