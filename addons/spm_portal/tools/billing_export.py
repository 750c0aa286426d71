"""Distributors' own exports (Tally, Marg, Busy, any ERP) read through a column layout.

A file whose first row names the billing columns (:mod:`.billing_columns`) is read
as it always was (:func:`.billing_file.read_rows`). Any other file is an export:
its title rows are skipped (the first rows with fewer than three cells: company,
report name, period), its header is the first row of three texts or more, joined
with the next row when that one holds texts only (a two-line header; a title
merged over several columns names each of them), and its columns are those of
the first layout that maps them (:func:`find_layout`), or of the mapping the
distributor gives once. Under the header, blank rows and totals rows are
skipped, the bill's columns are carried down to the item rows under a bill row
(a voucher's first row, merged cells), numbers are read with their grouping
(``1,23,456.78``), units (``10 Nos``, ``12.50/Box``) and dates day first
(``01-Apr-2026``, ``01/04/2026``, ``2026-04-01``).

The result is rows in the shape of :func:`.billing_file.read_rows`, for
:func:`.billing_file.group_rows` and the billing checker, the one validator.
"""

import datetime
import re

from .billing_columns import REQUIRED_COLUMNS, normalize_header
from .billing_file import (
    FileError,
    _cell,
    _cell_error,
    _error,
    _formula_error,
    _header_columns,
    _is_blank,
    _table_rows,
    open_records,
    read_rows,
    to_number,
)
from .errors import ErrorList
from .limits import MAX_COLUMNS, MAX_FILE_SIZE, MAX_ROWS

# What a layout maps a file's column to. The retailer's name is taken when the row has
# one, else its code (a new retailer is created by name); the product's code, else its name.
LAYOUT_FIELDS = (
    "bill_number",
    "bill_date",
    "retailer",
    "retailer_code",
    "retailer_vat",
    "retailer_city",
    "product",
    "product_name",
    "quantity",
    "price_unit",
    "amount",
    "type",
    "currency",
)
# Each needs one of its fields mapped.
REQUIRED_FIELDS = (
    ("bill_number",),
    ("bill_date",),
    ("retailer", "retailer_code"),
    ("product", "product_name"),
    ("quantity",),
    ("price_unit", "amount"),
)
BILL_FIELDS = ("bill_date", "retailer", "retailer_code", "retailer_vat", "retailer_city", "type", "currency")
# The words of the ERPs' exports for the fields, beside the billing columns' aliases.
EXPORT_ALIASES = {
    "voucher_no": "bill_number",
    "vch_no": "bill_number",
    "vch/bill_no": "bill_number",
    "invoice_no": "bill_number",
    "bill_no": "bill_number",
    "voucher_date": "bill_date",
    "bill_date": "bill_date",
    "vch_date": "bill_date",
    "partys_name": "retailer",
    "party_name": "retailer",
    "party": "retailer",
    "particulars": "retailer",
    "account": "retailer",
    "buyer": "retailer",
    "party_code": "retailer_code",
    "customer_code": "retailer_code",
    "gstin/uin": "retailer_vat",
    "gstin": "retailer_vat",
    "gst_no": "retailer_vat",
    "party_gstin": "retailer_vat",
    "vat": "retailer_vat",
    "city": "retailer_city",
    "party_city": "retailer_city",
    "town": "retailer_city",
    "station": "retailer_city",
    # Columns these exports have that no billing field takes: never guessed.
    "unit": None,
    "uom": None,
    "pack": None,
    "per": None,
    "free": None,
    "discount": None,
    "disc_%": None,
    "tax": None,
    "gst_%": None,
    "batch": None,
    "expiry": None,
    "mrp": None,
    "tax_id": "retailer_vat",
    "item_code": "product",
    "sku": "product",
    "item": "product_name",
    "item_name": "product_name",
    "item_details": "product_name",
    "stock_item": "product_name",
    "product_name": "product_name",
    "description": "product_name",
    "qty": "quantity",
    "billed_qty": "quantity",
    "rate": "price_unit",
    "amount": "amount",
    "value": "amount",
    "net_amount": "amount",
    "voucher_type": "type",
    "vch_type": "type",
}
# Values of the type column in these exports.
TYPE_WORDS = {
    "sales": "sale",
    "sale": "sale",
    "tax invoice": "sale",
    "invoice": "sale",
    "credit note": "return",
    "sales return": "return",
    "return": "return",
    "returns": "return",
}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d %b %Y",
)
# A totals row's label is a cell of its own ("Total", "Grand Total:", "Sub-Total"):
# a retailer "Total Mart" is no total.
TOTALS = re.compile(r"^\W*(grand\s*|sub\W*)?totals?\W*$|^\W*(closing|opening)\s+balance\W*$", re.IGNORECASE)
# 1,23,456.78 (Indian) or 123,456.78 (western) grouping; point decimals.
GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{2})*,\d{3}(?:\.\d+)?$|^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# A quantity or a rate followed by its unit: "10 Nos", "12.50/Box", "5 Pcs."
WITH_UNIT = re.compile(r"^([-+]?[\d,]*\.?\d+)\s*/?\s*[A-Za-z][A-Za-z.]{0,9}$")
GSTIN = re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{1,29}$")
PLAIN_NUMBER = re.compile(r"[-+]?\d*\.?\d+")
NUMBER_FIELDS = frozenset(("quantity", "price_unit", "amount"))
# The billing column an export's field is checked and reported as.
FIELD_COLUMNS = {
    "retailer_code": "retailer",
    "retailer_vat": "retailer",
    "retailer_city": "retailer",
    "product_name": "product",
    "amount": "price_unit",
}
BILL_CARRIED = ("bill_number", *BILL_FIELDS)
MAX_DATES_KEPT = 10_000
HEADER_SCAN = 30  # records looked at for the header
SAMPLE_ROWS = 5  # rows under the header shown beside the columns on the mapping page
MAX_TITLE = 60  # characters of a column's title kept for the mapping page


def column_key(title):
    """The normalised name of a file's column: case, spaces, dots and apostrophes ignored."""
    text = str(title or "").strip().casefold().replace("-", " ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[.:()\[\]#]+", " ", text)
    return "_".join(text.split())[:MAX_TITLE]


def signature_of(keys):
    """The signature of a header: its column keys, sorted, one a line."""
    return "\n".join(sorted({key for key in keys if key}))


def missing_fields(mapping):
    """The groups of :data:`REQUIRED_FIELDS` that ``mapping`` ({key: field}) leaves unmapped."""
    mapped = set(mapping.values())
    return [group for group in REQUIRED_FIELDS if not mapped.intersection(group)]


def find_layout(keys, layouts):
    """The first of ``layouts`` that maps the columns of ``keys`` a billing needs, and
    its mapping of those columns (a column of the layout the file lacks is left out):
    ``(layout, mapping)``, or ``(None, None)``. A layout whose signature is the header's
    comes first, then the one mapping most of its columns. ``layouts`` are objects with
    ``signature`` and ``mapping``, in order of preference."""
    present, signature = set(keys), signature_of(keys)
    best, best_rank = (None, None), None
    for index, layout in enumerate(layouts):
        mapping = {key: field for key, field in (layout.mapping or {}).items() if key in present}
        if not mapping or missing_fields(mapping):
            continue
        rank = (layout.signature == signature, len(mapping), -index)
        if best_rank is None or rank > best_rank:
            best, best_rank = (layout, mapping), rank
    return best


def _is_text(value):
    return isinstance(value, str) and not _is_blank(value)


def _looks_like_value(value):
    """A number or a date, as a data row holds and a header does not."""
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and (
        read_export_number(value) is not None or read_export_date(value) is not None
    )


def _is_header(values):
    cells = [v for v in values if not _is_blank(v)]
    return len(cells) >= 3 and all(_is_text(v) and not _looks_like_value(v) for v in cells)


def _is_header_line(values):
    """The second line of a two-line header: two texts or more, no number nor date
    (a heading row grouping bills by party has one text)."""
    cells = [v for v in values if not _is_blank(v)]
    return len(cells) >= 2 and all(_is_text(v) and not _looks_like_value(v) for v in cells)


def _join_header(first, second):
    """The titles of a two-line header: a title merged over columns names each column
    the second line splits it into."""
    titles, carried = [], ""
    for index in range(max(len(first), len(second))):
        top = first[index] if index < len(first) else None
        bottom = second[index] if index < len(second) else None
        top = str(top).strip() if not _is_blank(top) else ""
        bottom = str(bottom).strip() if not _is_blank(bottom) else ""
        if top:
            carried = top
        elif bottom:
            top = carried
        titles.append(f"{top} {bottom}".strip())
    return titles


def read_export_number(value):
    """A number of an export's cell (grouping, unit, point decimals), or None."""
    if not isinstance(value, str):
        return to_number(value)
    text = value.strip()
    unit = WITH_UNIT.match(text)
    if unit:
        text = unit.group(1)
    if GROUPED.match(text):
        text = text.replace(",", "")
    elif "," in text:
        return None
    return to_number(text)


def read_export_date(value):
    """A date of an export's cell, day first, or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _value_kinds(values):
    """The fields the values of a column may be, most likely first."""
    if not values:
        return ()
    if all(read_export_date(v) for v in values):
        return ("bill_date",)
    if all(isinstance(v, str) and GSTIN.match(v.strip()) for v in values):
        return ("retailer_vat",)
    if all(read_export_number(v) is not None for v in values):
        return ("number",)
    if all(isinstance(v, str) and CODE.match(v.strip()) for v in values):
        return ("bill_number", "product", "retailer_code")
    return ("retailer", "product_name")


def guess_mapping(keys, samples):
    """{key: field} guessed from the columns' names (the billing columns' aliases and
    the exports' words), then from the values of the first rows (dates, GSTINs, codes,
    numbers), each field once."""
    mapping, taken, taken_keys = {}, set(), set()
    for key in keys:
        if not key:
            continue
        if key in EXPORT_ALIASES and EXPORT_ALIASES[key] is None:
            taken_keys.add(key)
            continue
        field = EXPORT_ALIASES.get(key) or normalize_header(key)
        if field in LAYOUT_FIELDS and field not in taken:
            mapping[key] = field
            taken.add(field)
    numbers = []
    for index, key in enumerate(keys):
        if not key or key in mapping or key in taken_keys:
            continue
        values = [row[index] for row in samples if index < len(row) and not _is_blank(row[index])]
        kinds = _value_kinds(values)
        if kinds == ("number",):
            numbers.append(key)
            continue
        field = next((f for f in kinds if f not in taken), None)
        if field:
            mapping[key] = field
            taken.add(field)
    for key, field in zip(
        numbers, [f for f in ("quantity", "price_unit", "amount") if f not in taken], strict=False
    ):
        mapping[key] = field
    return mapping


def check_mapping(env, keys, mapping):
    """Why the mapping chosen on the page cannot be used, or None: unknown columns or
    fields, a field given twice, a field a billing needs left unmapped."""
    _ = env._
    if not isinstance(mapping, dict) or len(mapping) > MAX_COLUMNS:
        return _("The mapping cannot be read. Choose a field for the columns again.")
    if not set(mapping) <= set(keys) or not set(mapping.values()) <= set(LAYOUT_FIELDS):
        return _("The mapping names columns or fields that are not in the file. Choose them again.")
    fields = list(mapping.values())
    twice = sorted({field for field in fields if fields.count(field) > 1})
    if twice:
        return _(
            "Each field is given by one column: %(fields)s is chosen for several.",
            fields=", ".join(twice),
        )
    missing = missing_fields(mapping)
    if missing:
        return _(
            "A billing needs these fields, choose a column for each: %(fields)s.",
            fields=", ".join(" / ".join(group) for group in missing),
        )
    return None


class Export:
    """What reading a file found: ``rows`` and ``errors`` (as :func:`.billing_file.read_rows`),
    and for an export, its ``titles`` and column ``keys``, the ``layout`` used
    (None for a file in the billing columns), and when no layout maps it, a
    ``guess`` and ``samples`` (the first rows) for the mapping page."""

    def __init__(self, rows=(), errors=(), **values):
        self.rows, self.errors = list(rows), list(errors)
        self.titles, self.keys, self.samples = [], [], []
        self.layout, self.mapping, self.guess = None, None, {}
        self.__dict__.update(values)

    @property
    def needs_mapping(self):
        return not self.errors and self.mapping is None and bool(self.keys)


def read_export(env, data, layouts=(), mapping=None, max_rows=MAX_ROWS, max_size=MAX_FILE_SIZE):
    """Read an uploaded file in the billing columns, or as an export through the
    first of ``layouts`` that maps its columns, or through ``mapping`` ({key: field},
    given on the mapping page). See :class:`Export`."""
    data = data or b""
    if len(data) > max_size:
        return Export(errors=read_rows(env, data, max_size=max_size)[1])
    records, error = open_records(env, data)
    if error:
        return Export(errors=[error])
    try:
        return _read_export(env, iter(records), layouts, mapping, max_rows)
    except FileError as exc:
        return Export(errors=[exc.error])


def _read_export(env, records, layouts, mapping, max_rows):
    head = []
    for number, values in records:
        if any(not _is_blank(v) for v in values):
            head.append((number, values))
            if len(head) >= HEADER_SCAN:
                break
    columns = _header_columns(env, head[0][0], head[0][1])[0] if head else REQUIRED_COLUMNS
    if all(column in columns for column in REQUIRED_COLUMNS):
        rows, errors = _table_rows(env, _chain(head, records), max_rows)
        return Export(rows, errors)
    start = next((i for i, (_n, values) in enumerate(head) if _is_header(values)), None)
    if start is None:
        # Neither the billing columns nor an export: the columns' own errors say what is missing.
        rows, errors = _table_rows(env, _chain(head, records), max_rows)
        return Export(rows, errors)
    titles, body = list(head[start][1]), head[start + 1 :]
    if body and _is_header_line(body[0][1]):
        titles, body = _join_header(titles, body[0][1]), body[1:]
    titles = [str(t).strip()[:MAX_TITLE] if not _is_blank(t) else "" for t in titles]
    keys = [column_key(t) for t in titles]
    keys = [key if key and key not in keys[:i] else "" for i, key in enumerate(keys)]
    export = Export(titles=titles, keys=keys)
    if mapping is None:
        export.layout, mapping = find_layout(keys, layouts)
        if export.layout is None:
            export.samples = [[_cell(v) for v in values[: len(keys)]] for _n, values in body[:SAMPLE_ROWS]]
            export.guess = guess_mapping(keys, export.samples)
            return export
    else:
        problem = check_mapping(env, keys, mapping)
        if problem:
            export.errors = [_error(head[start][0], None, problem)]
            return export
    export.mapping = dict(mapping)
    export.rows, export.errors = _mapped_rows(env, keys, export.mapping, _chain(body, records), max_rows)
    return export


def _chain(head, records):
    yield from head
    yield from records


def _mapped_rows(env, keys, mapping, records, max_rows):
    """The rows under an export's header, in the billing columns. (It runs for every
    row of files of 50,000: kept short.)"""
    _ = env._
    fields = [(field, keys.index(key)) for key, field in mapping.items()]
    rows, errors, count, dates = [], ErrorList(), 0, {}
    bill, bill_lines = None, 0
    for number, values in records:
        cells = _mapped_cells(env, number, values, fields, errors, dates)
        if not cells:
            continue  # blank in the columns read, or refused (its errors are listed)
        count += 1
        if count > max_rows:
            raise FileError(
                None,
                _(
                    "The file has more than %(limit)s rows. Split it into smaller files.",
                    limit=format(max_rows, ","),
                ),
            )
        product = cells.get("product", cells.get("product_name"))
        bill_number = cells.get("bill_number")
        if any(isinstance(value, str) and TOTALS.match(value) for value in (product, bill_number)):
            continue
        if bill_number is not None and (not bill or str(bill_number) != str(bill["bill_number"])):
            if bill and not bill_lines:
                errors.add(_no_lines(env, bill))
            bill, bill_lines = {"row": number, **cells}, 0
        elif bill_number is None and product is not None and bill:
            # An item row under its bill's row (a voucher's first row, merged cells):
            # the bill's columns carry down.
            for field in BILL_CARRIED:
                if field not in cells and field in bill:
                    cells[field] = bill[field]
        if product is None:
            continue  # a bill's row above its item rows, its total, or a separator
        bill_lines += 1
        rows.append(_billing_row(number, cells))
    if bill and not bill_lines:
        errors.add(_no_lines(env, bill))
    if not count:
        return [], [_error(None, None, _("The file has no rows under its header."))]
    return ([], errors.listed(env)) if errors else (rows, [])


def _no_lines(env, bill):
    return _error(
        bill["row"],
        "product",
        env._("The bill %(bill)s has no item rows under it.", bill=str(bill["bill_number"])[:50]),
    )


def _export_number_text(text):
    """An export's number as the billing checker reads it: grouping (1,23,456.78) and
    unit (10 Nos, 12.50/Box) dropped; any other text as it is, for the checker to refuse."""
    if PLAIN_NUMBER.fullmatch(text):
        return text
    unit = WITH_UNIT.match(text)
    if unit:
        text = unit.group(1)
    return text.replace(",", "") if GROUPED.match(text) else text


def _mapped_cells(env, number, values, fields, errors, dates):
    """{field: value} of one row's non-blank cells, numbers and dates read (``dates``
    keeps the dates read, few in a file); None when a cell is refused."""
    cells, refused, size = {}, False, len(values)
    for field, index in fields:
        raw = values[index] if index < size else None
        if raw is None:
            continue
        if not isinstance(raw, str):
            value = _cell(raw)
            cells[field] = (read_export_date(value) or value) if field == "bill_date" else value
            continue
        value = raw.strip()
        if not value:
            continue
        problem = _cell_error(env, value) or _formula_error(env, FIELD_COLUMNS.get(field, field), value)
        if problem:
            errors.add(_error(number, FIELD_COLUMNS.get(field, field), problem))
            refused = True
        elif field in NUMBER_FIELDS:
            cells[field] = _export_number_text(value)
        elif field == "bill_date":
            date = dates.get(value)
            if date is None:
                date = read_export_date(value) or value
                if len(dates) < MAX_DATES_KEPT:
                    dates[value] = date
            cells[field] = date
        elif field == "type":
            cells[field] = TYPE_WORDS.get(value.casefold(), value)
        else:
            cells[field] = value
    return None if refused else cells


def _billing_row(number, cells):
    """A row in the billing columns from an export's cells."""
    row = {"row": number}
    for column in (
        "bill_number",
        "bill_date",
        "type",
        "currency",
        "quantity",
        "retailer_vat",
        "retailer_city",
    ):
        if column in cells:
            row[column] = cells[column]
    row["retailer"] = cells.get("retailer", cells.get("retailer_code"))
    row["product"] = cells.get("product", cells.get("product_name"))
    price = cells.get("price_unit")
    if price is None and "amount" in cells:
        # Only the line's amount is given: its unit price, as exact as the checker rounds prices.
        amount, quantity = to_number(cells["amount"]), to_number(cells.get("quantity"))
        price = round(amount / quantity, 6) if amount is not None and quantity else None
    row["price_unit"] = price
    return row
