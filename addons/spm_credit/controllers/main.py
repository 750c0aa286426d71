import tempfile

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_file

from odoo import http
from odoo.http import Response, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpmCreditReportController(http.Controller):
    @http.route("/spm_credit/report/<int:wizard_id>", type="http", auth="user", methods=["GET"])
    def spm_credit_report(self, wizard_id):
        """Stream the XLSX credit report prepared by the wizard ``wizard_id``.

        The workbook is written to an anonymous temporary file (deleted when
        the response is closed) rather than built in memory, and the credit
        lines in it are those the current user's record rules let them read.
        """
        wizard = request.env["spm.credit.report.wizard"].browse(wizard_id).exists()
        if not wizard:
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
