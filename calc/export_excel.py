"""An Excel workbook of the scenarios whose results are live formulas.

Each scenario gets a sheet: its inputs are plain cells, and the CLV, CLV:CAC
and payback below them are Excel formulas that refer to those cells, so a
client can change a number in Excel and see every result follow. A
"Comparison" sheet lists every scenario side by side, again as formulas that
point at the scenario sheets, with the change against the pinned baseline.

The formulas are those of :func:`calc.clv.clv_report` (a test recomputes the
workbook with a formula engine and compares with it). Every formula cell also
carries its result (:func:`results`), so a reader that does not recalculate
(a previewer, a mail client, pandas) shows the numbers, not zeros.

Names come from users: they are written as text, never as a formula or a
link, and a name a spreadsheet would run as a formula (``=HYPERLINK(...)``)
gets Excel's own quote prefix, so it stays text when the cell is edited.
Pure: bytes out, no file system.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence

import xlsxwriter
from xlsxwriter.utility import quote_sheetname

from calc.exports.neutralise import is_risky
from calc.scenarios import Scenario

#: Rows of a scenario sheet (1-based, column B): inputs first, then results.
ROW = {
    "avg_order_value": 4,
    "purchases_per_year": 5,
    "gross_margin": 6,
    "discount_rate": 7,
    "acquisition_cost": 8,
    "churn_rate": 9,
    "lifespan_years": 10,
    "annual_revenue": 13,
    "annual_margin": 14,
    "revenue_clv": 15,
    "discounted_margin_clv": 16,
    "net_clv": 17,
    "clv_cac": 18,
    "payback_months": 19,
    "payback_years": 20,
    "whole_years": 21,
}

LABELS = {
    "avg_order_value": "Average order value",
    "purchases_per_year": "Purchases per customer per year",
    "gross_margin": "Gross margin",
    "discount_rate": "Discount rate per year",
    "acquisition_cost": "Acquisition cost (CAC)",
    "churn_rate": "Churn per year",
    "lifespan_years": "Customer lifespan (years)",
    "annual_revenue": "Revenue per customer per year",
    "annual_margin": "Gross margin per customer per year",
    "revenue_clv": "Lifetime revenue per customer",
    "discounted_margin_clv": "Customer lifetime value (CLV)",
    "net_clv": "CLV after acquisition cost",
    "clv_cac": "CLV : CAC",
    "payback_months": "Months to earn back CAC",
    "payback_years": "Years to earn back CAC",
    "whole_years": "Helper: year in which CAC is earned back",
}

#: What the comparison sheet shows of each scenario, in order.
COMPARED = (
    "avg_order_value",
    "purchases_per_year",
    "gross_margin",
    "discount_rate",
    "acquisition_cost",
    "churn_rate",
    "lifespan_years",
    "revenue_clv",
    "discounted_margin_clv",
    "net_clv",
    "clv_cac",
    "payback_months",
)

_MONEY = {
    "avg_order_value",
    "acquisition_cost",
    "annual_revenue",
    "annual_margin",
    "revenue_clv",
    "discounted_margin_clv",
    "net_clv",
}
_PERCENT = {"gross_margin", "discount_rate", "churn_rate"}
#: Every text the workbook shows, in English; :func:`workbook` takes translations.
TEXTS = {
    **LABELS,
    "comparison": "Comparison",
    "title": "Scenario {name}",
    "inputs_note": "Yellow cells are inputs: change them and every result follows.",
    "inputs": "Inputs",
    "results": "Results (formulas)",
    "method": (
        "Method: yearly margin at the start of each year, kept with probability "
        "1 - churn and discounted; CLV = margin x (1 + d) / (d + churn) "
        "(Gupta & Lehmann 2003, first year's margin included)."
    ),
    "compare_title": "Scenarios side by side",
    "compare_note": "Change columns compare with the baseline, {name}.",
    "measure": "Measure",
    "baseline": "{name} (baseline)",
    "change": "Change {name}",
    "never": "never",
    "not_available": "n/a",
}


def _cell(key: str) -> str:
    return f"B{ROW[key]}"


def formulas(texts: dict[str, str] = TEXTS) -> dict[str, str]:
    """The Excel formula of each result on a scenario sheet (without the sheet name).

    Notes
    -----
    Yearly model, margin m at the start of each year, churn c, discount d:
    CLV = m (1 + d) / (d + c); payback follows :func:`calc.clv.cac_payback_periods`:
    with k the first year whose cumulative expected margin m (1 - (1 - c)^k) / c
    reaches the CAC, payback = (k - 1) + (CAC - cumulative(k - 1)) / (m (1 - c)^(k - 1))
    years; never when m = 0 or CAC x c >= m.
    """
    aov, freq, gm, d, cac, c, life = (
        _cell(k)
        for k in (
            "avg_order_value",
            "purchases_per_year",
            "gross_margin",
            "discount_rate",
            "acquisition_cost",
            "churn_rate",
            "lifespan_years",
        )
    )
    rev, m, clv = _cell("annual_revenue"), _cell("annual_margin"), _cell("discounted_margin_clv")
    k, years = _cell("whole_years"), _cell("payback_years")
    never, na = (texts[key].replace('"', "'") for key in ("never", "not_available"))
    return {
        "annual_revenue": f"={aov}*{freq}",
        "annual_margin": f"={rev}*{gm}",
        "revenue_clv": f"={rev}*{life}",
        "discounted_margin_clv": f"={m}*(1+{d})/({d}+{c})",
        "net_clv": f"={clv}-{cac}",
        "clv_cac": f'=IF({cac}=0,"{na}",{clv}/{cac})',
        "whole_years": (
            f"=IF(OR({cac}=0,{m}=0,{c}>=1,{cac}*{c}>={m}),0,"
            f"MAX(1,ROUNDUP(LN(1-{cac}*{c}/{m})/LN(1-{c}),0)))"
        ),
        "payback_years": (
            f'=IF({cac}=0,0,IF({m}=0,"{never}",IF({c}>=1,'
            f'IF({cac}<={m},{cac}/{m},"{never}"),IF({cac}*{c}>={m},"{never}",'
            f"({k}-1)+({cac}-{m}*(1-(1-{c})^({k}-1))/{c})/({m}*(1-{c})^({k}-1))))))"
        ),
        "payback_months": f'=IF(ISNUMBER({years}),{years}*12,"{never}")',
    }


def results(inputs: Mapping[str, float], texts: Mapping[str, str] = TEXTS) -> dict[str, object]:
    """What each formula of a scenario sheet evaluates to, as Excel computes it (its cached value).

    The same branches as :func:`formulas`, in Python: a number, or the text
    of ``never`` / ``not_available`` where the formula gives that text.
    Also the derived lifetime input (``lifespan_years`` from churn, or
    ``churn_rate`` from the lifespan).

    Examples
    --------
    >>> r = results({"avg_order_value": 50, "purchases_per_year": 4, "gross_margin": 0.4,
    ...     "discount_rate": 0.1, "acquisition_cost": 120, "churn_rate": 0.25})
    >>> round(r["discounted_margin_clv"], 2), r["whole_years"], round(r["payback_months"], 2)
    (251.43, 2, 20.0)
    >>> results({"avg_order_value": 50, "purchases_per_year": 4, "gross_margin": 0.4,
    ...     "discount_rate": 0.1, "acquisition_cost": 0, "lifespan_years": 2})["clv_cac"]
    'n/a'
    >>> results({"avg_order_value": 50, "purchases_per_year": 4, "gross_margin": 0,
    ...     "discount_rate": 0.1, "acquisition_cost": 120, "churn_rate": 0.25})["payback_months"]
    'never'
    """
    aov, freq, gm, d, cac = (
        inputs[k]
        for k in (
            "avg_order_value",
            "purchases_per_year",
            "gross_margin",
            "discount_rate",
            "acquisition_cost",
        )
    )
    if "churn_rate" in inputs:
        c = inputs["churn_rate"]
        life = 1 / c
    else:
        life = inputs["lifespan_years"]
        c = 1 / life
    never, na = (texts[key].replace('"', "'") for key in ("never", "not_available"))
    rev = aov * freq
    m = rev * gm
    clv = m * (1 + d) / (d + c)
    if cac == 0 or m == 0 or c >= 1 or cac * c >= m:
        k = 0
    else:  # ROUNDUP(x, 0) of a positive x is its ceiling
        k = max(1, math.ceil(math.log(1 - cac * c / m) / math.log(1 - c)))
    years: float | str
    if cac == 0:
        years = 0
    elif m == 0:
        years = never
    elif c >= 1:
        years = cac / m if cac <= m else never
    elif cac * c >= m:
        years = never
    else:
        before = m * (1 - (1 - c) ** (k - 1)) / c
        years = (k - 1) + (cac - before) / (m * (1 - c) ** (k - 1))
    out = {
        "annual_revenue": rev,
        "annual_margin": m,
        "revenue_clv": rev * life,
        "discounted_margin_clv": clv,
        "net_clv": clv - cac,
        "clv_cac": na if cac == 0 else clv / cac,
        "whole_years": k,
        "payback_years": years,
        "payback_months": years * 12 if isinstance(years, (int, float)) else never,
    }
    out["lifespan_years" if "churn_rate" in inputs else "churn_rate"] = (
        life if "churn_rate" in inputs else c
    )
    return out


def sheet_names(scenarios: Sequence[Scenario], reserved: str = "Comparison") -> list[str]:
    """Excel-safe, unique sheet names for the scenarios (at most 31 characters).

    >>> sheet_names([Scenario("A/B: test?", {}), Scenario("A-B- test-", {})])
    ['A-B- test-', 'A-B- test- (2)']
    """
    names: list[str] = []
    for item in scenarios:
        base = re.sub(r"[\[\]:*?/\\]", "-", item.name).strip("'")[:26] or "Scenario"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names) or name.lower() == reserved.lower():
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def workbook(
    scenarios: Sequence[Scenario],
    baseline: str | None,
    currency: str,
    texts: Mapping[str, str] | None = None,
) -> bytes:
    """The XLSX file: a sheet per scenario and a comparison sheet, results as formulas.

    Parameters
    ----------
    scenarios : sequence of Scenario
        At least one; checked scenarios from :func:`calc.scenarios.scenario`.
    baseline : str, optional
        Name of the pinned scenario; the first one when omitted or unknown.
    currency : str
        ISO code shown with money cells (``"EUR"``).
    texts : mapping, optional
        Translations of any of :data:`TEXTS` (same keys and ``{name}`` fields).

    Returns
    -------
    bytes
        An ``.xlsx`` file. Every formula cell holds its result too
        (:func:`results`); Excel and LibreOffice recalculate on opening anyway.
        Text is never turned into a formula, a number or a link.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    # Excel's quote prefix: risky text shows as typed and stays text when edited.
    quoted = {
        None: book.add_format({"quote_prefix": True}),
        "bold": book.add_format({"bold": True, "quote_prefix": True}),
        "title": book.add_format({"bold": True, "font_size": 14, "quote_prefix": True}),
    }
    plain_styles = {None: None, "bold": bold, "title": title}

    def write_text(sheet, row: int, col: int, value: str, kind: str | None = None) -> None:
        cell_format = quoted[kind] if is_risky(value) else plain_styles[kind]
        sheet.write_string(row, col, value, cell_format)

    money = book.add_format({"num_format": f'#,##0.00 "{currency}"'})
    percent = book.add_format({"num_format": "0.0%"})
    plain = book.add_format({"num_format": "#,##0.00"})
    entry = {
        "money": book.add_format({"num_format": f'#,##0.00 "{currency}"', "bg_color": "#FFF5CC"}),
        "percent": book.add_format({"num_format": "0.0%", "bg_color": "#FFF5CC"}),
        "plain": book.add_format({"num_format": "#,##0.00", "bg_color": "#FFF5CC"}),
    }

    def style(key: str, *, typed: bool = False):
        kind = "money" if key in _MONEY else "percent" if key in _PERCENT else "plain"
        if typed:
            return entry[kind]
        return {"money": money, "percent": percent, "plain": plain}[kind]

    text = {**TEXTS, **(texts or {})}
    names = sheet_names(scenarios, text["comparison"][:31])
    compare = book.add_worksheet(sheet_names([Scenario(text["comparison"], {})], "")[0])
    sheet_formulas = formulas(text)
    values = {item.name: {**item.inputs, **results(item.inputs, text)} for item in scenarios}
    for item, name in zip(scenarios, names, strict=True):
        cached = values[item.name]
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 0, 42)
        sheet.set_column(1, 1, 18)
        write_text(sheet, 0, 0, text["title"].format(name=item.name), "title")
        write_text(sheet, 1, 0, text["inputs_note"])
        write_text(sheet, 2, 0, text["inputs"], "bold")
        by_churn = "churn_rate" in item.inputs
        for key in ("avg_order_value", "purchases_per_year", "gross_margin", "discount_rate"):
            sheet.write_number(ROW[key] - 1, 1, item.inputs[key], style(key, typed=True))
        sheet.write_number(
            ROW["acquisition_cost"] - 1,
            1,
            item.inputs["acquisition_cost"],
            style("acquisition_cost", typed=True),
        )
        if by_churn:
            sheet.write_number(
                ROW["churn_rate"] - 1, 1, item.inputs["churn_rate"], style("churn_rate", typed=True)
            )
            sheet.write_formula(
                ROW["lifespan_years"] - 1,
                1,
                f"=1/{_cell('churn_rate')}",
                plain,
                cached["lifespan_years"],
            )
        else:
            sheet.write_number(
                ROW["lifespan_years"] - 1,
                1,
                item.inputs["lifespan_years"],
                style("lifespan_years", typed=True),
            )
            sheet.write_formula(
                ROW["churn_rate"] - 1,
                1,
                f"=1/{_cell('lifespan_years')}",
                percent,
                cached["churn_rate"],
            )
        write_text(sheet, 11, 0, text["results"], "bold")
        for key, row in ROW.items():
            write_text(sheet, row - 1, 0, text[key])
            if key in sheet_formulas:
                sheet.write_formula(row - 1, 1, sheet_formulas[key], style(key), cached[key])
        write_text(sheet, ROW["whole_years"] + 1, 0, text["method"])

    base = baseline if baseline in [s.name for s in scenarios] else scenarios[0].name
    base_sheet = quote_sheetname(names[[s.name for s in scenarios].index(base)])
    compare.set_column(0, 0, 36)
    compare.set_column(1, 2 * len(scenarios), 16)
    write_text(compare, 0, 0, text["compare_title"], "title")
    write_text(compare, 1, 0, text["compare_note"].format(name=base))
    write_text(compare, 3, 0, text["measure"], "bold")
    for index, (item, name) in enumerate(zip(scenarios, names, strict=True)):
        value_col, change_col = 1 + 2 * index, 2 + 2 * index
        label = text["baseline"].format(name=item.name) if item.name == base else item.name
        write_text(compare, 3, value_col, label, "bold")
        write_text(compare, 3, change_col, text["change"].format(name=item.name), "bold")
        ref = quote_sheetname(name)
        for offset, key in enumerate(COMPARED):
            row = 4 + offset
            write_text(compare, row, 0, text[key])
            value = values[item.name][key]
            compare.write_formula(row, value_col, f"={ref}!{_cell(key)}", style(key), value)
            mine, theirs = f"{ref}!{_cell(key)}", f"{base_sheet}!{_cell(key)}"
            other = values[base][key]
            both = isinstance(value, (int, float)) and isinstance(other, (int, float))
            compare.write_formula(
                row,
                change_col,
                f'=IF(AND(ISNUMBER({mine}),ISNUMBER({theirs})),{mine}-{theirs},"")',
                style(key),
                value - other if both else "",
            )
    book.close()
    return buffer.getvalue()
