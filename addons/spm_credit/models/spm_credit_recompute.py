import logging
import time
from datetime import timedelta

from psycopg2.errors import TransactionRollbackError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools import end_of_batch, job_slice_seconds

_logger = logging.getLogger(__name__)

# A recompute of more documents than this runs in the background; the system parameter
# sets it (0: always in the background).
BACKGROUND_DOCUMENTS = 200
BACKGROUND_DOCUMENTS_PARAM = "spm_credit.recompute_background_documents"
# Documents recomputed and committed together (what a killed worker loses at most); the
# system parameter sets it, within 1 and MAX_BATCH_DOCUMENTS.
BATCH_DOCUMENTS = 50
BATCH_DOCUMENTS_PARAM = "spm_credit.recompute_batch_documents"
MAX_BATCH_DOCUMENTS = 1000
RETRY_DELAY = timedelta(seconds=30)
RECOMPUTED_MODELS = [("sale.order", "Sales Orders"), ("account.move", "Invoices")]


class SpmCreditRecompute(models.Model):
    """A recompute of many documents, asked for by a user and run by the cron
    ``ir_cron_spm_credit_recompute`` in batches, each committed with the documents it
    took off the pending list, so that a job killed halfway resumes after its last
    committed batch. Each batch runs with the rights of the requester, checked again.

    Written only by its workflow (private methods, ``sudo()``); its user reads it.
    """

    _name = "spm.credit.recompute"
    _description = "SPM Credit Recompute"
    _inherit = ["mail.thread"]
    _order = "id desc"

    user_id = fields.Many2one("res.users", "Requested by", required=True, index=True, readonly=True)
    company_ids = fields.Many2many("res.company", string="Companies", readonly=True)
    res_model = fields.Selection(RECOMPUTED_MODELS, "Documents", required=True, readonly=True)
    document_count = fields.Integer("Documents to Recompute", readonly=True)
    done_count = fields.Integer("Documents Recomputed", readonly=True)
    # The ids still to recompute, in order: a batch removes its ids in its own transaction.
    pending_ids = fields.Json(readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    error = fields.Char(readonly=True)

    @api.depends("res_model", "document_count")
    def _compute_display_name(self):
        labels = dict(self._fields["res_model"]._description_selection(self.env))
        for job in self:
            job.display_name = _(
                "Recompute of %(count)s %(documents)s",
                count=job.document_count,
                documents=labels.get(job.res_model, ""),
            )

    @api.depends("document_count", "done_count")
    def _compute_progress(self):
        for job in self:
            job.progress = 100.0 * job.done_count / job.document_count if job.document_count else 0.0

    @api.model
    def _spm_background_documents(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_DOCUMENTS_PARAM)
        try:
            return max(int(value), 0) if value else BACKGROUND_DOCUMENTS
        except ValueError:
            return BACKGROUND_DOCUMENTS

    @api.model
    def _spm_batch_documents(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_DOCUMENTS_PARAM)
        try:
            documents = int(value) if value else BATCH_DOCUMENTS
        except ValueError:
            documents = BATCH_DOCUMENTS
        return min(max(documents, 1), MAX_BATCH_DOCUMENTS)

    @api.model
    def _spm_queue(self, documents):
        """Queue the recompute of ``documents`` for the current user, whose right to
        recompute them is checked here (and again by each batch), and trigger the job.
        Returns the notification the user sees."""
        documents._spm_check_recompute_access()
        self.sudo().create(
            {
                "user_id": self.env.uid,
                "company_ids": self.env.companies.ids,
                "res_model": documents._name,
                "document_count": len(documents),
                "pending_ids": documents.ids,
            }
        )
        self.env.ref("spm_credit.ir_cron_spm_credit_recompute").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Recomputing %s documents in the background", len(documents)),
                "message": _(
                    "You will be notified when it is done; its progress is under "
                    "Sales Performance > Credit > Recomputes."
                ),
                "sticky": False,
            },
        }

    # ------------------------------------------------------------ the job

    @api.model
    def _spm_run_job(self):
        """The cron's callback: batches of the oldest unfinished job, each committed with
        its progress, for a share of the cron's time limit (:func:`job_slice_seconds`);
        the progress tells Odoo's cron to call again at once while documents remain. A
        worker killed in a batch loses that batch only: the next call starts again from
        the pending list last committed."""
        deadline = time.monotonic() + job_slice_seconds()
        while True:
            job = self.sudo().search([("state", "in", ("queued", "running"))], order="id", limit=1)
            if not job:
                return
            try:
                with self.env.cr.savepoint():
                    done = job._spm_run_batch()
            except TransactionRollbackError:
                _logger.info(
                    "Recompute %s: a batch in conflict with another transaction, tried again", job.id
                )
                self.env.ref("spm_credit.ir_cron_spm_credit_recompute")._trigger(
                    fields.Datetime.now() + RETRY_DELAY
                )
                return
            except AccessError as error:
                job._spm_finish("failed", str(error))
                done = 0
            except Exception:
                _logger.exception("Recompute %s failed", job.id)
                job._spm_finish("failed", _("The documents could not be recomputed."))
                done = 0
            unfinished = self.sudo().search([("state", "in", ("queued", "running"))])
            remaining = sum(len(pending or ()) for pending in unfinished.mapped("pending_ids"))
            # The batch and the pending list it shortened, committed together.
            if not end_of_batch(self.env, done, remaining, deadline):
                return

    def _spm_run_batch(self):
        """Recompute the next batch of the job's documents with the rights and companies
        of its requester (checked again: rights lost since the request stop the job),
        and take them off the pending list in the same transaction. Returns the count."""
        self.ensure_one()
        user = self.user_id
        pending = list(self.pending_ids or ())
        size = self._spm_batch_documents()
        batch, rest = pending[:size], pending[size:]
        companies = self.company_ids & user.company_ids
        # Documents deleted since the request are skipped.
        documents = (
            self.env[self.res_model]
            .browse(batch)
            .exists()
            .with_user(user)
            .with_context(allowed_company_ids=(companies or user.company_id).ids, lang=user.lang)
        )
        documents._spm_check_recompute_access()
        documents._spm_recompute_credit()
        self.write({"pending_ids": rest, "done_count": self.done_count + len(batch), "state": "running"})
        if rest:
            self._spm_notify_requester()
        else:
            self._spm_finish("done")
        return len(batch)

    def _spm_finish(self, state, error=False):
        """End the job and tell its requester (a message in their inbox)."""
        self.ensure_one()
        self.write({"state": state, "error": error})
        if state == "done":
            body = _("%s documents recomputed.", self.done_count)
        else:
            body = _(
                "The recompute stopped after %(done)s of %(total)s documents: %(error)s",
                done=self.done_count,
                total=self.document_count,
                error=error,
            )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
        )
        self._spm_notify_requester(body)

    def _spm_notify_requester(self, message=False):
        """Tell the requester's open screens how the job stands (Odoo's bus, sent with the
        transaction of the batch): the Recomputes list and form refresh, and the end of the
        job (``message``) shows as a notification."""
        self.ensure_one()
        self.user_id.partner_id._bus_send(
            "spm_credit_recompute",
            {
                "id": self.id,
                "state": self.state,
                "done_count": self.done_count,
                "document_count": self.document_count,
                "message": message,
            },
        )
