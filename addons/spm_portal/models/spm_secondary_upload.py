import base64
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import bound_errors, count_errors, group_rows, read_rows

_logger = logging.getLogger(__name__)

# Lines of the billings a batch of the job checks, creates, submits and credits in one
# transaction (a billing is never split: a batch ends after the billing that reaches it).
BATCH_LINES = 1000


class SpmSecondaryUpload(models.Model):
    """A distributor's file of secondary billings, checked in the request that
    received it, then created, submitted and credited in batches by the
    background job (the cron ``ir_cron_spm_secondary_upload``).

    Only the workflow writes it (private methods that check, then ``sudo()``):
    the distributor reads his own uploads, the managers of the units read all.
    """

    _name = "spm.secondary.upload"
    _description = "Secondary Billing Upload"
    _order = "id desc"

    distributor_id = fields.Many2one("res.partner", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Uploaded By", required=True, readonly=True)
    filename = fields.Char(readonly=True)
    file = fields.Binary(attachment=True, readonly=True)
    file_size = fields.Integer(readonly=True)
    submit = fields.Boolean(
        readonly=True, help="The billings are submitted once created (otherwise they stay drafts)."
    )
    state = fields.Selection(
        [
            ("draft", "Checked"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    progress_done = fields.Integer(readonly=True, help="Billings of the file processed so far.")
    progress_total = fields.Integer(readonly=True, help="Billings in the file.")
    created_count = fields.Integer(readonly=True)
    existing_count = fields.Integer(
        readonly=True, help="Billings of the file reported earlier with the same content: not created again."
    )
    error_count = fields.Integer(readonly=True)
    errors = fields.Json(readonly=True, help="The first errors (bounded as the portal lists them).")
    billing_ids = fields.One2many("spm.secondary.billing", "upload_id", string="Billings", readonly=True)

    # ------------------------------------------------------------ the file

    def _spm_parse(self):
        """The billings of the stored file and the errors reading it: ``(billings, errors)``,
        as :func:`..tools.billing_file.group_rows` returns them."""
        self.ensure_one()
        data = base64.b64decode(self.sudo().file or b"")
        rows, errors = read_rows(self.env, data)
        if errors:
            return [], errors
        return group_rows(self.env, rows)

    def _spm_set_errors(self, errors):
        errors = bound_errors(self.env, errors)
        self.sudo().write(
            {
                "errors": [
                    {k: (str(v) if k == "message" else v) for k, v in e.items() if k != "billing"}
                    for e in errors
                ],
                "error_count": count_errors(errors),
            }
        )

    # ------------------------------------------------------------ workflow

    @api.model
    def _spm_create_checked(self, distributor, filename, data, submit):
        """Record a file that the request checked, in the ``draft`` (checked) state."""
        return self.sudo().create(
            {
                "distributor_id": distributor.id,
                "company_id": distributor.company_id.id or self.env.company.id,
                "user_id": self.env.uid,
                "filename": filename,
                "file": base64.b64encode(data),
                "file_size": len(data),
                "submit": bool(submit),
            }
        )

    def _spm_check_owner(self):
        distributor = self.env["res.partner"]._spm_distributor_of_user(self.env.user)
        if any(upload.distributor_id != distributor for upload in self) and not self.env.su:
            raise AccessError(_("This upload is not yours."))

    def _spm_confirm(self):
        """Confirm checked uploads and queue them for the background job."""
        self._spm_check_owner()
        if any(upload.state != "draft" for upload in self):
            raise UserError(_("Only a checked upload can be confirmed."))
        self.sudo().write({"state": "queued"})
        self.env.ref("spm_portal.ir_cron_spm_secondary_upload").sudo()._trigger()

    # ------------------------------------------------------------ the job

    @api.model
    def _spm_next_upload(self):
        """The upload the job advances next: of each distributor only the oldest unfinished
        upload runs (one job at a time per distributor), and among those the one that
        waited longest since its last batch, so that distributors take turns."""
        eligible = [
            upload_id
            for _distributor, upload_id in self._read_group(
                [("state", "in", ("queued", "running"))], ["distributor_id"], ["id:min"]
            )
        ]
        return self.search([("id", "in", eligible)], order="write_date, id", limit=1)

    @api.model
    def _spm_run_job(self):
        """The cron's callback: one batch of one upload, then the progress for Odoo's cron
        (which commits, and calls again at once while billings remain)."""
        upload = self.sudo()._spm_next_upload()
        if not upload:
            return
        done = upload._spm_run_batch()
        unfinished = self.sudo().search([("state", "in", ("queued", "running"))])
        remaining = sum(unfinished.mapped("progress_total")) - sum(unfinished.mapped("progress_done"))
        # A queued upload whose file was not read yet counts for one: the job is not done.
        remaining = max(remaining, len(unfinished.filtered(lambda u: not u.progress_total)))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _spm_run_batch(self):
        """Check, create, submit and credit the next batch of this upload's billings,
        from where the last committed batch ended (``progress_done``).

        The batch is checked again with ``allow_identical``: a billing that an earlier run
        created (a batch committed, then the worker killed before its progress) is
        counted as existing, never created nor credited twice.

        :return: the number of billings of the file this batch went through
        """
        self.ensure_one()
        upload = self.sudo()
        if upload.state not in ("queued", "running"):
            return 0
        # The billings are the distributor's user's, as if the request had created them.
        upload = upload.with_user(upload.user_id).sudo().with_context(lang=upload.user_id.lang)
        billings, errors = upload._spm_parse()
        if errors:
            upload._spm_fail(errors)
            return 0
        start, lines = upload.progress_done, 0
        end = start
        while end < len(billings) and lines < BATCH_LINES:
            lines += len(billings[end]["lines"])
            end += 1
        Billing = upload.env["spm.secondary.billing"]
        prepared, errors = Billing._check_billings(
            billings[start:end], upload.distributor_id, allow_identical=True
        )
        if errors:
            upload._spm_fail(errors)
            return 0
        for item in prepared:
            if item["vals"]:
                item["vals"]["upload_id"] = upload.id
        created, existing = Billing._create_checked(prepared, "upload", submit=upload.submit)
        upload.write(
            {
                "state": "done" if end >= len(billings) else "running",
                "progress_total": len(billings),
                "progress_done": end,
                "created_count": upload.created_count + len(created),
                "existing_count": upload.existing_count + len(existing),
            }
        )
        return end - start

    def _spm_fail(self, errors):
        """Stop this upload on ``errors`` found by the job (what earlier batches created stays)."""
        self._spm_set_errors(errors)
        self.sudo().write({"state": "failed"})
