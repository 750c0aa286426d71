from .attainment import attainment_percent, attainment_percent_sql
from .credit_descriptor import CreditDescriptor
from .xlsx_stream import Formula, XlsxStreamWriter, column_letter
