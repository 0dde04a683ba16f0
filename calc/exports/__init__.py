"""Files to download: tables as CSV, the results workbook, text made safe for spreadsheets.

One concern per module:

- :mod:`calc.exports.neutralise`: text that a spreadsheet would run as a formula
  gets a leading apostrophe; numbers, dates and ordinary text are left alone.
- :mod:`calc.exports.csv_file`: one table as CSV bytes (UTF-8 with BOM).
- :mod:`calc.exports.results_workbook`: every result table as one XLSX workbook,
  written a column at a time and streamed, so a million customers take seconds.

The scenarios workbook, whose results are live formulas, is
:mod:`calc.export_excel`. Everything here is pure: bytes out, no file system.
"""

from calc.exports.csv_file import to_csv
from calc.exports.neutralise import neutralise
from calc.exports.results_workbook import MAX_DATA_ROWS, to_xlsx

__all__ = ["MAX_DATA_ROWS", "neutralise", "to_csv", "to_xlsx"]
