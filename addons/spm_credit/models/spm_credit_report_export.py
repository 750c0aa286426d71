import logging
import tempfile

from markupsafe import Markup

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)

# A credit report of more lines than this is built by the background job and offered when ready;
# the system parameter sets it (0: always in the background).
BACKGROUND_LINES = 50_000
BACKGROUND_LINES_PARAM = "spm_credit.report_background_lines"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpmCreditReportExport(models.Model):
    """A large credit report built in the background (the cron
    ``ir_cron_spm_credit_report_export``) with the rights of the user who asked for
    it, then offered for download: an activity of that user links to the file.

    Written only by its workflow (private methods, ``sudo()``); its user reads it.
    """

    _name = "spm.credit.report.export"
    _description = "SPM Credit Report Export"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    user_id = fields.Many2one("res.users", required=True, index=True, readonly=True)
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    business_unit_ids = fields.Many2many("spm.business.unit", string="Business Units", readonly=True)
    salesperson_ids = fields.Many2many(
        "res.users", "spm_credit_report_export_salesperson_rel", string="Salespersons", readonly=True
    )
    company_ids = fields.Many2many("res.company", string="Companies", readonly=True)
    line_count = fields.Integer("Credit Lines", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Ready"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    error = fields.Char(readonly=True)

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for export in self:
            export.display_name = _(
                "Credit report %(date_from)s – %(date_to)s",
                date_from=export.date_from,
                date_to=export.date_to,
            )

    @api.model
    def _spm_background_lines(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_LINES_PARAM)
        try:
            return max(int(value), 0) if value else BACKGROUND_LINES
        except ValueError:
            return BACKGROUND_LINES

    @api.model
    def _spm_queue(self, wizard, line_count):
        """Queue the report ``wizard`` describes, for its user, and trigger the job."""
        wizard._check_requester()
        export = self.sudo().create(
            {
                "user_id": self.env.uid,
                "date_from": wizard.date_from,
                "date_to": wizard.date_to,
                "business_unit_ids": wizard.business_unit_ids.ids,
                "salesperson_ids": wizard.user_ids.ids,
                "company_ids": (wizard.company_ids or self.env.companies).ids,
                "line_count": line_count,
            }
        )
        self.env.ref("spm_credit.ir_cron_spm_credit_report_export").sudo()._trigger()
        return export.with_env(self.env)

    @api.model
    def _spm_run_job(self):
        """The cron's callback: build the oldest queued report, then tell Odoo's cron how
        many remain (it commits, and calls again at once while some do). A worker killed
        while building leaves the report queued: it is built again from the start."""
        export = self.sudo().search([("state", "=", "queued")], order="id", limit=1)
        if not export:
            return
        try:
            with self.env.cr.savepoint():
                export._spm_build()
        except Exception:
            _logger.exception("Credit report export %s failed", export.id)
            export.write({"state": "failed", "error": _("The report could not be built.")})
            export._spm_notify()
        remaining = self.sudo().search_count([("state", "=", "queued")])
        self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)

    def _spm_build(self):
        """Write the workbook with the rights and companies of the report's user, attach it
        and notify the user."""
        self.ensure_one()
        user = self.user_id
        companies = self.company_ids & user.company_ids
        Wizard = (
            self.env["spm.credit.report.wizard"]
            .with_user(user)
            .with_context(allowed_company_ids=(companies or user.company_id).ids, lang=user.lang)
        )
        wizard = Wizard.create(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "business_unit_ids": self.business_unit_ids.ids,
                "user_ids": self.salesperson_ids.ids,
                "company_ids": companies.ids,
            }
        )
        with tempfile.TemporaryFile(suffix=".xlsx") as output:
            wizard._write_xlsx(output)
            output.seek(0)
            content = output.read()
        attachment = self.env["ir.attachment"].create(
            {
                "name": wizard._report_filename(),
                "raw": content,
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write({"state": "done", "attachment_id": attachment.id})
        self._spm_notify()

    def _spm_notify(self):
        """An activity of the report's user: the link to the file, or why there is none."""
        self.ensure_one()
        if self.state == "done":
            note = Markup('<a href="%s">%s</a>') % (
                f"/web/content/{self.attachment_id.id}?download=true",
                self.attachment_id.name,
            )
            summary = _("Your credit report is ready")
        else:
            note, summary = self.error, _("Your credit report could not be built")
        self.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_id.id, summary=summary, note=note
        )
