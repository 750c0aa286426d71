from .billing_file import (
    COLUMNS,
    HEADER_COLUMNS,
    MAX_CELL_LENGTH,
    MAX_FILE_SIZE,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    group_rows,
    read_rows,
    to_date,
    to_number,
)
