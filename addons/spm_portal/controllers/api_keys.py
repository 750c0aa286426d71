from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..tools.limits import MAX_API_KEY_NAME
from .portal import MAX_ID, SpmDistributorPortal

# The page that shows a new key is not kept by the browser nor by a proxy.
NO_STORE = [("Cache-Control", "no-store"), ("X-Frame-Options", "SAMEORIGIN")]


class SpmDistributorApiKeys(SpmDistributorPortal):
    """The distributor's API keys for the JSON API, on the secondary sales pages:
    Odoo's /my/security shows them only in debug mode."""

    def _spm_api_keys_page(self, distributor, status=200, **values):
        allowed = bool(request.env["ir.config_parameter"].sudo().get_param("portal.allow_api_keys"))
        values = self._spm_common_values(
            distributor,
            page_name="secondary_sales_api_keys",
            allowed=allowed,
            api_keys=request.env["res.users"]._spm_api_keys(),
            key_days=request.env.user.company_id.spm_portal_api_key_days,
            max_name=MAX_API_KEY_NAME,
            **values,
        )
        response = request.render("spm_portal.portal_secondary_sales_api_keys", values, headers=NO_STORE)
        response.status_code = status
        return response

    @http.route(["/my/secondary-sales/api-keys"], type="http", auth="user", website=True, methods=["GET"])
    def portal_secondary_sales_api_keys(self, **kw):
        distributor = self._spm_require_distributor()
        revoked = kw.get("revoked") == "1"
        return self._spm_api_keys_page(
            distributor, message=_("The API key was revoked.") if revoked else None
        )

    @http.route(
        ["/my/secondary-sales/api-keys/new"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_secondary_sales_api_key_new(self, name="", password="", **kw):
        distributor = self._spm_require_distributor()
        try:
            with request.env.cr.savepoint():
                key = request.env["res.users"]._spm_generate_api_key(name, password)
        except (UserError, AccessError) as exc:
            return self._spm_api_keys_page(distributor, status=400, error=exc.args[0], name=name)
        return self._spm_api_keys_page(distributor, new_key=key, new_key_name=name.strip())

    @http.route(
        ["/my/secondary-sales/api-keys/<int:key_id>/revoke"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_secondary_sales_api_key_revoke(self, key_id, password="", **kw):
        distributor = self._spm_require_distributor()
        if not 0 < key_id <= MAX_ID:
            return request.not_found()
        try:
            with request.env.cr.savepoint():
                revoked = request.env["res.users"]._spm_revoke_api_key(key_id, password)
        except (UserError, AccessError) as exc:
            return self._spm_api_keys_page(distributor, status=400, error=exc.args[0])
        if not revoked:
            return request.not_found()
        return request.redirect("/my/secondary-sales/api-keys?revoked=1")
