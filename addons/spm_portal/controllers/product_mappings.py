from odoo import _, http
from odoo.http import request

from ..models.spm_distributor_product_map import MAX_PRODUCT_CODE, MAX_QUANTITY_FACTOR
from ..tools.billing_checker import read_number
from ..tools.billing_file import CONTROL_CHARACTERS
from .portal import MAX_ID, SpmDistributorPortal

# The distributor's mappings listed on the page, and the products it may choose from.
MAX_LISTED_MAPPINGS = 500
MAX_CHOICE_PRODUCTS = 500
MAX_UOM_NAME = 32


class SpmProductMappingPortal(SpmDistributorPortal):
    """The distributor's own product codes mapped to our products: listed, and
    one mapped (and confirmed) with its pack conversion from the suggestions."""

    def _spm_mapping_values(self, distributor, code="", errors=None, **values):
        Map = request.env["spm.distributor.product.map"].sudo()
        mappings = Map.search([("distributor_id", "=", distributor.id)], limit=MAX_LISTED_MAPPINGS)
        suggestions = Map._spm_propose(distributor, [code]).get(" ".join(code.split()), []) if code else []
        products = (
            request.env["product.product"]
            .sudo()
            .search(
                distributor._spm_reportable_products_domain(),
                limit=MAX_CHOICE_PRODUCTS,
                order="default_code, name",
            )
        )
        return self._spm_common_values(
            distributor,
            mappings=mappings,
            code=code,
            suggestions=suggestions,
            products=products,
            errors=errors or [],
            **values,
        )

    @http.route(
        ["/my/secondary-sales/products/mappings"], type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_product_mappings(self, code="", **kw):
        """The distributor's product codes; with ``code``, our suggestions for it."""
        distributor = self._spm_require_distributor()
        code, errors = self._spm_mapping_code(code)
        values = self._spm_mapping_values(distributor, code="" if errors else code, errors=errors)
        response = request.render("spm_portal.portal_product_mappings", values)
        response.status_code = 400 if errors else 200
        return response

    @http.route(
        ["/my/secondary-sales/products/mappings"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_product_mappings_confirm(self, code="", product_id="", quantity_factor="1", uom_name="", **kw):
        """Map and confirm the distributor's ``code`` to one of the products it may report."""
        distributor = self._spm_require_distributor()
        code, errors = self._spm_mapping_code(code)
        product = request.env["product.product"]
        if not errors:
            product_id = int(product_id) if str(product_id).isdigit() and 0 < int(product_id) <= MAX_ID else 0
            product = product.sudo().search(
                [("id", "=", product_id), *distributor._spm_reportable_products_domain()], limit=1
            )
            if not product:
                errors.append(_("Choose one of the products you may report."))
        factor = read_number(str(quantity_factor)[:30], 4)
        if factor is None or not 0 < factor <= MAX_QUANTITY_FACTOR:
            errors.append(
                _(
                    "Your units in one of ours must be a number above 0 and at most %(limit)s.",
                    limit=format(MAX_QUANTITY_FACTOR, ","),
                )
            )
        uom_name = " ".join(str(uom_name or "").split())
        if len(uom_name) > MAX_UOM_NAME or CONTROL_CHARACTERS.search(uom_name):
            errors.append(_("Your unit's name has at most %(limit)s characters.", limit=MAX_UOM_NAME))
        if errors:
            values = self._spm_mapping_values(distributor, code=code, errors=errors)
            response = request.render("spm_portal.portal_product_mappings", values)
            response.status_code = 400
            return response
        request.env["spm.distributor.product.map"]._spm_confirm_for_distributor(
            distributor, code, product, factor, uom_name
        )
        return request.redirect("/my/secondary-sales/products/mappings?saved=1")

    @staticmethod
    def _spm_mapping_code(code):
        """The code as typed, spaces collapsed, and the errors that refuse it."""
        code = " ".join(str(code or "").split())
        if not code:
            return "", []
        if CONTROL_CHARACTERS.search(code):
            return "", [_("This value contains control characters, which are not allowed.")]
        if len(code) > MAX_PRODUCT_CODE:
            return "", [_("Your product code has at most %(limit)s characters.", limit=MAX_PRODUCT_CODE)]
        return code, []
