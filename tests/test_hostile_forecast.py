"""Files the upload accepts must not crash the Forecast page (issue 15).

Before: a wide subscription table (one column a month) ended in ``KeyError: 'start'``
(the cohorts read only start/end tables); an order log from 1900 to 2200 ended in an
overflow (dates written with month names, or typed in a workbook, skipped the year
check, and 300 years do not fit a nanosecond time span); a file too small for the
model whose late customers have text ids ended in ``ValueError: could not convert
string to float: 'A'``. Every file is built here, small.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from streamlit.testing.v1 import AppTest

from calc import upload
from calc.errors import DataError
from calc.models import sbg
from calc.models.cohorts import subscription_cohorts
from ui.format import localized, number, pct
from ui.i18n import t

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
PAGES = ("pages/5_Your_data.py", "pages/2_Retention_metrics.py", "pages/6_Forecast.py")


def on_every_page(name: str, data: bytes) -> dict[str, AppTest]:
    """Upload on Your data, then open each page in turn: none may end in a traceback."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(PAGES[0]).run()
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception
    seen = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        seen[page] = at
    return seen


# ------------------------------------------------------------------ wide subscription tables


def wide_table(customers: int = 30) -> bytes:
    """Revenue per customer and month, Jan-Aug 2025; starts in Jan-Mar, some stop paying."""
    months = [f"2025-{m:02d}" for m in range(1, 9)]
    lines = ["customer;" + ";".join(months)]
    for i in range(customers):
        start, stop = i % 3, i % 3 + 1 + i % 7  # stop >= 8: still paying in August
        cells = ["29" if start <= m < stop else "" for m in range(8)]
        lines.append(f"c{i};" + ";".join(cells))
    return ("\n".join(lines) + "\n").encode()


def test_wide_subscription_table_gets_a_retention_curve_on_the_forecast_page():
    """``KeyError: 'start'`` on the Forecast page before."""
    data = wide_table()
    read = upload.read(data, "wide.csv")
    assert read.report.layout == "wide"
    model = sbg.fit(subscription_cohorts(read.table))
    at = on_every_page("wide.csv", data)[PAGES[2]]
    assert not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("forecast.sub_customers")] == number(30)
    assert shown[t("forecast.sub_after_year")] == pct(model.survival(12))


def test_cohorts_from_months_with_revenue_hand_worked():
    """Jan-Apr 2026. a pays every month; b January only; c January and March (a gap, not a
    loss: gone after March); d February on; e February only; f from March (a zero in
    January is no start); g never pays anything (no subscriber).

    January cohort (a, b, c), seen to age 3: 3, then a and c, a and c, then a alone.
    February (d, e), seen to age 2: 2, 1, 1. March (f), seen to age 1: 1, 1.
    """
    rows = [
        ("a", "2026-01", 10), ("a", "2026-02", 10), ("a", "2026-03", 10), ("a", "2026-04", 10),
        ("b", "2026-01", 5),
        ("c", "2026-01", 8), ("c", "2026-03", 8),
        ("d", "2026-02", 9), ("d", "2026-03", 9), ("d", "2026-04", 12),
        ("e", "2026-02", 4),
        ("f", "2026-01", 0), ("f", "2026-03", 7), ("f", "2026-04", 7),
        ("g", "2026-02", 0),
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=["customer_id", "month", "mrr"])
    table["month"] = pd.to_datetime(table["month"])
    cohorts = subscription_cohorts(table)
    assert cohorts.index.tolist() == ["2026-01", "2026-02", "2026-03"]
    assert cohorts.loc["2026-01"].tolist() == [3, 2, 2, 1]
    assert cohorts.loc["2026-02"].tolist()[:3] == [2, 1, 1]
    assert cohorts.loc["2026-03"].tolist()[:2] == [1, 1]
    assert np.isnan(cohorts.loc["2026-03"].tolist()[2:]).all()


def test_a_wide_table_where_nobody_pays_has_no_cohorts():
    table = pd.DataFrame(
        {"customer_id": ["a", "b"], "month": pd.to_datetime(["2026-01-01"] * 2), "mrr": [0.0] * 2}
    )
    with pytest.raises(DataError, match="No subscription pays anything"):
        subscription_cohorts(table)


# ------------------------------------------------------------------ dates from 1900 to 2200


def test_order_log_from_1900_to_2200_on_every_page():
    """300 years of orders overflowed a nanosecond time span on the Forecast page."""
    rows = ["date,customer,amount"]
    for i in range(30):
        rows += [f"5 Jan 1900,K{i},10", f"5 Feb 1950,K{i},12", f"5 Mar 2000,K{i},7"]
        rows.append(f"5 Jan 2200,K{i},9")
    data = ("\n".join(rows) + "\n").encode()
    read = upload.read(data, "span.csv")
    assert read.table["date"].max() == pd.Timestamp("2000-03-05")
    assert read.report.rows_skipped == 30
    on_every_page("span.csv", data)


@pytest.mark.parametrize(
    ("written", "read_before"),
    [
        ("5 Jan 2200", "2200-01-05"),
        ('"Jan 5, 3000"', "1830-11-27"),  # wrapped around the nanosecond range
        ("5 Jan 0001", "2001-01-05"),
        ("5 Jan 1200", "1784-07-24"),
    ],
)
def test_dates_with_month_names_outside_1900_2100_are_skipped(written, read_before):
    data = f"date,customer,amount\n{written},A,10\n5 Feb 2020,B,12\n5 Mar 2020,C,7\n".encode()
    read = upload.read(data, "x.csv")
    assert read.table["customer_id"].tolist() == ["B", "C"], read_before
    assert read.report.skipped["reason"].tolist() == ["upload.skip.date_not_understood"]


@pytest.mark.parametrize("year", [1850, 2200, 9999])
def test_date_cells_of_a_workbook_outside_1900_2100_are_skipped(year):
    """2200 was read as it is; 9999 made the whole workbook unreadable."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet, shown = book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["date", "customer", "amount"])
    for i, (when, who) in enumerate(
        [
            (dt.datetime(year, 1, 5), "A"),
            (dt.datetime(2020, 2, 5), "B"),
            (dt.datetime(2020, 3, 5), "C"),
        ],
        start=1,
    ):
        sheet.write_datetime(i, 0, when, shown)
        sheet.write_row(i, 1, [who, 10])
    book.close()
    read = upload.read(buffer.getvalue(), "x.xlsx")
    assert read.table["customer_id"].tolist() == ["B", "C"]
    assert read.report.rows_skipped == 1


# ------------------------------------------------------------------ no model, late customers


def test_late_customers_with_text_ids_when_the_file_is_too_small_for_the_model():
    """``could not convert string to float: 'Anna'`` on the Forecast page before."""
    anna = [f"2024-0{m}-05,Anna,10" for m in (1, 2, 3)]
    bo = [f"2024-{m:02d}-10,Bo,12" for m in range(1, 13)]
    data = ("date,customer,amount\n" + "\n".join(anna + bo) + "\n").encode()
    at = on_every_page("late.csv", data)[PAGES[2]]
    late = [frame.value for frame in at.dataframe if "days_since_last" in frame.value.columns]
    assert late[-1]["customer_id"].tolist() == ["Anna"]


def test_localized_leaves_a_column_of_text_as_text():
    frame = pd.DataFrame({"customer_id": ["Anna", "Bo"], "days": [3.0, 4.5]})
    styled = localized(frame, {"customer_id": "decimal", "days": "decimal"}).to_string()
    assert "Anna" in styled and "4.5" in styled
