import io
import re
from collections import OrderedDict
from itertools import islice

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import file_open, float_round
from odoo.tools.misc import format_amount, get_lang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import COLUMNS, MAX_FILE_SIZE, MAX_ROWS, bound_errors, count_errors
from ..tools.billing_checker import MAX_LINES as MAX_LINES_PER_BILLING
from ..tools.billing_checker import number_digits, read_number
from ..tools.billing_columns import COLUMN_LABELS, normalize_header
from ..tools.errors_csv import errors_csv
from ..tools.limits import MAX_CELL_LENGTH, MAX_PRODUCT_RESULTS, MAX_SEARCH_LENGTH, MAX_TEMPLATE_PRODUCTS
from ..tools.master_keys import retailer_key

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_CSV = "spm_portal/data/spm_secondary_billing_template.csv"
# Blank rows offered on the billing form for new lines (more are added by the page's script).
BLANK_FORM_LINES = 2
# What a search term cannot hold: control characters (NUL above all) and halves of surrogate pairs.
UNSEARCHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The largest id PostgreSQL stores: a larger number is no record's id.
MAX_ID = 2**31 - 1
# The session key of the last refused upload's errors, for their CSV download.
UPLOAD_ERRORS_KEY = "spm_upload_errors"
# The distributor's last uploads listed under the upload form.
RECENT_UPLOADS = 5


def _search_term(value):
    """A search term as typed, made safe for the database and bounded."""
    return UNSEARCHABLE.sub("", str(value or "")).strip()[:MAX_SEARCH_LENGTH]


def _result_limit(value, default=20):
    """The number of results asked for (``default`` when it is not a number), at most MAX_PRODUCT_RESULTS."""
    try:
        limit = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(limit, 1), MAX_PRODUCT_RESULTS)


class SpmDistributorPortal(CustomerPortal):
    """The distributor's secondary sales on the portal: list, form, upload."""

    # ------------------------------------------------------------ helpers

    def _spm_distributor(self):
        """The distributor the portal user reports for, or an empty record."""
        return request.env["res.partner"]._spm_distributor_of_user(request.env.user)

    def _spm_require_distributor(self):
        distributor = self._spm_distributor()
        if not distributor:
            raise NotFound()
        return distributor

    def _spm_billing(self, billing_id):
        """The user's own billing ``billing_id``, in sudo for display; 404 for any
        other billing, whether it exists or not."""
        distributor = self._spm_require_distributor()
        if not 0 < billing_id <= MAX_ID:
            raise NotFound()
        billing = request.env["spm.secondary.billing"].browse(billing_id)
        try:
            billing.check_access("read")
            if not billing.exists():
                raise MissingError(_("This billing does not exist."))
        except (AccessError, MissingError):
            raise NotFound() from None
        if billing.sudo().distributor_id != distributor:
            raise NotFound()
        return billing

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "secondary_billing_count" in counters:
            distributor = self._spm_distributor()
            Billing = request.env["spm.secondary.billing"]
            values["secondary_billing_count"] = (
                Billing.search_count([("distributor_id", "=", distributor.id)])
                if distributor and Billing.has_access("read")
                else 0
            )
        return values

    def _spm_searchbar_sortings(self):
        return {
            "date": {"label": _("Bill Date"), "order": "bill_date desc, id desc"},
            "number": {"label": _("Bill Number"), "order": "bill_number, id"},
            "retailer": {"label": _("Retailer"), "order": "retailer_id, bill_date desc"},
            "total": {"label": _("Total"), "order": "amount_total desc, id desc"},
            "state": {"label": _("Status"), "order": "state, bill_date desc"},
        }

    def _spm_searchbar_filters(self):
        return OrderedDict(
            [
                ("all", {"label": _("All"), "domain": []}),
                ("draft", {"label": _("Draft"), "domain": [("state", "=", "draft")]}),
                ("submitted", {"label": _("Submitted"), "domain": [("state", "=", "submitted")]}),
                ("held", {"label": _("Held"), "domain": [("state", "=", "held")]}),
                ("validated", {"label": _("Validated"), "domain": [("state", "=", "validated")]}),
                ("rejected", {"label": _("Rejected"), "domain": [("state", "=", "rejected")]}),
                ("cancel", {"label": _("Cancelled"), "domain": [("state", "=", "cancel")]}),
            ]
        )

    def _spm_searchbar_inputs(self):
        return {
            "all": {"input": "all", "label": _("Search in All")},
            "bill_number": {"input": "bill_number", "label": _("Search in Bill Number")},
            "retailer": {"input": "retailer", "label": _("Search in Retailer")},
            "product": {"input": "product", "label": _("Search in Products")},
        }

    def _spm_search_domain(self, distributor, search_in, search):
        if not search:
            return []
        # The distributor's own retailers, by name or by its own code for them.
        retailers = (
            request.env["spm.distributor.retailer"]
            .sudo()
            .search(
                [
                    ("distributor_id", "=", distributor.id),
                    "|",
                    ("retailer_id.name", "ilike", search),
                    ("code", "ilike", search),
                ]
            )
            .retailer_id.ids
        )
        products = (
            request.env["product.product"]
            .sudo()
            .search(
                [
                    "|",
                    ("default_code", "ilike", search),
                    ("name", "ilike", search),
                ],
                limit=1000,
            )
            .ids
            if search_in in ("product", "all")
            else []
        )
        parts = {
            "bill_number": [("bill_number", "ilike", search)],
            "retailer": [("retailer_id", "in", retailers)],
            "product": [("line_ids.product_id", "in", products)],
        }
        if search_in in parts:
            return parts[search_in]
        return ["|", "|", *parts["bill_number"], *parts["retailer"], *parts["product"]]

    def _spm_common_values(self, distributor, **values):
        return {
            **self._prepare_portal_layout_values(),
            "page_name": "secondary_sales",
            "distributor": distributor,
            "format_amount": lambda amount, currency: format_amount(request.env, amount, currency),
            **values,
        }

    # ------------------------------------------------------------ list

    @http.route(
        ["/my/secondary-sales", "/my/secondary-sales/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_secondary_sales(
        self, page=1, sortby=None, filterby=None, search=None, search_in="all", **kw
    ):
        distributor = self._spm_require_distributor()
        Billing = request.env["spm.secondary.billing"]
        sortings = self._spm_searchbar_sortings()
        filters = self._spm_searchbar_filters()
        inputs = self._spm_searchbar_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        search = _search_term(search)
        domain = [
            ("distributor_id", "=", distributor.id),
            *filters[filterby]["domain"],
            *self._spm_search_domain(distributor, search_in, search),
        ]
        pager = portal_pager(
            url="/my/secondary-sales",
            url_args={"sortby": sortby, "filterby": filterby, "search_in": search_in, "search": search},
            total=Billing.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        billings = Billing.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_secondary_billings_history"] = billings.ids[:100]
        values = self._spm_common_values(
            distributor,
            billings=billings.sudo(),
            pager=pager,
            default_url="/my/secondary-sales",
            searchbar_sortings=sortings,
            sortby=sortby,
            searchbar_filters=filters,
            filterby=filterby,
            searchbar_inputs=inputs,
            search_in=search_in,
            search=search,
            totals=Billing._portal_totals(distributor),
            company_currency=request.env.company.currency_id,
            message=kw.get("message"),
        )
        return request.render("spm_portal.portal_my_secondary_billings", values)

    # ------------------------------------------------------------ one billing

    @http.route(
        ["/my/secondary-sales/<int:billing_id>"], type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_secondary_billing(self, billing_id, message=None, **kw):
        billing = self._spm_billing(billing_id)
        distributor = self._spm_distributor()
        values = self._spm_common_values(
            distributor, billing=billing.sudo(), message=message, error=kw.get("error")
        )
        values = self._get_page_view_values(
            billing.sudo(),
            None,
            values,
            "my_secondary_billings_history",
            False,
        )
        values.update(self._spm_chatter_values(billing))
        return request.render("spm_portal.portal_secondary_billing_page", values)

    def _spm_chatter_values(self, billing):
        """The portal chatter's signature of the distributor's own billing: the
        distributor only reads billings (no write access, which posting asks
        for), so the chatter posts with a hash signed for its partner and this
        billing, as Odoo signs a portal document's link for its customer."""
        partner = request.env.user.partner_id
        return {"pid": partner.id, "hash": billing.sudo()._sign_token(partner.id)}

    @http.route(["/my/secondary-sales/new"], type="http", auth="user", website=True, methods=["GET"])
    def portal_secondary_billing_new(self, **kw):
        distributor = self._spm_require_distributor()
        return self._spm_render_form(distributor, request.env["spm.secondary.billing"])

    @http.route(
        ["/my/secondary-sales/<int:billing_id>/edit"], type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_secondary_billing_edit(self, billing_id, **kw):
        billing = self._spm_billing(billing_id)
        if billing.sudo().state != "draft":
            return request.redirect(f"/my/secondary-sales/{billing.id}")
        return self._spm_render_form(self._spm_distributor(), billing.sudo())

    def _spm_form_values_of(self, billing):
        """The form's values of a saved billing."""
        if not billing:
            return {
                "bill_number": "",
                "bill_date": fields.Date.context_today(billing).isoformat(),
                "retailer": "",
                "type": "sale",
                "currency": request.env.company.currency_id.name,
                "lines": [],
            }
        return {
            "bill_number": billing.bill_number,
            "bill_date": billing.bill_date.isoformat(),
            "retailer": billing.retailer_id.name,
            "type": billing.billing_type,
            "currency": billing.currency_id.name,
            "lines": [
                {
                    "product": line.product_id.default_code or line.product_id.name,
                    "quantity": f"{line.quantity:g}",
                    "price_unit": f"{line.price_unit:g}",
                }
                for line in billing.line_ids
            ],
        }

    def _spm_render_form(self, distributor, billing, form=None, errors=None, status=200, new_retailer=None):
        form = form or self._spm_form_values_of(billing)
        lines = list(form["lines"]) + [{"product": "", "quantity": "", "price_unit": ""}] * BLANK_FORM_LINES
        products = (
            request.env["product.product"]
            .sudo()
            .search(
                distributor._spm_reportable_products_domain(),
                limit=200,
                order="default_code, name",
            )
        )
        currencies = request.env["res.currency"].sudo().search([])
        values = self._spm_common_values(
            distributor,
            billing=billing,
            form=form,
            form_lines=lines,
            errors=errors or [],
            products=products,
            retailers=distributor._spm_retailers()[:500],
            new_retailer=new_retailer,
            currencies=currencies,
            today=fields.Date.context_today(billing).isoformat(),
        )
        response = request.render("spm_portal.portal_secondary_billing_form", values)
        response.status_code = status
        return response

    def _spm_form_input(self):
        form = request.httprequest.form
        lines = []
        # One more line than a billing may have, so that the validator says there are too many.
        triples = islice(
            zip(
                form.getlist("line_product"),
                form.getlist("line_quantity"),
                form.getlist("line_price_unit"),
                strict=False,
            ),
            MAX_LINES_PER_BILLING + 1,
        )
        for index, (product, quantity, price) in enumerate(triples, start=1):
            if not (product.strip() or quantity.strip() or price.strip()):
                continue
            lines.append(
                {
                    "row": None,
                    "label": _("Line %(number)s", number=index),
                    "product": product,
                    "quantity": quantity,
                    "price_unit": price,
                }
            )
        return {
            "row": None,
            "bill_number": form.get("bill_number", ""),
            "bill_date": form.get("bill_date", ""),
            "retailer": form.get("retailer", ""),
            "type": form.get("type", ""),
            "currency": form.get("currency", ""),
            "lines": lines,
        }

    @http.route(["/my/secondary-sales/save"], type="http", auth="user", website=True, methods=["POST"])
    def portal_secondary_billing_save(self, billing_id=None, action="save", **kw):
        distributor = self._spm_require_distributor()
        billing = request.env["spm.secondary.billing"]
        if billing_id:
            try:
                billing = self._spm_billing(int(billing_id))
            except ValueError:
                raise NotFound() from None
            if billing.sudo().state != "draft":
                return request.redirect(f"/my/secondary-sales/{billing.id}")
        data = self._spm_form_input()
        # The distributor's answer to "create it?": the new name itself (create it), or the
        # name of one of the retailers offered instead (a name it is asked about again if new).
        choice = request.httprequest.form.get("retailer_choice", "").strip()
        confirmed = bool(choice) and retailer_key(choice) == retailer_key(data["retailer"])
        if choice and not confirmed:
            data["retailer"] = choice
        Billing = request.env["spm.secondary.billing"].sudo()
        prepared, errors = Billing._check_billings([data], distributor, exclude=billing)
        form = {
            **data,
            "lines": [{k: line[k] for k in ("product", "quantity", "price_unit")} for line in data["lines"]],
        }
        if errors:
            return self._spm_render_form(distributor, billing.sudo(), form=form, errors=errors, status=400)
        new_retailer = (prepared[0]["vals"] or {}).get("retailer_name")
        if new_retailer and not confirmed:
            # A name that matches none of the distributor's retailers is created only once
            # the distributor says so: nothing is saved until then.
            return self._spm_render_form(
                distributor,
                billing.sudo(),
                form=form,
                new_retailer={"name": new_retailer, "near": distributor._spm_near_retailers(new_retailer)},
            )
        if billing:
            billing.sudo()._update_checked(prepared[0])
        else:
            created, _existing = Billing._create_checked(prepared, "portal")
            billing = created.with_env(request.env)
        if action == "submit":
            try:
                with request.env.cr.savepoint():
                    billing.action_submit()
            except (UserError, ValidationError) as exc:
                return self._spm_render_form(
                    distributor,
                    billing.sudo(),
                    form=form,
                    status=400,
                    errors=[{"row": None, "column": None, "message": exc.args[0]}],
                )
        return request.redirect(f"/my/secondary-sales/{billing.id}")

    def _spm_billing_action(self, billing_id, method):
        billing = self._spm_billing(billing_id)
        try:
            with request.env.cr.savepoint():
                getattr(billing, method)()
        except (UserError, ValidationError, AccessError) as exc:
            values = self._spm_common_values(
                self._spm_distributor(),
                billing=billing.sudo(),
                object=billing.sudo(),
                error=exc.args[0],
                **self._spm_chatter_values(billing),
            )
            response = request.render("spm_portal.portal_secondary_billing_page", values)
            response.status_code = 403 if isinstance(exc, AccessError) else 400
            return response
        return request.redirect(f"/my/secondary-sales/{billing.id}")

    @http.route(
        ["/my/secondary-sales/<int:billing_id>/submit"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_billing_submit(self, billing_id, **kw):
        return self._spm_billing_action(billing_id, "action_submit")

    @http.route(
        ["/my/secondary-sales/<int:billing_id>/cancel"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_billing_cancel(self, billing_id, **kw):
        return self._spm_billing_action(billing_id, "action_cancel")

    @http.route(
        ["/my/secondary-sales/<int:billing_id>/reset"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_billing_reset(self, billing_id, **kw):
        return self._spm_billing_action(billing_id, "action_draft")

    @http.route(
        ["/my/secondary-sales/<int:billing_id>/delete"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_billing_delete(self, billing_id, **kw):
        billing = self._spm_billing(billing_id)
        if billing.sudo().state != "draft":
            return request.redirect(f"/my/secondary-sales/{billing.id}")
        billing.sudo().unlink()
        return request.redirect("/my/secondary-sales")

    @http.route(["/my/secondary-sales/products"], type="json", auth="user", methods=["POST"])
    def portal_secondary_billing_products(self, term="", limit=20):
        """The products the distributor may report that match ``term``, for the form."""
        distributor = self._spm_require_distributor()
        term = _search_term(term)
        domain = distributor._spm_reportable_products_domain()
        if term:
            domain += [
                "|",
                "|",
                ("default_code", "ilike", term),
                ("name", "ilike", term),
                ("barcode", "=", term),
            ]
        products = request.env["product.product"].sudo().search(domain, limit=_result_limit(limit))
        return [
            {
                "code": product.default_code or product.name,
                "name": product.display_name,
                "price": product.lst_price,
            }
            for product in products
        ]

    @http.route(["/my/secondary-sales/amounts"], type="json", auth="user", methods=["POST"])
    def portal_secondary_billing_amounts(self, lines=None, currency=None):
        """The form's line subtotals and total, as the server reads the quantities
        and unit prices typed: the page has no number parser of its own.

        :param list lines: ``[quantity, unit price]`` of each row, as typed
        :param str currency: the ISO code chosen (the company's when unknown)
        :return: ``{"subtotals": [text], "total": text, "complete": bool}``; a
            subtotal is empty for an empty row and a dash for a row not read
        """
        self._spm_require_distributor()
        Currency = request.env["res.currency"].sudo()
        code = currency if isinstance(currency, str) else ""
        currency = (code and Currency.search([("name", "=", code[:3].upper())], limit=1)) or (
            request.env.company.currency_id
        )
        digits = number_digits(request.env)
        # Read once for every row: a billing may have thousands of lines.
        lang = request.env["res.lang"].browse(get_lang(request.env).id)
        amount_format, rounding = f"%.{currency.decimal_places}f", currency.rounding
        rows = lines if isinstance(lines, list) else []
        subtotals, total, complete = [], 0.0, True
        for row in rows[: MAX_LINES_PER_BILLING + 1]:
            texts = [
                value if isinstance(value, str) and len(value) <= MAX_CELL_LENGTH else ""
                for value in (row if isinstance(row, list) else [])[:2]
            ] + ["", ""]
            quantity = read_number(texts[0], digits["quantity"])
            price = read_number(texts[1], digits["price_unit"])
            if quantity is None or price is None:
                empty = not texts[0].strip() and not texts[1].strip()
                subtotals.append("" if empty else "\u2014")
                complete = complete and empty
                continue
            subtotal = float_round(quantity * price, precision_rounding=rounding)
            total += subtotal
            subtotals.append(lang.format(amount_format, subtotal, grouping=True))
        total = float_round(total, precision_rounding=rounding)
        return {
            "subtotals": subtotals,
            "total": lang.format(amount_format, total, grouping=True),
            "complete": complete,
        }

    # ------------------------------------------------------------ upload

    @http.route(["/my/secondary-sales/upload"], type="http", auth="user", website=True, methods=["GET"])
    def portal_secondary_billing_upload_form(self, **kw):
        distributor = self._spm_require_distributor()
        return request.render(
            "spm_portal.portal_secondary_billing_upload", self._spm_upload_values(distributor)
        )

    def _spm_upload_values(self, distributor, **values):
        defaults = {
            "page_name": "secondary_sales_upload",
            "errors": [],
            "upload": None,
            "recent_uploads": request.env["spm.secondary.upload"].search(
                [("distributor_id", "=", distributor.id)], limit=RECENT_UPLOADS
            ),
            "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
            "max_rows": MAX_ROWS,
            "columns": COLUMNS,
        }
        return self._spm_common_values(distributor, **{**defaults, **values})

    @http.route(["/my/secondary-sales/upload"], type="http", auth="user", website=True, methods=["POST"])
    def portal_secondary_billing_upload(self, submit=None, **kw):
        distributor = self._spm_require_distributor()
        upload = request.httprequest.files.get("file")
        filename = upload.filename if upload else ""
        data = upload.stream.read(MAX_FILE_SIZE + 1) if upload else b""
        record = request.env["spm.secondary.upload"]
        if not upload or (not filename and not data):
            errors = [{"row": None, "column": None, "message": _("Choose a file to upload.")}]
        else:
            # The whole file is read and checked here, fast and bounded, and kept as a draft
            # for its dry run: nothing is created before the distributor confirms it.
            record, errors = record._spm_receive(distributor, filename, data, submit)
        if errors:
            # The page says how many problems there are and lists the first MAX_ERRORS.
            errors = bound_errors(request.env, errors)
            # Kept for "Download the errors (CSV)": the same bounded list the page shows.
            request.session[UPLOAD_ERRORS_KEY] = {
                "distributor_id": distributor.id,
                "errors": [
                    [e.get("row"), e.get("column"), e.get("bill_number"), str(e.get("message") or "")]
                    for e in errors
                ],
            }
            values = self._spm_upload_values(
                distributor,
                errors=[e for e in errors if e.get("code") != "more"],
                error_count=count_errors(errors),
                filename=filename,
            )
            response = request.render("spm_portal.portal_secondary_billing_upload", values)
            response.status_code = 400
            return response
        request.session.pop(UPLOAD_ERRORS_KEY, None)
        if record.sudo().state == "checking":
            # Checked in full by the background job: its page shows the progress, then the dry run.
            return request.redirect(f"/my/secondary-sales/upload/{record.id}", code=303)
        return request.redirect(f"/my/secondary-sales/upload/{record.id}/review", code=303)

    def _spm_upload(self, upload_id):
        """The user's own upload ``upload_id``; 404 for any other, whether it exists or not."""
        distributor = self._spm_require_distributor()
        if not 0 < upload_id <= MAX_ID:
            raise NotFound()
        upload = request.env["spm.secondary.upload"].browse(upload_id)
        try:
            upload.check_access("read")
            if not upload.exists():
                raise NotFound()
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if upload.distributor_id != distributor:
            raise NotFound()
        return distributor, upload

    @http.route(["/my/secondary-sales/upload/<int:upload_id>"], type="http", auth="user", website=True)
    def portal_secondary_upload_page(self, upload_id, **kw):
        """An upload's progress while the job runs, then its result."""
        distributor, upload = self._spm_upload(upload_id)
        if upload.state == "draft":
            # Not confirmed yet: its dry run (or the mapping of its columns) is what it shows.
            return request.redirect(f"/my/secondary-sales/upload/{upload.id}/review")
        return request.render(
            "spm_portal.portal_secondary_upload_page", self._spm_upload_values(distributor, upload=upload)
        )

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/progress"], type="http", auth="user", methods=["GET"]
    )
    def portal_secondary_upload_progress(self, upload_id, **kw):
        """The progress the upload's page polls, as JSON."""
        _distributor, upload = self._spm_upload(upload_id)
        return request.make_json_response(upload._spm_progress(), headers=[("Cache-Control", "no-store")])

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/errors.csv"], type="http", auth="user", methods=["GET"]
    )
    def portal_secondary_upload_errors_csv(self, upload_id, **kw):
        """The errors that stopped an upload in the background, as its page lists them."""
        _distributor, upload = self._spm_upload(upload_id)
        return request.make_response(
            errors_csv(request.env, upload._spm_errors_rows()),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition("upload_errors.csv")),
            ],
        )

    @http.route(["/my/secondary-sales/upload/errors.csv"], type="http", auth="user", methods=["GET"])
    def portal_secondary_billing_upload_errors_csv(self, **kw):
        """The errors of the distributor's last refused upload, as the page listed them."""
        distributor = self._spm_require_distributor()
        kept = request.session.get(UPLOAD_ERRORS_KEY)
        if not kept or kept.get("distributor_id") != distributor.id:
            raise NotFound()
        return request.make_response(
            errors_csv(request.env, kept["errors"]),
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition("upload_errors.csv")),
            ],
        )

    @http.route(["/my/secondary-sales/template.csv"], type="http", auth="user", methods=["GET"])
    def portal_secondary_billing_template_csv(self, **kw):
        self._spm_require_distributor()
        with file_open(TEMPLATE_CSV, "rb") as template:
            content = template.read()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", content_disposition("secondary_sales_template.csv")),
            ],
        )

    @http.route(["/my/secondary-sales/template.xlsx"], type="http", auth="user", methods=["GET"])
    def portal_secondary_billing_template_xlsx(self, **kw):
        distributor = self._spm_require_distributor()
        import csv

        import openpyxl
        from openpyxl.styles import Font

        with file_open(TEMPLATE_CSV, "rb") as template:
            rows = list(csv.reader(io.StringIO(template.read().decode("utf-8"))))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Secondary sales"
        # The CSV's headers in words, read back as their columns (normalize_header).
        header = [normalize_header(label) for label in rows[0]]
        sheet.append([COLUMN_LABELS[column] for column in header])
        for row in rows[1:]:
            typed = dict(zip(header, row, strict=False))
            typed["bill_date"] = fields.Date.to_date(typed["bill_date"])
            typed["quantity"] = float(typed["quantity"])
            typed["price_unit"] = float(typed["price_unit"])
            sheet.append([typed[column] for column in header])
        for cell in sheet["B"][1:]:
            cell.number_format = "yyyy-mm-dd"
        # The second sheet (never read by the upload) lists what the distributor may report.
        products = workbook.create_sheet(_("Your products")[:31])  # a sheet title has at most 31 characters
        products.append([_("Product (internal reference)"), _("Barcode"), _("Name"), _("Sales Price")])
        for product in (
            request.env["product.product"]
            .sudo()
            .search(
                distributor._spm_reportable_products_domain(),
                limit=MAX_TEMPLATE_PRODUCTS,
                order="default_code, name, id",
            )
        ):
            products.append(
                [product.default_code or product.name, product.barcode or "", product.name, product.lst_price]
            )
            # Names are text, never formulas (openpyxl takes a text starting with "=" for one).
            for cell in products[products.max_row][:3]:
                cell.data_type = "s"
        for worksheet in (sheet, products):
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            worksheet.freeze_panes = "A2"
            for column in worksheet.columns:
                worksheet.column_dimensions[column[0].column_letter].width = 22
        output = io.BytesIO()
        workbook.save(output)
        return request.make_response(
            output.getvalue(),
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition("secondary_sales_template.xlsx")),
            ],
        )
