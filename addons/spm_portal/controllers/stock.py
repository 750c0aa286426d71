from itertools import islice

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from ..tools import bound_errors, count_errors
from ..tools.limits import MAX_FILE_SIZE, MAX_STATEMENT_AGE_DAYS, MAX_STATEMENT_LINES
from ..tools.stock_file import read_stock_rows
from .portal import MAX_ID, SpmDistributorPortal

# Blank rows offered on the stock form (more are added by the page's script).
BLANK_STOCK_LINES = 5


class SpmDistributorStockPortal(SpmDistributorPortal):
    """The distributor's stock statements on the portal: list, form, upload."""

    def _spm_statement(self, statement_id):
        """The user's own statement ``statement_id`` in sudo; 404 for any other."""
        distributor = self._spm_require_distributor()
        if not 0 < statement_id <= MAX_ID:
            raise NotFound()
        statement = request.env["spm.distributor.stock.statement"].browse(statement_id)
        try:
            statement.check_access("read")
            if not statement.exists():
                raise MissingError(_("This stock statement does not exist."))
        except (AccessError, MissingError):
            raise NotFound() from None
        if statement.sudo().distributor_id != distributor:
            raise NotFound()
        return statement.sudo()

    def _spm_stock_values(self, distributor, **values):
        today = fields.Date.context_today(request.env.user)
        statements = (
            request.env["spm.distributor.stock.statement"]
            .sudo()
            .search(
                [
                    ("distributor_id", "=", distributor.id),
                    ("company_id", "=", request.env.company.id),
                    ("state", "=", "confirmed"),
                ],
                limit=50,
            )
        )
        form = values.pop("form", None) or {"date": today.isoformat(), "lines": []}
        return self._spm_common_values(
            distributor,
            page_name="secondary_sales_stock",
            statements=statements,
            form=form,
            form_lines=list(form["lines"]) + [{"product": "", "quantity": ""}] * BLANK_STOCK_LINES,
            today=today.isoformat(),
            oldest=fields.Date.subtract(today, days=MAX_STATEMENT_AGE_DAYS).isoformat(),
            max_lines=MAX_STATEMENT_LINES,
            max_size_mb=MAX_FILE_SIZE // (1024 * 1024),
            **{"errors": [], **values},
        )

    def _spm_render_stock(self, distributor, status=200, errors=None, **values):
        if errors:
            # The page says how many problems there are and lists the first MAX_ERRORS.
            errors = bound_errors(request.env, errors)
            values["error_count"] = count_errors(errors)
            values["errors"] = [e for e in errors if e.get("code") != "more"]
        response = request.render("spm_portal.portal_my_stock", self._spm_stock_values(distributor, **values))
        response.status_code = status
        return response

    @http.route(["/my/secondary-sales/stock"], type="http", auth="user", website=True, methods=["GET"])
    def portal_my_stock(self, **kw):
        distributor = self._spm_require_distributor()
        return self._spm_render_stock(distributor)

    @http.route(
        ["/my/secondary-sales/stock/<int:statement_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_stock_statement(self, statement_id, **kw):
        statement = self._spm_statement(statement_id)
        values = self._spm_common_values(
            self._spm_distributor(), page_name="secondary_sales_stock", statement=statement
        )
        return request.render("spm_portal.portal_my_stock_statement", values)

    def _spm_save_statement(self, distributor, day, lines, source, form):
        Statement = request.env["spm.distributor.stock.statement"]
        line_vals, errors = Statement.sudo()._spm_check_statement(distributor, day, lines)
        if errors:
            return self._spm_render_stock(distributor, status=400, form=form, errors=errors)
        statement = Statement._spm_create_confirmed(distributor, day, line_vals, source)
        return request.redirect(f"/my/secondary-sales/stock/{statement.id}")

    @http.route(["/my/secondary-sales/stock/save"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_stock_save(self, date=None, **kw):
        distributor = self._spm_require_distributor()
        form = request.httprequest.form
        lines = []
        # One more line than a statement may have, so that the check says there are too many.
        pairs = islice(
            zip(form.getlist("line_product"), form.getlist("line_quantity"), strict=False),
            MAX_STATEMENT_LINES + 1,
        )
        for index, (product, quantity) in enumerate(pairs, start=1):
            if product.strip() or quantity.strip():
                lines.append(
                    {
                        "row": None,
                        "label": _("Line %(number)s", number=index),
                        "product": product,
                        "quantity": quantity,
                    }
                )
        typed = {
            "date": date or "",
            "lines": [{"product": line["product"], "quantity": line["quantity"]} for line in lines],
        }
        return self._spm_save_statement(distributor, date or "", lines, "portal", typed)

    @http.route(
        ["/my/secondary-sales/stock/upload"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_stock_upload(self, date=None, **kw):
        distributor = self._spm_require_distributor()
        upload = request.httprequest.files.get("file")
        data = upload.stream.read(MAX_FILE_SIZE + 1) if upload else b""
        typed = {"date": date or "", "lines": []}
        if not data:
            errors = [{"row": None, "column": None, "message": _("Choose a file to upload.")}]
            return self._spm_render_stock(distributor, status=400, form=typed, errors=errors)
        rows, errors = read_stock_rows(request.env, data)
        if errors:
            return self._spm_render_stock(distributor, status=400, form=typed, errors=errors)
        return self._spm_save_statement(distributor, date or "", rows, "upload", typed)
