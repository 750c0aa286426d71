"""The columns of a file of secondary billings and the headers they go by.

Pure Python, without Odoo nor relative imports: the portal's upload
(:mod:`.billing_file`) imports it as part of the addon, and the standalone
push client ``tools/spm_push_billings.py`` of the repository imports this
file by its path, so both read a header the same way.
"""

COLUMNS = (
    "bill_number",
    "bill_date",
    "retailer",
    "product",
    "quantity",
    "price_unit",
    "type",
    "currency",
    "retailer_vat",
    "retailer_city",
)
REQUIRED_COLUMNS = ("bill_number", "bill_date", "retailer", "product", "quantity", "price_unit")
# Columns of the bill, not of the line: given on any row of the bill, the same on each.
# The retailer's tax id (GSTIN, VAT) and city match a new name to a known retailer.
HEADER_COLUMNS = ("bill_date", "retailer", "type", "currency", "retailer_vat", "retailer_city")
LINE_COLUMNS = ("product", "quantity", "price_unit")
# The headers of the XLSX template, readable and read back as their columns by normalize_header.
COLUMN_LABELS = {
    "bill_number": "Bill Number",
    "bill_date": "Bill Date",
    "retailer": "Retailer",
    "product": "Product",
    "quantity": "Quantity",
    "price_unit": "Unit Price",
    "type": "Type",
    "currency": "Currency",
    "retailer_vat": "Retailer GSTIN",
    "retailer_city": "Retailer City",
}
COLUMN_ALIASES = {
    "bill": "bill_number",
    "bill_no": "bill_number",
    "bill_#": "bill_number",
    "invoice": "bill_number",
    "invoice_number": "bill_number",
    "number": "bill_number",
    "date": "bill_date",
    "invoice_date": "bill_date",
    "customer": "retailer",
    "retailer_name": "retailer",
    "retailer_code": "retailer",
    "product_code": "product",
    "internal_reference": "product",
    "reference": "product",
    "barcode": "product",
    "qty": "quantity",
    "price": "price_unit",
    "unit_price": "price_unit",
    "billing_type": "type",
    "retailer_gstin": "retailer_vat",
    "retailer_tax_id": "retailer_vat",
    "retailer_vat_number": "retailer_vat",
    "gstin": "retailer_vat",
    "gst_no": "retailer_vat",
    "vat": "retailer_vat",
    "tax_id": "retailer_vat",
    "city": "retailer_city",
}


def normalize_header(value):
    """The column a header names: case, spaces and dashes ignored, aliases resolved
    (an unknown header is returned normalized, for the caller to refuse)."""
    key = "_".join(str(value or "").strip().casefold().replace("-", " ").split())
    return COLUMN_ALIASES.get(key, key)
