from .xlsx_stream import Formula, XlsxStreamWriter, column_letter
