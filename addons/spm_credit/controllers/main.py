import tempfile

import psycopg2
from werkzeug.exceptions import NotFound
from werkzeug.utils import send_file

from odoo import http
from odoo.http import Response, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpmCreditReportController(http.Controller):
    @http.route(
        "/spm_credit/report/<int:wizard_id>", type="http", auth="user", methods=["GET"], readonly=True
    )
    def spm_credit_report(self, wizard_id):
        """Stream the XLSX credit report prepared by the wizard ``wizard_id``.

        The workbook is written to an anonymous temporary file (deleted when
        the response is closed) rather than built in memory, and the credit
        lines in it are those the current user's record rules let them read.
        It only reads: Odoo serves it from the read replica when there is one.
        """
        wizard = request.env["spm.credit.report.wizard"].browse(wizard_id).exists()
        if not wizard:
            if request.env.cr.readonly:
                # Saved on the primary an instant ago, not replayed by the replica yet:
                # on this error Odoo runs the request again on the primary.
                raise psycopg2.errors.ReadOnlySqlTransaction("the report's wizard is not on the replica yet")
            raise NotFound()
        output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed with the response
        try:
            wizard._write_xlsx(output)
            output.seek(0)
        except Exception:
            output.close()
            raise
        return send_file(
            output,
            request.httprequest.environ,
            mimetype=XLSX_MIMETYPE,
            as_attachment=True,
            download_name=wizard._report_filename(),
            conditional=False,
            etag=False,
            max_age=0,
            response_class=Response,
        )
