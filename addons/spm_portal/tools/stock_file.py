"""Read the CSV or XLSX file of a stock statement: a product and its quantity a row.

The file is opened by the readers of secondary billings' files
(:mod:`.billing_file`: its format detected from the content, the workbook's
archive checked, the CSV's encoding and delimiter found, every bound of
:mod:`.limits` applied) and every problem is returned as an error
``{"row", "column", "message"}``, never raised. What the rows mean (products,
quantities) is checked by ``spm.distributor.stock.statement._spm_check_statement``.
"""

from .billing_columns import normalize_header
from .billing_file import (
    FileError,
    _cell,
    _cell_error,
    _check_archive,
    _csv_records,
    _format_errors,
    _formula_error,
    _is_blank,
    _xlsx_records,
    detect_format,
)
from .errors import ErrorList
from .limits import MAX_FILE_SIZE, MAX_STATEMENT_LINES

STOCK_COLUMNS = ("product", "quantity")


def _error(row, column, message):
    return {"row": row, "column": column, "message": message}


def read_stock_rows(env, data, max_rows=MAX_STATEMENT_LINES):
    """The rows of a stock statement's file: ``(rows, errors)``, each row
    ``{"row": number, "product": value, "quantity": value}``; nothing but
    errors when there is one."""
    data = data or b""
    if len(data) > MAX_FILE_SIZE:
        return [], [
            _error(
                None,
                None,
                env._(
                    "The file is too large: the limit is %(limit)s MB.",
                    limit=round(MAX_FILE_SIZE / 1024 / 1024),
                ),
            )
        ]
    kind = detect_format(data)
    if kind not in ("xlsx", "csv"):
        return [], [_error(None, None, _format_errors(env).get(kind) or _format_errors(env)["binary"])]
    if kind == "xlsx":
        problem = _check_archive(env, data)
        if problem:
            return [], [_error(None, None, problem)]
        records = _xlsx_records(env, data)
    else:
        records = _csv_records(env, data)
    try:
        return _stock_rows(env, records, max_rows)
    except FileError as error:
        return [], [error.error]


def _header(env, number, values):
    """The column of each header cell (None for another column), or an error."""
    columns = [normalize_header(value) if not _is_blank(value) else None for value in values]
    missing = [column for column in STOCK_COLUMNS if column not in columns]
    if missing:
        return None, _error(
            number,
            None,
            env._(
                "The first row must name the columns product and quantity; missing: %(missing)s.",
                missing=", ".join(missing),
            ),
        )
    return [column if column in STOCK_COLUMNS else None for column in columns], None


def _stock_rows(env, records, max_rows):
    columns = None
    rows, errors, count = [], ErrorList(), 0
    for number, values in records:
        if all(_is_blank(value) for value in values):
            continue
        if columns is None:
            columns, error = _header(env, number, values)
            if error:
                return [], [error]
            continue
        count += 1
        if count > max_rows:
            return [], [
                _error(
                    None,
                    None,
                    env._(
                        "A stock statement counts at most %(limit)s products: the file has more rows.",
                        limit=format(max_rows, ","),
                    ),
                )
            ]
        row = {"row": number}
        for column, raw in zip(columns, values, strict=False):
            if column is None:
                continue
            value = _cell(raw)
            problem = isinstance(value, str) and (
                _cell_error(env, value) or _formula_error(env, column, value)
            )
            if problem:
                errors.add(_error(number, column, problem))
            else:
                row[column] = value
        rows.append(row)
    if columns is None or not count:
        return [], [_error(None, None, env._("The file has no product under its header."))]
    return ([], errors.listed(env)) if errors else (rows, [])
