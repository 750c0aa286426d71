"""JSON API for distributors' own systems: submit secondary billings, read their state.

Authentication is the distributor portal user's Odoo API key, sent as
``Authorization: Bearer <key>``; the session cookie is neither needed nor
used. Billings are checked by the same validator as the portal
(``tools/billing_checker.py``), all or nothing, and submitting
a bill number again with the same content returns the earlier billing
(idempotent retries). See the addon's README for examples.
"""

import json
import logging
import math
import re

import psycopg2

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools import ErrorList, bill_number_key, bound_errors, count_errors
from ..tools.billing_checker import CONTROL_CHARACTERS
from ..tools.limits import (
    MAX_BILLINGS,
    MAX_BODY,
    MAX_CELL_LENGTH,
    MAX_ERRORS,
    MAX_INTEGER_DIGITS,
    MAX_JSON_VALUES,
    MAX_LINES,
)

_logger = logging.getLogger(__name__)

API_ROOT = "/api/spm/v1/secondary-billings"
# Half of a surrogate pair alone (JSON escapes \ud800 to \udfff): no text encoding stores it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)
BILLING_KEYS = ("bill_number", "bill_date", "retailer", "retailer_vat", "retailer_city", "currency", "type")
LINE_KEYS = ("product", "quantity", "price_unit")


class ApiError(Exception):
    """An answer of the API other than success: its status, code, message and errors."""

    def __init__(self, status, code, message, errors=None, error_count=None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors
        self.error_count = error_count


def _malformed(message):
    return ApiError(400, "invalid_json", message)


def _json_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise _malformed(_("The number %(number)s is out of range.", number=text[:40]))
    return number


def _json_int(text):
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _malformed(_("The number %(number)s... is too large.", number=text[:40]))
    return int(text)


def _json_constant(name):
    raise _malformed(_("%(name)s is not a number JSON accepts.", name=name))


def _json_object(pairs):
    for key, value in pairs:
        for text in (key, value):
            if isinstance(text, str) and LONE_SURROGATE.search(text):
                raise _malformed(
                    _(
                        'The value of "%(key)s" holds half of a surrogate pair '
                        "(an escape \\ud800 to \\udfff without its other half): it is not text.",
                        key=LONE_SURROGATE.sub("?", key)[:40],
                    )
                )
    return dict(pairs)


class SpmSecondaryBillingApi(http.Controller):
    # ------------------------------------------------------------ plumbing

    def _json(self, payload, status=200, headers=None):
        return request.make_json_response(payload, headers=headers, status=status)

    def _error_response(self, error):
        payload = {"error": error.code, "message": error.message}
        if error.errors is not None:
            payload["errors"] = error.errors
            payload["error_count"] = error.error_count or len(error.errors)
        headers = [("WWW-Authenticate", 'Bearer realm="spm"')] if error.status == 401 else None
        return self._json(payload, status=error.status, headers=headers)

    def _authenticate(self):
        """Switch the request to the user of the bearer API key; return the
        distributor it reports for."""
        match = BEARER.match(request.httprequest.headers.get("Authorization", ""))
        if not match:
            raise ApiError(401, "unauthorized", _("Send your API key as 'Authorization: Bearer <key>'."))
        uid = request.env["res.users.apikeys"]._check_credentials(scope="rpc", key=match.group(1))
        if not uid:
            _logger.info("Secondary billing API: wrong API key from %s", request.httprequest.remote_addr)
            raise ApiError(401, "unauthorized", _("The API key is wrong, expired or revoked."))
        request.update_env(user=uid)
        user = request.env.user
        request.update_context(lang=user.lang or "en_US")
        distributor = request.env["res.partner"]._spm_distributor_of_user(user)
        if not distributor:
            raise ApiError(403, "forbidden", _("This API key is not a distributor portal user's."))
        return distributor

    def _read_json(self):
        """The request's JSON, refused before it is parsed when it could cost more
        than the bounds of :mod:`..tools.limits`."""
        too_large = ApiError(
            413, "too_large", _("The request is larger than %(size)s MB.", size=MAX_BODY // 1024 // 1024)
        )
        length = request.httprequest.content_length
        if length is None:
            # Without a length the body would be read whatever its size.
            raise ApiError(411, "length_required", _("Send the body with a Content-Length header."))
        if length > MAX_BODY:
            raise too_large
        body = request.httprequest.get_data()
        if len(body) > MAX_BODY:
            raise too_large
        # Every JSON value but the first of an array or object follows a comma: this bounds
        # the objects that parsing builds, in a pass over the bytes.
        if body.count(b",") + body.count(b"[") + body.count(b"{") > MAX_JSON_VALUES:
            raise ApiError(
                413,
                "too_large",
                _(
                    "The request holds more than %(values)s JSON values: send at most "
                    "%(billings)s billings and %(lines)s lines per request.",
                    values=format(MAX_JSON_VALUES, ","),
                    billings=format(MAX_BILLINGS, ","),
                    lines=format(MAX_LINES, ","),
                ),
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed(_("The request body is not JSON in UTF-8.")) from None
        del body
        try:
            return json.loads(
                text,
                parse_float=_json_float,
                parse_int=_json_int,
                parse_constant=_json_constant,
                object_pairs_hook=_json_object,
            )
        except (ValueError, RecursionError):
            raise _malformed(_("The request body is not JSON in UTF-8.")) from None

    def _billing_json(self, billing, status=None):
        billing = billing.sudo()
        data = {
            "bill_number": billing.bill_number,
            "reference": billing.name,
            "state": billing.state,
            "bill_date": billing.bill_date.isoformat(),
            "retailer": billing.retailer_id.name,
            "type": billing.billing_type,
            "currency": billing.currency_id.name,
            "total": billing.amount_total,
            "reject_reason": billing.reject_reason or None,
            # Why a held billing waits, in the distributor's words (another
            # distributor's bill is never named).
            "holds": [
                {
                    "kind": hold.kind,
                    "reason": hold.reason,
                    "shortfall": [
                        {
                            "product": shortfall.product_id.default_code
                            or shortfall.product_id.barcode
                            or shortfall.product_id.name,
                            "reported": shortfall.reported_quantity,
                            "stock": shortfall.stock_quantity,
                            "missing": shortfall.missing_quantity,
                        }
                        for shortfall in hold.shortfall_ids
                    ],
                }
                for hold in billing.active_hold_ids
            ],
            "lines": [
                {
                    "product": line.product_id.default_code
                    or line.product_id.barcode
                    or line.product_id.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "subtotal": line.price_subtotal,
                }
                for line in billing.line_ids
            ],
        }
        if status:
            data["status"] = status
        return data

    @staticmethod
    def _scalars(source, keys, label, errors):
        """The values of ``keys`` in ``source`` that are JSON strings or numbers."""
        values = {}
        for key in keys:
            value = source.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                errors.add({"field": f"{label}.{key}", "message": _("Must be a string or a number.")})
                value = None
            elif isinstance(value, str) and len(value) > MAX_CELL_LENGTH:
                errors.add(
                    {
                        "field": f"{label}.{key}",
                        "message": _("At most %(limit)s characters.", limit=MAX_CELL_LENGTH),
                    }
                )
                value = None
            values[key] = value
        return values

    @staticmethod
    def _api_errors(env, errors):
        """Errors as the API answers them, at most MAX_ERRORS, and how many there were."""
        bounded = bound_errors(env, errors, MAX_ERRORS)
        listed = [
            {"field": None, "message": e["message"], "more": e["more"]} if e.get("code") == "more" else e
            for e in bounded
        ]
        return listed, count_errors(bounded)

    def _inputs(self, payload):
        """The validator's input from the request's JSON."""
        if not isinstance(payload, dict) or not isinstance(payload.get("billings"), list):
            raise ApiError(
                400,
                "invalid",
                _("The request is malformed."),
                [{"field": "billings", "message": _('The body must be {"billings": [...]}.')}],
            )
        if not payload["billings"]:
            raise ApiError(
                400,
                "invalid",
                _("The request is malformed."),
                [{"field": "billings", "message": _("No billing in the request.")}],
            )
        billings = payload["billings"]
        # Counted before anything is built for them: a request of a million billings costs no more.
        lines = sum(
            len(b["lines"]) for b in billings if isinstance(b, dict) and isinstance(b.get("lines"), list)
        )
        if len(billings) > MAX_BILLINGS or lines > MAX_LINES:
            raise ApiError(
                413,
                "too_large",
                _(
                    "Send at most %(billings)s billings and %(lines)s lines per request.",
                    billings=MAX_BILLINGS,
                    lines=MAX_LINES,
                ),
            )
        errors, inputs = ErrorList(), []
        for index, billing in enumerate(billings):
            label = f"billings[{index}]"
            if not isinstance(billing, dict):
                errors.add({"field": label, "message": _("A billing must be a JSON object.")})
                continue
            item = {
                "row": index + 1,
                "label": label,
                **self._scalars(billing, BILLING_KEYS, label, errors),
                "lines": [],
            }
            lines = billing.get("lines")
            if not isinstance(lines, list):
                errors.add({"field": f"{label}.lines", "message": _("Must be a list of lines.")})
                lines = []
            for line_index, line in enumerate(lines):
                line_label = f"{label}.lines[{line_index}]"
                if not isinstance(line, dict):
                    errors.add({"field": line_label, "message": _("A line must be a JSON object.")})
                    continue
                values = self._scalars(line, LINE_KEYS, line_label, errors)
                item["lines"].append({"row": index + 1, "label": line_label, **values})
            inputs.append(item)
        if errors:
            listed, count = self._api_errors(request.env, errors.listed(request.env))
            raise ApiError(400, "invalid", _("The request is malformed."), listed, count)
        return inputs

    def _submit(self, distributor, inputs):
        """Check and submit the billings, all or none; return the answer's billings."""
        Billing = request.env["spm.secondary.billing"].sudo()
        prepared, errors = Billing._check_billings(inputs, distributor, allow_identical=True)
        if errors:
            conflict = all(e.get("code") == "duplicate" for e in errors)
            listed, count = self._api_errors(
                request.env,
                [
                    {"bill_number": e["bill_number"], "field": e["column"], "message": e["message"]}
                    for e in errors
                ],
            )
            raise ApiError(
                409 if conflict else 400,
                "conflict" if conflict else "invalid",
                _("Bill numbers already used with another content.")
                if conflict
                else _("Some billings are not valid; none was saved."),
                listed,
                count,
            )
        try:
            with request.env.cr.savepoint():
                created, _existing = Billing._create_checked(prepared, "api", submit=True)
        except psycopg2.IntegrityError:
            raise ApiError(
                409,
                "conflict",
                _("A billing with one of these bill numbers was just submitted; send the request again."),
            ) from None
        except (UserError, ValidationError) as exc:
            raise ApiError(400, "invalid", str(exc.args[0])) from None
        created_by_number = {b.bill_number: b for b in created}
        results = []
        for item in prepared:
            if item["existing"]:
                results.append(self._billing_json(item["existing"], status="existing"))
            else:
                billing = created_by_number[item["vals"]["bill_number"]]
                results.append(self._billing_json(billing, status="created"))
        return results, bool(created)

    # ------------------------------------------------------------ routes

    @http.route(
        API_ROOT, type="http", auth="none", methods=["POST"], csrf=False, save_session=False, readonly=False
    )
    def api_submit_billings(self, **kw):
        """Submit billings: ``{"billings": [...]}``; all are created or none."""
        try:
            distributor = self._authenticate()
            results, created = self._submit(distributor, self._inputs(self._read_json()))
        except ApiError as error:
            return self._error_response(error)
        return self._json({"billings": results}, status=201 if created else 200)

    @http.route(
        f"{API_ROOT}/<path:bill_number>",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def api_read_billing(self, bill_number, **kw):
        """A billing of the distributor by its bill number: its state and content."""
        try:
            distributor = self._authenticate()
        except ApiError as error:
            return self._error_response(error)
        Billing = request.env["spm.secondary.billing"]
        billing = Billing.browse()
        # No stored bill number has control characters: do not send such a value to the database.
        key = "" if CONTROL_CHARACTERS.search(bill_number) else bill_number_key(bill_number)
        if key:
            # Found however it is written, as a second submission of it would be.
            billing = Billing.search(
                [("distributor_id", "=", distributor.id), ("bill_number_key", "=", key)], limit=1
            )
        if not billing:
            error = ApiError(
                404, "not_found", _("No billing with the bill number %(number)s.", number=bill_number)
            )
            return self._error_response(error)
        return self._json(self._billing_json(billing))
