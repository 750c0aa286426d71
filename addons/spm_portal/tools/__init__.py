from . import limits
from .bill_number import bill_number_key
from .billing_file import (
    COLUMNS,
    HEADER_COLUMNS,
    REQUIRED_COLUMNS,
    group_rows,
    read_rows,
    to_date,
    to_number,
)
from .errors import ErrorList, bound_errors, count_errors
from .limits import MAX_CELL_LENGTH, MAX_FILE_SIZE, MAX_ROWS
