"""The bounds of what distributors send: uploaded files, API bodies, error lists.

Every input is checked against these before any work that grows with it, so
that one request costs bounded memory and time whatever it holds; the addon's
README lists them with the figures measured against a real server
(``tests/test_hostile_files.py``).
"""

MB = 1024 * 1024

# ------------------------------------------------------------ uploaded files (CSV and XLSX)
MAX_FILE_SIZE = 10 * MB  # the file as uploaded
MAX_ROWS = 100_000  # data rows under the header, blank rows not counted
MAX_COLUMNS = 64  # cells of a row, trailing empty cells not counted
MAX_CELL_LENGTH = 1000  # characters of one cell
# A CSV line longer than this cannot be MAX_COLUMNS cells of MAX_CELL_LENGTH characters (quoted).
MAX_CSV_LINE_LENGTH = MAX_COLUMNS * (MAX_CELL_LENGTH + 3)

# An XLSX file is a ZIP archive of XML parts, read as a stream with these bounds.
MAX_XLSX_UNCOMPRESSED = 200 * MB  # all parts together, unpacked
MAX_XLSX_MEMBERS = 2000  # parts in the archive
MAX_XLSX_SHEET_SIZE = 64 * MB  # the XML of the sheet that is read, unpacked
MAX_XLSX_STRINGS_SIZE = 32 * MB  # the XML of the shared strings, unpacked
MAX_XLSX_PART_SIZE = 16 * MB  # the workbook, its relationships and its styles, unpacked
MAX_XLSX_STRINGS = 500_000  # shared strings
MAX_XLSX_STYLES = 100_000  # cell formats
# XML elements of the sheet: rows, cells, values (MAX_ROWS rows of the template's 10 cells and
# its header: 2,100,021).
MAX_XLSX_ELEMENTS = 2_200_000
MAX_XLSX_CELLS_PER_ROW = 1024  # cells of one row, empty ones included
MAX_XLSX_ROW_NUMBER = 1_048_576  # the last row of a spreadsheet

# ------------------------------------------------------------ JSON API
MAX_BODY = 10 * MB  # the request body
# JSON values (objects, arrays, numbers, strings) of a body, counted before it is parsed.
MAX_JSON_VALUES = 600_000
MAX_BILLINGS = 1000  # billings of one request
MAX_LINES = 50_000  # lines of all billings of one request
MAX_INTEGER_DIGITS = 15  # an integer with more digits is no quantity nor price
MAX_STOCK_TOLERANCE = 1_000_000_000  # how far below zero a stock may go before a sale is held

# ------------------------------------------------------------ answers
MAX_ERRORS = 100  # errors listed in one answer; the others are counted
MAX_PRODUCT_RESULTS = 50  # products answered by the portal's product search
MAX_SEARCH_LENGTH = 100  # characters of a search term of the portal
MAX_TEMPLATE_PRODUCTS = 5000  # products listed on the second sheet of the XLSX template
MAX_PREVIEW_DAYS = 62  # days of an upload's dry run listed with their totals
MAX_PREVIEW_NAMES = 20  # new retailers and product codes an upload's dry run names

# ------------------------------------------------------------ API keys of distributors
MAX_API_KEYS = 20  # live keys of one portal user
MAX_API_KEY_NAME = 100  # characters of a key's description
MIN_API_KEY_DAYS, MAX_API_KEY_DAYS = 1, 365  # the duration a company gives its distributors' keys

# ------------------------------------------------------------ distributors' stock statements
MAX_STATEMENT_LINES = 5000  # product lines of one stock statement (form or file)
MAX_STOCK_QUANTITY = 1e9  # a declared stock of one product, in its unit
MAX_STATEMENT_AGE_DAYS = 3 * 366  # a statement is dated at most this many days back, never ahead
