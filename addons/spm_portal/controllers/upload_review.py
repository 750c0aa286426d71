from itertools import islice

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools.limits import MAX_COLUMNS
from .portal import SpmDistributorPortal


class SpmUploadReview(SpmDistributorPortal):
    """An upload's steps before anything is created: the mapping of an export's
    columns (once per layout of the distributor's files) and the dry run, which
    the distributor confirms. The work is the upload's (``spm.secondary.upload``)."""

    def _spm_draft_upload(self, upload_id):
        """The user's own upload, if it is still a draft (else its page: nothing to review)."""
        distributor, upload = self._spm_upload(upload_id)
        return distributor, upload, upload.state == "draft"

    def _spm_render_columns(self, distributor, upload, error=None, chosen=None, status=200):
        export = upload._spm_read_export(layouts=())
        if export.errors:
            error = export.errors[0]["message"]
        current = chosen or (upload.sudo().layout_id.mapping if upload.sudo().layout_id else export.guess)
        columns = [
            {
                "index": index,
                "title": title,
                "key": key,
                "field": (current or {}).get(key, ""),
                "samples": [row[index] for row in export.samples if index < len(row)],
            }
            for index, (title, key) in enumerate(zip(export.titles, export.keys, strict=True))
            if key
        ]
        values = self._spm_upload_values(
            distributor,
            upload=upload,
            export_columns=columns,
            field_choices=request.env["spm.distributor.layout"]._spm_field_selection(),
            column_error=error,
        )
        response = request.render("spm_portal.portal_secondary_upload_columns", values)
        response.status_code = status
        return response

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/columns"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_secondary_upload_columns(self, upload_id, **kw):
        """The file's columns beside the fields a billing needs, with a guess to correct."""
        distributor, upload, draft = self._spm_draft_upload(upload_id)
        if not draft:
            return request.redirect(f"/my/secondary-sales/upload/{upload.id}")
        return self._spm_render_columns(distributor, upload)

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/columns"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_upload_columns_save(self, upload_id, layout_name=None, **kw):
        """Save the mapping chosen as the distributor's layout, then show the dry run."""
        distributor, upload, draft = self._spm_draft_upload(upload_id)
        if not draft:
            return request.redirect(f"/my/secondary-sales/upload/{upload.id}")
        form = request.httprequest.form
        keys = form.getlist("column_key")
        fields = form.getlist("column_field")
        # Bounded: a file has at most MAX_COLUMNS columns; a longer form is cut, then refused by the check.
        mapping = {
            key: field for key, field in islice(zip(keys, fields, strict=False), MAX_COLUMNS + 1) if field
        }
        try:
            with request.env.cr.savepoint():
                upload._spm_save_layout(mapping, name=layout_name)
        except (UserError, ValidationError) as exc:
            return self._spm_render_columns(
                distributor, upload, error=exc.args[0], chosen=mapping, status=400
            )
        return request.redirect(f"/my/secondary-sales/upload/{upload.id}/review", code=303)

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/review"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_secondary_upload_review(self, upload_id, **kw):
        """The dry run: what the file would create, nothing created until it is confirmed."""
        distributor, upload, draft = self._spm_draft_upload(upload_id)
        if not draft:
            return request.redirect(f"/my/secondary-sales/upload/{upload.id}")
        preview = upload.sudo().preview or {}
        if preview.get("needs_mapping"):
            return request.redirect(f"/my/secondary-sales/upload/{upload.id}/columns")
        response = request.render(
            "spm_portal.portal_secondary_upload_review",
            self._spm_upload_values(distributor, upload=upload, preview=preview),
        )
        # Refused rows with no bill to import: the file cannot be imported as it is.
        response.status_code = 400 if preview.get("error_count") and not preview.get("bills") else 200
        return response

    @http.route(
        ["/my/secondary-sales/upload/<int:upload_id>/confirm"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_upload_confirm(self, upload_id, partial=None, **kw):
        """Import what the dry run showed: the upload's job creates, submits and credits it;
        with ``partial``, the bills it accepted only, when it refused others."""
        _distributor, upload, draft = self._spm_draft_upload(upload_id)
        preview = upload.sudo().preview or {}
        partial = bool(partial) and bool(preview.get("bills"))
        if draft and not preview.get("needs_mapping") and (partial or not preview.get("error_count")):
            upload._spm_confirm(partial=partial)
        return request.redirect(f"/my/secondary-sales/upload/{upload.id}", code=303)
