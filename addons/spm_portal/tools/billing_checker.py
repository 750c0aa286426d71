"""The business rules of a secondary billing, the one checker of every channel.

The portal form, the file upload, the JSON API and the back office (through
``spm.secondary.billing._check_billings``, its create and its submission) all
check billings with :class:`BillingChecker`: one distributor's billings, as
typed, uploaded or sent, in one pass and a few queries, every problem returned
as an error in the user's language, nothing created or changed.
"""

import hashlib
import json
from datetime import timedelta

from odoo import _, fields, models
from odoo.tools import float_round, format_amount, format_date

from .bill_number import bill_number_key
from .billing_file import CONTROL_CHARACTERS, to_date, to_number
from .master_keys import product_code_key

MAX_BILL_NUMBER = 64
MAX_RETAILER = 128
MAX_TAX_ID = 32
MAX_CITY = 64
# Unmapped product codes summarised, and the rows listed for each.
MAX_UNMAPPED_CODES = 200
MAX_UNMAPPED_ROWS = 20
MAX_LINES = 10_000
# A line's quantity; its amount and the billing's total are bounded per company.
MAX_QUANTITY = 1_000_000_000
# Days after today a bill may be dated (a distributor's day may start before the company's).
FUTURE_DAYS = 1
BILLING_TEXT_KEYS = (
    "bill_number",
    "bill_date",
    "retailer",
    "retailer_vat",
    "retailer_city",
    "type",
    "currency",
)
LINE_TEXT_KEYS = ("product", "quantity", "price_unit")


def text_of(value):
    """A value as text, spaces collapsed ("" for nothing or a record)."""
    if value is None or value is False or isinstance(value, models.BaseModel):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def is_empty(value):
    if isinstance(value, models.BaseModel):
        return not value
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def billing_error(item, column, message, bill_number=None, code="invalid"):
    """An error of the billing or line ``item`` (its ``row`` and ``label`` locate it)."""
    label = item.get("label")
    return {
        "row": item.get("row"),
        "column": f"{label}.{column}" if label and column else (column or label),
        "bill_number": bill_number,
        "message": message,
        "code": code,
    }


def unmapped_products(errors):
    """The products an error list names that are neither ours nor mapped, each
    with the rows it blocks: ``[{"product", "rows", "count"}]`` in the order met,
    at most MAX_UNMAPPED_CODES codes and MAX_UNMAPPED_ROWS rows each (``count``
    is every row)."""
    summary = {}
    for error in errors:
        if error.get("code") != "unmapped":
            continue
        key = product_code_key(error["product"])
        if key not in summary:
            if len(summary) >= MAX_UNMAPPED_CODES:
                continue
            summary[key] = {"product": error["product"], "rows": [], "count": 0}
        item = summary[key]
        item["count"] += 1
        if len(item["rows"]) < MAX_UNMAPPED_ROWS and error.get("row") is not None:
            item["rows"].append(error["row"])
    return list(summary.values())


def number_digits(env):
    """The digits every line's quantity and unit price are rounded to: ``{column: digits}``."""
    precision = env["decimal.precision"]
    return {
        "quantity": precision.precision_get("Product Unit of Measure"),
        "price_unit": precision.precision_get("Product Price"),
    }


def read_number(value, digits):
    """A quantity or unit price as billings are read, from text as typed or a
    number: :func:`.billing_file.to_number` (decimal point or comma, spaces and
    apostrophes between thousands), rounded to ``digits``; None when it is not
    a number. The one number parser: the portal form's live totals ask the
    server for it too (``/my/secondary-sales/amounts``)."""
    value = to_number(value)
    return None if value is None else float_round(value, precision_digits=digits)


def signature_of(env, bill_date, retailer, billing_type, currency, line_vals):
    """What a billing reports, to recognise a retry of the same billing."""
    digits = number_digits(env)
    content = {
        "date": bill_date and bill_date.isoformat(),
        "retailer": retailer.id if retailer else None,
        "type": billing_type,
        "currency": currency.id if currency else None,
        "lines": sorted(
            (
                v["product_id"],
                round(v["quantity"], digits["quantity"]),
                round(v["price_unit"], digits["price_unit"]),
            )
            for v in line_vals
        ),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def lines_key_of(env, line_vals):
    """The goods a billing reports, its lines' products and quantities (prices aside),
    as one key: two billings with the same key report the same goods. Stored on each
    billing (``line_key``) for the duplicate holds to compare by an index; False for
    a billing without lines, which duplicates nothing."""
    if not line_vals:
        return False
    digits = number_digits(env)["quantity"]
    lines = sorted((v["product_id"], float_round(v["quantity"], precision_digits=digits)) for v in line_vals)
    text = ",".join(f"{product_id}:{quantity!r}" for product_id, quantity in lines)
    return hashlib.sha256(text.encode()).hexdigest()


class BillingChecker:
    """Check and resolve one distributor's secondary billings.

    It holds what checking needs, read once in a few queries (the distributor's
    earlier billings, products, retailers, currencies, the company's bounds),
    and the errors found; one checker checks one batch::

        prepared, errors = BillingChecker(env, distributor, allow_identical=True).check(billings)

    :param env: the environment to check in (its company's bounds apply; the
        channels pass a superuser environment of the distributor's user)
    :param distributor: the distributor reporting (any of its contacts)
    :param bool allow_identical: a bill number already reported with the
        same content is not an error but that earlier billing (API and
        upload retries)
    :param exclude: billings not to count as duplicates (those edited or resubmitted)
    """

    def __init__(self, env, distributor, *, allow_identical=False, exclude=None):
        self.env = env
        self.Billing = env["spm.secondary.billing"]
        self.distributor = distributor.commercial_partner_id
        self.allow_identical = allow_identical
        self.exclude = exclude or self.Billing
        self.company = env.company
        self.errors = []

    # ------------------------------------------------------------ the batch

    def check(self, billings):
        """Check ``billings``.

        :param list billings: dicts with ``bill_number``, ``bill_date``,
            ``retailer`` (a name or code, or a partner), ``type`` (``sale`` or
            ``return``, empty for a sale), ``currency`` (an ISO code or a
            currency, empty for the company's) and ``lines``: dicts with
            ``product`` (an internal reference, a barcode, a name, or a
            product), ``quantity`` and ``price_unit``. Values may be text as
            typed, numbers or dates. Each billing and line may carry ``row``
            (the file row or the position in the request) and ``label`` (a
            prefix of the column in error messages, e.g. ``lines[2]``).
        :return: ``(prepared, errors)``: one dict per billing, with ``billing``
            (the input), ``existing`` (the earlier identical billing, if any)
            and ``vals`` (values of ``spm.secondary.billing._create_checked``);
            errors are dicts ``{"row", "column", "bill_number", "message",
            "code"}`` in the user's language, ``code`` being ``duplicate`` for
            a bill number used earlier with another content and ``invalid``
            otherwise. Nothing is created or changed.
        """
        distributor = self.distributor
        if not distributor.is_distributor:
            self.errors.append(
                billing_error(
                    {},
                    None,
                    _(
                        "%(partner)s is not a distributor: it cannot report secondary sales.",
                        partner=distributor.display_name,
                    ),
                )
            )
            return [], self.errors
        # Control characters (NUL above all) cannot be stored nor searched: refuse them
        # before anything reaches the database.
        self.errors = self._control_character_errors(billings)
        if self.errors:
            return [], self.errors
        # Two requests of one distributor at the same moment (the same file uploaded
        # twice) must not both find a bill number free: they conflict on this lock and
        # the later one is retried, then finds the billings of the first.
        self.env["spm.credit.engine"]._lock_sources(distributor)
        self._read_context(billings)
        return [self._check_billing(billing) for billing in billings], self.errors

    def error(self, item, column, message, bill_number=None, code="invalid"):
        """Record an error of the billing or line ``item``."""
        self.errors.append(billing_error(item, column, message, bill_number, code))

    def _read_context(self, billings):
        """What checking ``billings`` needs, read in a few queries."""
        company = self.company
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        keys = {bill_number_key(text_of(b.get("bill_number"))) for b in billings} - {""}
        earlier = self.Billing.sudo().search(
            [
                ("distributor_id", "=", self.distributor.id),
                ("bill_number_key", "in", list(keys)),
                ("id", "not in", self.exclude.ids),
            ]
        )
        retailer_entries = {
            self._retailer_entry(b)
            for b in billings
            if not isinstance(b.get("retailer"), models.BaseModel) and text_of(b.get("retailer"))
        }
        allowed = self.distributor.sudo().spm_allowed_product_ids
        self.today = fields.Date.context_today(self.Billing)
        self.min_date = company.spm_secondary_min_bill_date
        self.max_date = self.today + timedelta(days=FUTURE_DAYS)
        self.max_amount = company.spm_secondary_max_amount
        self.rates = {}
        self.date_formats = [lang.date_format] if lang else []
        self.products = self._resolve_products(billings)
        self.product_maps = self._resolve_product_maps(billings)
        self.allowed_ids = set(allowed.ids) if allowed else None
        self.currencies = self._resolve_currencies(billings)
        self.retailers = self.distributor._spm_find_retailers(list(retailer_entries))
        self.type_labels = self._type_labels()
        self.earlier = {b.bill_number_key: b for b in earlier}
        self.states = dict(self.Billing._fields["state"]._description_selection(self.env))
        self.seen = {}
        # Read once: every line's quantity and price are rounded with them.
        self.digits = number_digits(self.env)

    def _check_billing(self, billing):
        """Check one billing: its prepared dict (see :meth:`check`)."""
        count = len(self.errors)
        number = text_of(billing.get("bill_number"))
        key = self._check_bill_number(billing, number)
        bill_date = self._check_bill_date(billing, number)
        retailer, retailer_name = self._check_retailer(billing, number)
        billing_type = self._check_type(billing, number)
        currency = self._check_currency(billing, number)
        line_vals = self._check_lines(billing, number, currency)
        if len(self.errors) == count:
            self._check_amounts(billing, number, line_vals, currency, bill_date)
        existing = self.Billing.browse()
        previous = self.earlier.get(key)
        if previous:
            signature = signature_of(self.env, bill_date, retailer, billing_type, currency, line_vals)
            if self.allow_identical and len(self.errors) == count and previous._signature() == signature:
                existing = previous
            else:
                self.error(
                    billing,
                    "bill_number",
                    self._duplicate_message(number, previous),
                    number,
                    code="duplicate",
                )
        valid = len(self.errors) == count
        return {
            "billing": billing,
            "existing": existing,
            "vals": None
            if existing or not valid
            else {
                "distributor_id": self.distributor.id,
                "company_id": self.company.id,
                "bill_number": number,
                "bill_date": bill_date,
                "retailer_id": retailer.id,
                "retailer_name": retailer_name,
                "retailer_details": self._retailer_entry(billing)[1:] if retailer_name else None,
                "billing_type": billing_type,
                "currency_id": currency.id,
                "lines": line_vals,
            },
        }

    # ------------------------------------------------------------ the billing's values

    def _check_bill_number(self, billing, number):
        """The key of the billing's number (see :func:`.bill_number.bill_number_key`),
        empty when it is refused."""
        key = bill_number_key(number)
        if not number:
            self.error(billing, "bill_number", _("The bill number is missing."))
        elif len(number) > MAX_BILL_NUMBER:
            self.error(
                billing,
                "bill_number",
                _(
                    "The bill number is too long (at most %(limit)s characters).",
                    limit=MAX_BILL_NUMBER,
                ),
                number,
            )
        elif not key:
            self.error(billing, "bill_number", _("The bill number has no visible character."), number)
        elif key in self.seen:
            first_number, first = self.seen[key]
            if first_number == number:
                message = _(
                    "The bill number %(number)s appears twice (first at %(first)s).",
                    number=number,
                    first=first,
                )
            else:
                message = _(
                    "The bill number %(number)s is %(first_number)s written differently: the same bill "
                    "appears twice (first at %(first)s).",
                    number=number,
                    first_number=first_number,
                    first=first,
                )
            self.error(billing, "bill_number", message, number)
        else:
            self.seen[key] = (number, billing.get("label") or billing.get("row") or "")
            return key
        return ""

    def _duplicate_message(self, number, previous):
        """Why ``number`` is refused: the earlier billing ``previous`` has its key."""
        values = {
            "number": number,
            "billing": previous.name,
            "date": format_date(self.env, previous.bill_date),
            "state": self.states[previous.state],
        }
        if previous.bill_number == number:
            return _(
                "The bill number %(number)s is already used by your billing %(billing)s "
                "of %(date)s (%(state)s).",
                **values,
            )
        return _(
            "The bill number %(number)s is %(earlier)s written differently, already used by your billing "
            "%(billing)s of %(date)s (%(state)s).",
            earlier=previous.bill_number,
            **values,
        )

    def _check_bill_date(self, billing, number):
        raw = billing.get("bill_date")
        if is_empty(raw):
            self.error(billing, "bill_date", _("The bill date is missing."), number)
            return None
        # A bill of a closed month is taken all the same (the distributor
        # reports what happened): its credit lands in the first open month,
        # as an adjustment, as every late event's does.
        bill_date = to_date(raw, self.date_formats)
        if not bill_date:
            self.error(
                billing,
                "bill_date",
                _(
                    '"%(value)s" is not a date: write it as YYYY-MM-DD, e.g. %(example)s.',
                    value=text_of(raw)[:30],
                    example=self.today.isoformat(),
                ),
                number,
            )
        elif bill_date > self.max_date:
            self.error(
                billing,
                "bill_date",
                _(
                    "The bill date %(date)s is in the future: bills are dated %(latest)s at the latest.",
                    date=format_date(self.env, bill_date),
                    latest=format_date(self.env, self.max_date),
                ),
                number,
            )
        elif bill_date < self.min_date:
            self.error(
                billing,
                "bill_date",
                _(
                    "The bill date %(date)s is too old: %(company)s takes bills dated from %(earliest)s on.",
                    date=format_date(self.env, bill_date),
                    company=self.company.name,
                    earliest=format_date(self.env, self.min_date),
                ),
                number,
            )
        return bill_date

    def _check_retailer(self, billing, number):
        """The retailer (a partner), or the name of a new one to create."""
        distributor = self.distributor
        raw = billing.get("retailer")
        no_retailer = self.env["res.partner"]
        if isinstance(raw, models.BaseModel):
            if not raw:
                self.error(billing, "retailer", _("The retailer is missing."), number)
            elif (
                not raw.spm_is_retailer or distributor not in raw.sudo().spm_retailer_link_ids.distributor_id
            ):
                self.error(
                    billing,
                    "retailer",
                    _(
                        "%(retailer)s is not a retailer of %(distributor)s.",
                        retailer=raw.display_name,
                        distributor=distributor.display_name,
                    ),
                    number,
                )
            return raw, None
        text = text_of(raw)
        if not text:
            self.error(billing, "retailer", _("The retailer is missing."), number)
            return no_retailer, None
        if len(text) > MAX_RETAILER:
            self.error(
                billing,
                "retailer",
                _(
                    "The retailer's name is too long (at most %(limit)s characters).",
                    limit=MAX_RETAILER,
                ),
                number,
            )
            return no_retailer, None
        too_long = {
            "retailer_vat": (
                MAX_TAX_ID,
                _("The retailer's tax id is too long (at most %(limit)s characters).", limit=MAX_TAX_ID),
            ),
            "retailer_city": (
                MAX_CITY,
                _("The retailer's city is too long (at most %(limit)s characters).", limit=MAX_CITY),
            ),
        }
        for key, (limit, message) in too_long.items():
            if len(text_of(billing.get(key))) > limit:
                self.error(billing, key, message, number)
                return no_retailer, None
        retailer = self.retailers.get(self._retailer_entry(billing)) or no_retailer
        return retailer, None if retailer else text

    @staticmethod
    def _retailer_entry(billing):
        """``(name or code, tax id, city)`` of the billing's retailer, as texts."""
        return (
            text_of(billing.get("retailer")),
            text_of(billing.get("retailer_vat")),
            text_of(billing.get("retailer_city")),
        )

    def _check_type(self, billing, number):
        raw = text_of(billing.get("type")).casefold()
        if not raw:
            return "sale"
        billing_type = self.type_labels.get(raw)
        if not billing_type:
            self.error(
                billing,
                "type",
                _(
                    '"%(value)s" is not a type of billing: write sale or return.',
                    value=raw[:30],
                ),
                number,
            )
        return billing_type

    def _check_currency(self, billing, number):
        company_currency = self.company.currency_id
        raw = billing.get("currency")
        if isinstance(raw, models.BaseModel):
            return raw or company_currency
        if is_empty(raw):
            return company_currency
        currency = self.currencies.get(text_of(raw).upper())
        if not currency:
            self.error(
                billing,
                "currency",
                _(
                    'The currency "%(value)s" is unknown or not enabled: '
                    "use an ISO code such as %(example)s.",
                    value=text_of(raw)[:10],
                    example=company_currency.name,
                ),
                number,
            )
        return currency

    # ------------------------------------------------------------ the lines

    def _check_lines(self, billing, number, currency):
        """The create values of the billing's valid lines (in our products' units:
        see :meth:`_convert`)."""
        lines = billing.get("lines") or []
        if not lines:
            self.error(billing, "lines", _("The billing has no lines."), number)
        elif len(lines) > MAX_LINES:
            self.error(
                billing, "lines", _("The billing has more than %(limit)s lines.", limit=MAX_LINES), number
            )
        line_vals = []
        for line in lines[:MAX_LINES]:
            product, mapping = self._check_line_product(line, number)
            quantity = self._check_number(line, "quantity", number)
            price = self._check_number(line, "price_unit", number)
            if product and quantity is not None and price is not None:
                if mapping and mapping.quantity_factor != 1:
                    quantity, price = self._convert(line, number, mapping, quantity, price, currency)
                    if quantity is None:
                        continue
                line_vals.append({"product_id": product.id, "quantity": quantity, "price_unit": price})
        return line_vals

    def _convert(self, line, number, mapping, quantity, price, currency):
        """The line's quantity and unit price in our product's unit (``mapping``
        says how many of the distributor's units make one): the quantity divided,
        rounded to the unit's digits, the price multiplied, rounded to the
        currency. The line's amount must come out the same to the cent, otherwise
        the line is refused (``(None, None)``): no conversion changes an amount."""
        factor = mapping.quantity_factor
        converted = float_round(quantity / factor, precision_digits=self.digits["quantity"])
        converted_price = currency.round(price * factor) if currency else price * factor
        if not currency or currency.compare_amounts(converted * converted_price, quantity * price):
            self.error(
                line,
                "quantity",
                _(
                    "%(quantity)s %(unit)s of %(product)s (%(factor)s to one of our units) cannot be "
                    "converted exactly: report whole units, or ask your contact to correct the mapping.",
                    quantity=format(quantity, "g"),
                    unit=mapping.distributor_uom_name or _("units"),
                    product=mapping.distributor_code,
                    factor=format(factor, "g"),
                ),
                number,
            )
            return None, None
        return converted, converted_price

    def _check_amounts(self, billing, number, line_vals, currency, bill_date):
        """Each line's amount and the billing's total, in company currency, at most
        the company's bound (``line_vals``: the billing's lines, all valid)."""
        company = self.company
        key = (currency.id, bill_date)
        if key not in self.rates:
            self.rates[key] = self.env["res.currency"]._get_conversion_rate(
                currency, company.currency_id, company, bill_date
            )
        rate = self.rates[key]
        limit = self.max_amount
        total = 0.0
        for line, vals in zip(billing["lines"], line_vals, strict=True):
            amount = currency.round(vals["quantity"] * vals["price_unit"])
            total += amount
            if amount * rate > limit:
                self.error(
                    line,
                    None,
                    _(
                        "The line's amount %(amount)s is above %(limit)s, the most %(company)s takes "
                        "for one billing: check its quantity and unit price.",
                        amount=format_amount(self.env, amount, currency),
                        limit=format_amount(self.env, limit, company.currency_id),
                        company=company.name,
                    ),
                    number,
                )
        if total * rate > limit:
            self.error(
                billing,
                "lines",
                _(
                    "The billing's total %(amount)s is above %(limit)s, the most %(company)s takes "
                    "for one billing: split it into several bills or ask your contact at %(company)s.",
                    amount=format_amount(self.env, total, currency),
                    limit=format_amount(self.env, limit, company.currency_id),
                    company=company.name,
                ),
                number,
            )

    def _check_number(self, line, column, number):
        """The line's quantity or unit price, rounded; None after an error."""
        raw = line.get(column)
        if is_empty(raw):
            self.error(
                line,
                column,
                _("The quantity is missing.") if column == "quantity" else _("The unit price is missing."),
                number,
            )
            return None
        value = read_number(raw, self.digits[column])
        if value is None:
            self.error(line, column, _('"%(value)s" is not a number.', value=text_of(raw)[:30]), number)
            return None
        message = self._number_error(column, value)
        if message:
            self.error(line, column, message, number)
            return None
        return value

    def _number_error(self, column, value):
        """Why a quantity (positive, bounded) or a unit price (not negative) is refused, if it is."""
        if column == "quantity":
            if not value:
                return _("The quantity cannot be zero.")
            if value < 0:
                return _("The quantity cannot be negative; report returns as billings of type return.")
            if value > MAX_QUANTITY:
                return _("The quantity cannot exceed %(limit)s.", limit=format(MAX_QUANTITY, ","))
        elif value < 0:
            return _("The unit price cannot be negative; report returns as billings of type return.")
        return None

    def _check_line_product(self, line, number):
        """The line's product and the distributor's mapping it was found by, if any;
        ``(None, None)`` after an error."""
        raw = line.get("product")
        mapping = None
        if isinstance(raw, models.BaseModel):
            product = raw
        else:
            text = text_of(raw)
            product = self.products.get(text) if text else None
            if text and not product:
                mapping = self.product_maps.get(product_code_key(text))
                product = mapping.product_id if mapping else None
            if text and not product:
                error = billing_error(
                    line,
                    "product",
                    _(
                        'The product "%(value)s" is unknown: give its internal reference or its barcode, '
                        "or map your code to one of our products (Products in your secondary sales).",
                        value=text[:60],
                    ),
                    number,
                    code="unmapped",
                )
                error["product"] = text[:MAX_RETAILER]
                self.errors.append(error)
                return None, None
        if not product:
            self.error(line, "product", _("The product is missing."), number)
            return None, None
        allowed_ids = self.allowed_ids
        if not product.sale_ok or (allowed_ids is not None and product.id not in allowed_ids):
            self.error(
                line,
                "product",
                _(
                    "%(distributor)s may not report the product %(product)s.",
                    distributor=self.distributor.display_name,
                    product=product.display_name,
                ),
                number,
            )
            return None, None
        return product, mapping

    # ------------------------------------------------------------ look-ups

    @staticmethod
    def _product_texts(billings):
        return {
            text_of(line.get("product"))
            for billing in billings
            for line in (billing.get("lines") or [])[:MAX_LINES]
            if not isinstance(line.get("product"), models.BaseModel)
        } - {""}

    def _resolve_product_maps(self, billings):
        """{code key: mapping} of the distributor's confirmed mappings of the
        product references of ``billings`` that are not ours."""
        keys = {product_code_key(text) for text in self._product_texts(billings) - set(self.products)}
        if not keys:
            return {}
        maps = (
            self.env["spm.distributor.product.map"]
            .sudo()
            .search(
                [
                    ("distributor_id", "=", self.distributor.id),
                    ("state", "=", "confirmed"),
                    ("code_key", "in", list(keys)),
                    ("product_id.active", "=", True),
                ]
            )
        )
        return {mapping.code_key: mapping for mapping in maps}

    def _resolve_products(self, billings):
        """{text: product} for every product reference of ``billings``: internal
        reference, then barcode, then "[reference] name" or the exact name; of
        products sharing one, the newest."""
        texts = self._product_texts(billings)
        if not texts:
            return {}
        result = self._newest_products_by("default_code", texts)
        if missing := texts - set(result):
            result.update(self._newest_products_by("barcode", missing))
        if missing := texts - set(result):
            codes = {
                text: text[1 : text.index("]")].strip()
                for text in missing
                if text.startswith("[") and "]" in text
            }
            by_code = self._newest_products_by("default_code", set(codes.values())) if codes else {}
            result.update({text: by_code[code] for text, code in codes.items() if code in by_code})
        if (missing := texts - set(result)) and len(missing) <= 1000:
            result.update(self._newest_products_by("name", missing))
        return result

    def _newest_products_by(self, field, values):
        """{value: product} of the active products of the company (or shared)
        whose ``field`` is one of ``values``, the newest of those sharing one."""
        Product = self.env["product.product"].sudo().with_context(active_test=True)
        products = Product.search(
            [(field, "in", list(values)), ("company_id", "in", [False, self.company.id])], order="id desc"
        )
        found = {}
        for product in products:
            found.setdefault(product[field], product)
        return found

    def _resolve_currencies(self, billings):
        codes = {
            text_of(b.get("currency")).upper()
            for b in billings
            if not isinstance(b.get("currency"), models.BaseModel) and not is_empty(b.get("currency"))
        }
        if not codes:
            return {}
        return {c.name: c for c in self.env["res.currency"].sudo().search([("name", "in", list(codes))])}

    def _type_labels(self):
        labels = {"sale": "sale", "return": "return", "sales": "sale", "returns": "return"}
        for key, label in self.Billing._fields["billing_type"]._description_selection(self.env):
            labels[label.casefold()] = key
        return labels

    def _control_character_errors(self, billings):
        """Errors for the text values that contain control characters."""
        errors = []
        for billing in billings:
            number = billing.get("bill_number")
            number = None if not isinstance(number, str) or CONTROL_CHARACTERS.search(number) else number
            values = [(billing, key, billing.get(key)) for key in BILLING_TEXT_KEYS]
            lines = billing.get("lines") if isinstance(billing.get("lines"), list) else []
            values += [
                (line, key, line.get(key))
                for line in lines
                if isinstance(line, dict)
                for key in LINE_TEXT_KEYS
            ]
            errors += [
                billing_error(
                    item,
                    column,
                    self.env._("This value contains control characters, which are not allowed."),
                    number,
                )
                for item, column, value in values
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value)
            ]
        return errors
