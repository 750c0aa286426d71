"""How retailers and distributors' product codes are told apart and matched."""


def retailer_key(value):
    """A retailer's name, city or code as retailers are told apart: case and spaces ignored."""
    return " ".join((value or "").split()).casefold()


def tax_id_key(value):
    """A tax id (GSTIN, VAT) as tax ids are compared: letters and digits only, upper case."""
    return "".join(ch for ch in (value or "") if ch.isalnum()).upper()


def product_code_key(value):
    """A distributor's product code or name as mappings are looked up: case and spaces ignored."""
    return retailer_key(value)
