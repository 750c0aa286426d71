import base64
import json
import logging
import time
from datetime import timedelta

from psycopg2.extensions import TransactionRollbackError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.spm_credit.tools import end_of_batch, job_slice_seconds, refresh_statistics

from ..tools import bound_errors, count_errors, group_rows
from ..tools.billing_export import read_export
from ..tools.limits import MAX_PREVIEW_DAYS, MAX_PREVIEW_NAMES
from ..tools.parse_cache import parsed_billings

_logger = logging.getLogger(__name__)

# Lines of the billings a batch of the job checks, creates, submits and credits in one
# transaction (a billing is never split: a batch ends after the billing that reaches it). A file
# of at most one batch is processed in the request that confirms it (by the same batch method);
# larger files go to the background job. The system parameter sets it, within the bounds.
BATCH_LINES = 1000
BATCH_LINES_PARAM = "spm_portal.upload_batch_lines"
MIN_BATCH_LINES, MAX_BATCH_LINES = 1, 10_000
# Bill numbers of the billings found already imported that the result page names.
MAX_EXISTING_NUMBERS = 20
# After a conflict with a concurrent transaction, the job tries the batch again this much later.
RETRY_DELAY = timedelta(seconds=10)
# The tables a batch fills that its checks and inserts read, whose statistics the job keeps
# between its batches.
FILLED_TABLES = ("spm_secondary_billing", "spm_secondary_billing_line")
# A dry run never confirmed is removed, with its file, this long after the upload.
DRAFT_KEEP = timedelta(days=7)


def _accepted_billings(billings, errors):
    """The billings of a file that no error of its reading touches: a bill with one
    row in error (a line contradicting its bill's date or retailer) is refused whole."""
    rows = {error.get("row") for error in errors}
    return [billing for billing in billings if not any(line["row"] in rows for line in billing["lines"])]


def _no_layout_message(env):
    return env._(
        "The columns of this file are not those of the template and no layout maps them: upload "
        "it again and choose which column gives which field."
    )


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
        readonly=True,
        help="The billings are submitted once created (otherwise they stay drafts).",
    )
    state = fields.Selection(
        [
            ("checking", "Checking"),
            ("draft", "Checked"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("done_refused", "Done, Bills Refused"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    progress_done = fields.Integer(readonly=True, help="Billings of the file processed so far.")
    progress_total = fields.Integer(readonly=True, help="Billings in the file.")
    line_count = fields.Integer("Lines", readonly=True, help="Billing lines in the file.")
    created_count = fields.Integer(readonly=True)
    existing_count = fields.Integer(
        readonly=True,
        help="Billings of the file reported earlier with the same content: not created again.",
    )
    existing_numbers = fields.Json(
        "Already Imported",
        readonly=True,
        help="The first bill numbers of the billings already imported.",
    )
    error_count = fields.Integer(readonly=True)
    partial = fields.Boolean(
        "Accepted Bills Only",
        readonly=True,
        help="The distributor chose to import the bills the dry run accepted, without the refused ones.",
    )
    refused_count = fields.Integer(
        "Refused Bills", readonly=True, help="Bills of the file refused (listed in the errors), not imported."
    )
    import_refused_count = fields.Integer(
        "Refused at Import",
        readonly=True,
        help="Bills the dry run accepted that the import, checking them again, refused (the same bill "
        "number reported meanwhile through the form or the API, a product mapping removed): listed in "
        "the errors, not imported.",
    )
    errors = fields.Json(readonly=True, help="The first errors (bounded as the portal lists them).")
    # The job's turns: the unfinished upload with the lowest turn runs the next batch.
    turn = fields.Integer(default=0, required=True, readonly=True, copy=False)
    billing_ids = fields.One2many("spm.secondary.billing", "upload_id", string="Billings", readonly=True)
    layout_id = fields.Many2one(
        "spm.distributor.layout",
        string="Column Layout",
        readonly=True,
        ondelete="set null",
        help="The layout the distributor's export was read through (empty: the template's columns).",
    )
    preview = fields.Json(
        "Dry Run", readonly=True, help="What the file holds, as the distributor saw it before confirming."
    )

    # ------------------------------------------------------------ the file

    def _spm_read_export(self, layouts=None):
        """The stored file read as :func:`..tools.billing_export.read_export` reads it: through
        this upload's layout once it has one (the job parses what the dry run showed),
        else the distributor's and the shipped ones (``layouts`` to choose others)."""
        self.ensure_one()
        if layouts is None:
            layouts = self._spm_layouts()
        return read_export(self.env, base64.b64decode(self.sudo().file or b""), layouts=layouts)

    def _spm_layouts(self):
        """The layouts the stored file is read through: this upload's once it has one, else the
        distributor's and the shipped ones."""
        self.ensure_one()
        upload = self.sudo()
        return upload.layout_id or self.env["spm.distributor.layout"]._spm_layouts_for(upload.distributor_id)

    def _spm_parse(self):
        """The billings of the stored file and the errors reading it: ``(billings, errors)``,
        as :func:`..tools.billing_file.group_rows` returns them."""
        self.ensure_one()
        export = self._spm_read_export()
        if export.errors:
            return [], export.errors
        if export.needs_mapping:
            return [], [{"row": None, "column": None, "message": _no_layout_message(self.env)}]
        return group_rows(self.env, export.rows)

    def _spm_parse_version(self):
        """What the billings read from the stored file depend on: the file's checksum, the
        columns of the layouts it is read through, and whether the import is partial. The
        job's cache serves a file's billings only under the version they were read with."""
        self.ensure_one()
        upload = self.sudo()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_field", "=", "file"), ("res_id", "=", upload.id)],
                limit=1,
            )
        )
        layouts = tuple(
            (layout.id, layout.signature, json.dumps(layout.mapping, sort_keys=True))
            for layout in self._spm_layouts()
        )
        return attachment.checksum, layouts, bool(upload.partial)

    def _spm_job_billings(self):
        """The billings the job imports and the errors reading the file, as :meth:`_spm_parse`
        returns them (a partial import's without the bills the reading refused, which its dry
        run counted and listed). A file of more than one batch is read once, not once per call
        of the job: its billings are kept in this process (:mod:`..tools.parse_cache`)."""
        self.ensure_one()
        dbname, version = self.env.cr.dbname, self._spm_parse_version()
        billings = parsed_billings.get(dbname, self.id, version)
        if billings is not None:
            return billings, []
        billings, errors = self._spm_parse()
        if self.partial and billings:
            billings, errors = _accepted_billings(billings, errors), []
        if not errors:
            billings = self._spm_keep_parsed(billings, version)
        return billings, errors

    def _spm_keep_parsed(self, billings, version=None):
        """Keep the billings read from the stored file (without error) for the job's next calls,
        under ``version`` (else the current one), when the file is more than one batch:
        returns them as kept (a tuple)."""
        self.ensure_one()
        billings = tuple(billings)
        if sum(len(billing["lines"]) for billing in billings) > self._spm_batch_lines():
            parsed_billings.put(self.env.cr.dbname, self.id, version or self._spm_parse_version(), billings)
        return billings

    # ------------------------------------------------------------ the dry run

    @api.model
    def _spm_receive(self, distributor, filename, data, submit):
        """Record an uploaded file as a ``draft`` upload and make its dry run, creating
        no billing: ``(upload, errors)``. A file that cannot be imported as it is
        (unreadable, every bill refused) is not kept: ``upload`` is empty and ``errors``
        says why; a file of which some bills are accepted and others refused is kept
        (its dry run lists both, see :meth:`_spm_confirm`), as is a file whose columns
        no layout maps, for the mapping page (its preview says ``needs_mapping``)."""
        upload = self._spm_create_checked(distributor, filename, data, [], submit)
        # In the request, only what is fast and bounded: the file read (size, rows, header or
        # layout, values parsed). A file of more than one batch is checked in full by the job.
        export = upload._spm_read_export()
        if not export.errors and not export.needs_mapping and len(export.rows) > self._spm_batch_lines():
            upload.sudo().write({"state": "checking", "line_count": len(export.rows)})
            self.env.ref("spm_portal.ir_cron_spm_secondary_upload").sudo()._trigger()
            return upload, []
        errors = upload._spm_dry_run(export)
        if errors and not upload.sudo().preview.get("bills"):
            upload.sudo().unlink()
            return self.browse(), errors
        return upload, []

    def _spm_dry_run(self, export=None):
        """Read and check the stored file as the job will, creating nothing, and keep what
        it found in ``preview`` for the distributor to confirm: bills and lines, totals
        per day, the layout and its columns, new retailers, products proposed for
        unknown codes, the bills accepted and the rows refused; returns the errors
        (bounded), kept in ``preview`` and ``errors`` (for their CSV) as well.
        ``export``: the file as the request read it (else it is read again).

        A bill is refused whole when one of its rows is (never half a bill); the
        others are accepted, and the distributor may import them alone."""
        self.ensure_one()
        upload = self.sudo()
        export = export or self._spm_read_export()
        if export.needs_mapping:
            upload.write({"layout_id": False, "preview": {"needs_mapping": True}})
            return []
        billings, errors = ([], export.errors) if export.errors else group_rows(self.env, export.rows)
        readable = not errors
        prepared, refused, refused_reading = [], 0, 0
        if not export.errors:
            accepted = _accepted_billings(billings, errors)
            refused = refused_reading = len(billings) - len(accepted)
            Billing = self.env["spm.secondary.billing"].sudo()
            prepared, check_errors = Billing._check_billings(
                accepted, upload.distributor_id, allow_identical=True
            )
            errors = errors + check_errors
            refused += sum(1 for entry in prepared if not entry["vals"] and not entry["existing"])
        errors = bound_errors(self.env, errors) if errors else []
        self._spm_set_errors(errors)
        upload.write(
            {
                "layout_id": export.layout.id if export.layout else upload.layout_id.id,
                "progress_total": len(billings),
                "line_count": sum(len(billing["lines"]) for billing in billings),
                "refused_count": refused,
                "preview": {
                    **self._spm_preview_of(export, prepared),
                    "products_proposed": self._spm_products_proposed(billings, errors),
                    "errors": [
                        [e.get("row"), e.get("column"), e.get("bill_number"), str(e.get("message") or "")]
                        for e in errors
                    ],
                    "error_count": count_errors(errors),
                    "refused": refused,
                    # Refused by the reading: never checked by the job, counted here once.
                    "refused_reading": refused_reading,
                },
            }
        )
        if readable:
            # The job imports the file through the layout just stored: what it will read.
            self._spm_keep_parsed(billings)
        return errors

    def _spm_preview_of(self, export, prepared):
        """The figures of the dry run: what would be created, per day, and how the file was read."""
        labels = dict(self.env["spm.distributor.layout"]._spm_field_selection())
        Currency = self.env["res.currency"]
        days, new, existing, lines, retailers = {}, 0, 0, 0, []
        for entry in prepared:
            if entry["existing"]:
                existing += 1
                continue
            vals = entry["vals"]
            if not vals:  # refused: its errors are listed
                continue
            new += 1
            lines += len(vals["lines"])
            currency = Currency.browse(vals["currency_id"])
            key = (vals["bill_date"].isoformat(), currency.id)
            amount = sum(currency.round(line["quantity"] * line["price_unit"]) for line in vals["lines"])
            days[key] = currency.round(days.get(key, 0.0) + amount)
            if vals["retailer_name"] and vals["retailer_name"] not in retailers:
                retailers.append(vals["retailer_name"])
        return {
            "bills": new,
            "existing": existing,
            "lines": lines,
            "days": [
                [day, amount, Currency.browse(currency_id).name]
                for (day, currency_id), amount in sorted(days.items())[:MAX_PREVIEW_DAYS]
            ],
            "day_count": len(days),
            "layout": export.layout.name if export.layout else None,
            "columns": [
                [export.titles[export.keys.index(key)], labels.get(field, field)]
                for key, field in (export.mapping or {}).items()
            ],
            "retailers_new": retailers[:MAX_PREVIEW_NAMES],
            "retailer_new_count": len(retailers),
        }

    def _spm_products_proposed(self, billings, errors):
        """Our products proposed for the codes of the refused lines (the distributor's
        product maps): ``[[code, [product names]]]``, bounded."""
        rows = {e.get("row") for e in errors if e.get("column") == "product"}
        codes = [line.get("product") for b in billings for line in b["lines"] if line["row"] in rows]
        if not codes or "spm.distributor.product.map" not in self.env:
            return []
        proposals = self.env["spm.distributor.product.map"]._spm_propose(self.distributor_id, codes)
        return [
            [str(code), [s["product"].display_name for s in suggestions]]
            for code, suggestions in list(proposals.items())[:MAX_PREVIEW_NAMES]
        ]

    def _spm_save_layout(self, mapping, name=None):
        """Save the distributor's mapping of this draft upload's columns as his layout
        (his next files with these columns import without asking) and make the dry
        run through it: returns its errors. Raises a ValidationError for a mapping
        that cannot be used."""
        self.ensure_one()
        self._spm_check_owner()
        if self.state != "draft":
            raise UserError(_("Only a checked upload can be read again."))
        export = self._spm_read_export(layouts=())
        if export.errors:
            raise UserError(export.errors[0]["message"])
        layout = self.env["spm.distributor.layout"]._spm_save_for(
            self.distributor_id, export.keys, mapping, name
        )
        self.sudo().layout_id = layout
        return self._spm_dry_run()

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

    def _spm_add_errors(self, errors):
        """Add to the stored errors those of ``errors`` not listed yet (a partial import's
        batch refuses again the bills its dry run refused), bounded."""
        self.ensure_one()
        listed = self.sudo().errors or []
        keys = {(e.get("row"), e.get("column"), e.get("bill_number"), e.get("message")) for e in listed}
        new = [
            e
            for e in errors
            if (e.get("row"), e.get("column"), e.get("bill_number"), str(e.get("message"))) not in keys
        ]
        if new:
            self._spm_set_errors(listed + new)

    def _spm_errors_rows(self):
        """The stored errors as rows ``[row, column, bill number, message]`` of the errors' CSV."""
        self.ensure_one()
        return [
            [e.get("row"), e.get("column"), e.get("bill_number"), e.get("message")]
            for e in self.sudo().errors or []
        ]

    @api.autovacuum
    def _gc_draft_uploads(self):
        """Remove the uploads left unconfirmed (dry runs never confirmed) DRAFT_KEEP after they
        were received, with their files: a draft holds a file and creates nothing."""
        drafts = self.sudo().search(
            [("state", "=", "draft"), ("create_date", "<", fields.Datetime.now() - DRAFT_KEEP)]
        )
        _logger.info("Removing %s upload(s) never confirmed", len(drafts))
        drafts.unlink()

    # ------------------------------------------------------------ workflow

    @api.model
    def _spm_create_checked(self, distributor, filename, data, billings, submit):
        """Record a file whose ``billings`` the request read and checked, in the
        ``draft`` (checked) state, for :meth:`_spm_confirm`."""
        upload = self.sudo().create(
            {
                "distributor_id": distributor.id,
                "company_id": self.env.company.id,
                "user_id": self.env.uid,
                "filename": filename,
                "file": base64.b64encode(data),
                "file_size": len(data),
                "submit": bool(submit),
                "progress_total": len(billings),
                "line_count": sum(len(billing["lines"]) for billing in billings),
            }
        )
        return upload.with_env(self.env)

    def _spm_check_owner(self):
        distributor = self.env["res.partner"]._spm_distributor_of_user(self.env.user)
        if not self.env.su and any(upload.distributor_id != distributor for upload in self):
            raise AccessError(_("This upload is not yours."))

    def _spm_confirm(self, partial=False):
        """Confirm checked uploads: a small file is processed at once (the batch method of
        the job, in this transaction), a larger one is queued for the background job.

        A dry run that refused some bills is confirmed only with ``partial`` (the
        distributor's explicit choice): the accepted bills are imported, the refused
        ones stay listed in the upload's errors, to correct and upload again."""
        self._spm_check_owner()
        if any(upload.state != "draft" for upload in self):
            raise UserError(_("Only a checked upload can be confirmed."))
        for upload in self.sudo():
            preview = upload.preview or {}
            if preview.get("needs_mapping"):
                raise UserError(_no_layout_message(self.env))
            if preview.get("error_count") and not (partial and preview.get("bills")):
                raise UserError(
                    _("Rows of this file are refused: correct them, or import the accepted bills only.")
                )
        for upload in self.sudo():
            # The job counts the bills its checks refuse; those the reading refused, never checked by it, now.
            upload.write(
                {
                    "state": "queued",
                    "partial": bool(partial),
                    "refused_count": (upload.preview or {}).get("refused_reading", 0) if partial else 0,
                }
            )
        batch_lines = self._spm_batch_lines()
        large = self.filtered(lambda upload: upload.line_count > batch_lines)
        for upload in self - large:
            upload._spm_run_batch()
        if large:
            self.env.ref("spm_portal.ir_cron_spm_secondary_upload").sudo()._trigger()

    def _spm_progress(self):
        """What the progress page polls: the state, the counts and whether it is over."""
        self.ensure_one()
        upload = self.sudo()
        return {
            "state": upload.state,
            "done": upload.progress_done,
            "total": upload.progress_total,
            "percent": round(100 * upload.progress_done / upload.progress_total)
            if upload.progress_total
            else 0,
            "created": upload.created_count,
            "existing": upload.existing_count,
            "errors": upload.error_count,
            "refused": upload.refused_count,
            "refused_at_import": upload.import_refused_count,
            # A file checked in the background is over once its dry run is ready to review.
            "finished": upload.state not in ("checking", "queued", "running"),
        }

    # ------------------------------------------------------------ the job

    @api.model
    def _spm_batch_lines(self):
        """The lines of a batch: the system parameter ``spm_portal.upload_batch_lines``
        (an administrator's), else BATCH_LINES, within MIN_BATCH_LINES and MAX_BATCH_LINES."""
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_LINES_PARAM)
        try:
            lines = int(value) if value else BATCH_LINES
        except ValueError:
            lines = BATCH_LINES
        return min(max(lines, MIN_BATCH_LINES), MAX_BATCH_LINES)

    @api.model
    def _spm_next_upload(self):
        """The upload the job advances next: of each distributor only the oldest unfinished
        upload runs (one job at a time per distributor), and among those the one whose
        last batch is the oldest (a new upload's first), so that distributors take turns."""
        eligible = [
            upload_id
            for _distributor, upload_id in self._read_group(
                [("state", "in", ("checking", "queued", "running"))], ["distributor_id"], ["id:min"]
            )
        ]
        return self.search([("id", "in", eligible)], order="turn, id", limit=1)

    @api.model
    def _spm_run_job(self):
        """The cron's callback: batches of the uploads in turn, each committed with its
        progress, for a share of the cron's time limit (``job_slice_seconds``: the other
        jobs get their turn, and Odoo's calls of one cron run end before the limit); the
        progress tells Odoo's cron to call again at once while billings remain. A worker
        killed in a batch loses that batch only: the next call starts it again from the
        progress last committed."""
        deadline = time.monotonic() + job_slice_seconds()
        while True:
            upload = self.sudo()._spm_next_upload()
            if not upload:
                return
            done = self._spm_run_turn(upload.with_context(lang=upload.user_id.lang))
            if done is None:
                return
            unfinished = self.sudo().search([("state", "in", ("checking", "queued", "running"))])
            if upload in unfinished:
                upload.turn = max(unfinished.mapped("turn")) + 1
            remaining = sum(unfinished.mapped("progress_total")) - sum(unfinished.mapped("progress_done"))
            # The next batch planned by the tables as this one left them, not as they were before
            # the job (see refresh_statistics); the analysis committed with the batch, at once.
            refresh_statistics(self.env.cr, FILLED_TABLES)
            # The batch and its progress, committed together.
            if not end_of_batch(self.env, done, remaining, deadline):
                return

    def _spm_run_turn(self, upload):
        """One batch of ``upload``; a batch in conflict with another transaction is tried
        again later, an unexpected error stops the upload (never retried forever, which
        would hold the distributor's next uploads). Returns the billings done, None for
        a batch to try again later."""
        try:
            with self.env.cr.savepoint():
                return upload._spm_run_batch()
        except TransactionRollbackError:
            _logger.info("Upload %s: a batch in conflict with another transaction, tried again", upload.id)
            self.env.ref("spm_portal.ir_cron_spm_secondary_upload")._trigger(
                fields.Datetime.now() + RETRY_DELAY
            )
            return None
        except Exception:
            _logger.exception("Upload %s failed", upload.id)
            upload._spm_fail(
                [
                    {
                        "row": None,
                        "column": None,
                        "bill_number": None,
                        "message": upload.env._(
                            "The import stopped on an unexpected error after %(done)s of %(total)s billings. "
                            "Upload the file again: the billings already imported are recognised and kept.",
                            done=upload.progress_done,
                            total=upload.progress_total,
                        ),
                    }
                ]
            )
        return 0

    def _spm_run_batch(self):
        """Check, create, submit and credit the next batch of this upload's billings,
        from where the last committed batch ended (``progress_done``).

        The batch is checked again with ``allow_identical``: a billing that an earlier run
        created (a batch committed, then the worker killed before its progress) is
        counted as existing, never created nor credited twice.

        An upload still ``checking`` (a file the request only read) gets its dry run
        instead: the full check, nothing created, then ``draft`` for its review.

        :return: the number of billings of the file this batch went through
        """
        self.ensure_one()
        upload = self.sudo()
        if upload.state not in ("checking", "queued", "running"):
            return 0
        # The billings are the distributor's user's, as if the request had created them.
        upload = upload.with_user(upload.user_id).sudo().with_context(lang=upload.user_id.lang)
        if upload.state == "checking":
            # The dry run of a file the request only read: checked in full, nothing created,
            # then the review page shows it for the distributor to confirm.
            upload._spm_dry_run()
            upload.state = "draft"
            return upload.progress_total
        billings, errors = upload._spm_job_billings()
        if errors:
            upload._spm_fail(errors)
            return 0
        start, lines = upload.progress_done, 0
        end = start
        batch_lines = self._spm_batch_lines()
        while end < len(billings) and lines < batch_lines:
            lines += len(billings[end]["lines"])
            end += 1
        Billing = upload.env["spm.secondary.billing"]
        prepared, errors = Billing._check_billings(
            billings[start:end], upload.distributor_id, allow_identical=True
        )
        refused = 0
        if errors and not upload.partial:
            upload._spm_fail(errors)
            return 0
        if errors:
            refused = sum(1 for entry in prepared if not entry["vals"] and not entry["existing"])
            upload._spm_add_errors(errors)
        created, existing = Billing._create_checked(prepared, "upload", submit=upload.submit, upload=upload)
        refused += upload.refused_count
        if end >= len(billings):
            parsed_billings.discard(self.env.cr.dbname, upload.id)
        upload.write(
            {
                **(upload._spm_end_of_import(refused) if end >= len(billings) else {"state": "running"}),
                "progress_total": len(billings),
                "progress_done": end,
                "created_count": upload.created_count + len(created),
                "existing_count": upload.existing_count + len(existing),
                "refused_count": refused,
                "existing_numbers": ((upload.existing_numbers or []) + existing.mapped("bill_number"))[
                    :MAX_EXISTING_NUMBERS
                ],
            }
        )
        return end - start

    def _spm_end_of_import(self, refused):
        """How the import of this upload ended, once its last batch is through (``refused``:
        the bills of the file refused in all): ``done`` when it refused only the bills its dry
        run refused (those the distributor chose to leave out), else ``done_refused`` with
        the number of bills the dry run accepted and the import, checking them again, refused."""
        self.ensure_one()
        foreseen = (self.preview or {}).get("refused", 0) if self.partial else 0
        unforeseen = max(refused - foreseen, 0)
        return {"state": "done_refused" if unforeseen else "done", "import_refused_count": unforeseen}

    def _spm_fail(self, errors):
        """Stop this upload on ``errors`` found by the job (what earlier batches created stays)."""
        self._spm_set_errors(errors)
        for upload in self:
            parsed_billings.discard(self.env.cr.dbname, upload.id)
        self.sudo().write({"state": "failed"})
