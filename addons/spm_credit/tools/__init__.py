from .attainment import attainment_percent, attainment_percent_sql
from .bulk_insert import insert_rows
from .credit_descriptor import CreditDescriptor
from .cron_slice import end_of_batch, job_slice_seconds
from .table_statistics import refresh_statistics
from .xlsx_stream import Formula, XlsxStreamWriter, column_letter
