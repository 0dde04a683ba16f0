"""Every language: complete catalogues, same fields, local formats, and every page in it.

The catalogues are read without the development fallback, so a missing file,
a missing key or an extra key fails here.
"""

import re
import string
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_decimal
from streamlit.testing.v1 import AppTest

from calc.errors import InputError
from calc.messages import catalogue as calc_catalogue
from calc.thresholds import RULES
from ui import i18n
from ui.chrome import PAGES
from ui.format import (
    calc_text,
    cell_format,
    chart_locale,
    duration,
    localized,
    money,
    number,
    pct,
    percent_printf,
    signed_pct,
)
from ui.i18n import (
    BABEL_LOCALES,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES,
    catalogue,
    column_title,
    from_browser,
    speaking,
    t,
)

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
OTHERS = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
#: Words that give away an English text among the other five languages.
ENGLISH = re.compile(
    r"\b(the|your|of|and|with|what|how|customer|customers|revenue|retention|value|worth|"
    r"rate|year|years|month|months|per year|lost|kept)\b",
    re.IGNORECASE,
)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def bare(text: str) -> str:
    """``text`` without its ``{fields}``."""
    return re.sub(r"\{\w*\}", "", text)


def test_the_six_languages_are_offered():
    assert list(LANGUAGES) == ["en", "nb", "da", "pl", "fi", "sq"]
    assert LANGUAGES.keys() == BABEL_LOCALES.keys()


@pytest.mark.parametrize("code", OTHERS)
def test_catalogue_has_the_files_of_english(code):
    english = sorted(p.name for p in (LOCALES / DEFAULT_LANGUAGE).glob("*.toml"))
    assert sorted(p.name for p in (LOCALES / code).glob("*.toml")) == english


@pytest.mark.parametrize("code", OTHERS)
def test_catalogue_has_exactly_the_keys_of_english(code):
    english, other = catalogue(DEFAULT_LANGUAGE).keys(), catalogue(code).keys()
    assert sorted(english - other) == [], "missing"
    assert sorted(other - english) == [], "not in English"


@pytest.mark.parametrize("code", OTHERS)
def test_every_text_has_the_fields_of_english(code):
    english, other = catalogue(DEFAULT_LANGUAGE), catalogue(code)
    differ = {k: (fields(v), fields(other[k])) for k, v in english.items() if k in other}
    assert {k: f for k, f in differ.items() if f[0] != f[1]} == {}


@pytest.mark.parametrize("code", OTHERS)
def test_every_text_is_translated(code):
    """A text equal to English is allowed only without English words (``CLV : CAC``)."""
    english, other = catalogue(DEFAULT_LANGUAGE), catalogue(code)
    same = [k for k, v in english.items() if other.get(k) == v and ENGLISH.search(bare(v))]
    assert same == []


def test_only_development_borrows_a_missing_file_from_english(tmp_path, monkeypatch):
    files = {"en/a.toml": 'x = "X"', "en/b.toml": 'y = "Y"', "nb/a.toml": 'x = "Z"'}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    catalogue.cache_clear()
    try:
        assert catalogue("nb") == {"x": "Z"}
        assert catalogue("nb", fallback=True) == {"x": "Z", "y": "Y"}
    finally:
        catalogue.cache_clear()


def test_english_rules_of_thumb_are_calcs_own_words():
    """``calc.thresholds`` stays the source of the rules; English repeats it word for word."""
    english = catalogue(DEFAULT_LANGUAGE)
    for r in RULES:
        assert english[f"rule.{r.key}.metric"] == r.metric
        assert english[f"rule.{r.key}.source"] == r.source
        assert english.get(f"rule.{r.key}.next_step", r.next_step) == r.next_step


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_t_fills_fields_in_every_language(code):
    with speaking(code):
        for key, text in catalogue(code).items():
            filled = t(key, **{name: "§" for name in fields(text)})
            assert "{" not in filled.replace("{{", ""), key
        assert "3" in t("fmt.days", value="3")
    if code != DEFAULT_LANGUAGE:
        with speaking(code):
            assert t("clv.title") != catalogue(DEFAULT_LANGUAGE)["clv.title"]


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("nb-NO", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("da-DK", "da"),
        ("pl", "pl"),
        ("fi-FI", "fi"),
        ("sq-AL", "sq"),
        ("en-GB", "en"),
        ("de-DE", "en"),
        (None, "en"),
    ],
)
def test_browser_language_picks_ours(tag, code):
    assert from_browser(tag) == code


NBSP = "\xa0"


@pytest.mark.parametrize(
    ("code", "currency", "expected"),
    [
        ("nb", "NOK", "1 234,50 kr"),
        ("pl", "PLN", "1 234,50 zł"),
        ("da", "DKK", "1.234,50 kr."),
        ("fi", "EUR", "1 234,50 €"),
        ("en", "EUR", "€1,234.50"),
    ],
)
def test_money_in_the_locale(code, currency, expected):
    with speaking(code):
        assert money(1234.5, currency, cents=True).replace(NBSP, " ") == expected


def test_whole_amounts_percent_and_numbers_in_norwegian_and_polish():
    with speaking("nb"):
        assert money(1234.5, "NOK").replace(NBSP, " ") == "1 234 kr"
        assert pct(0.125).replace(NBSP, " ") == "12,5 %"
        assert number(1234567.891, 2).replace(NBSP, " ") == "1 234 567,89"
        assert signed_pct(0.2, 0).replace(NBSP, " ") == "+20 %"
    with speaking("pl"):
        assert pct(0.125) == "12,5%"
        assert money(1234.5, "EUR").replace(NBSP, " ") == "1 234 €"


def without_citations(text: str, code: str) -> str:
    """``text`` without the cited sources, whose titles stay in their own language."""
    for key, value in catalogue(code).items():
        if key == "clv.sources" or (key.startswith("rule.") and key.endswith(".source")):
            text = text.replace(value, "")
    return text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", ["1 year", "2 years", "5 years", "3.3 years", "1 month"]),
        ("pl", ["1 rok", "2 lata", "5 lat", "3,3 roku", "1 miesiąc"]),
        ("fi", ["1 vuosi", "2 vuotta", "5 vuotta", "3,3 vuotta", "1 kk"]),
    ],
)
def test_durations_take_the_plural_form_of_the_number_shown(code, expected):
    with speaking(code):
        shown = [duration(v, "years") for v in (1, 2, 5, 3.3)] + [duration(1, "months")]
    assert shown == expected


def test_charts_group_digits_and_name_months_as_the_language_does():
    with speaking("nb"):
        nb = chart_locale()
    assert (nb["number"]["decimal"], nb["number"]["thousands"]) == (",", NBSP)
    assert nb["time"]["months"][0] == "januar"
    english = chart_locale()
    assert (english["number"]["decimal"], english["number"]["thousands"]) == (".", ",")
    assert english["time"]["days"][0] == "Sunday"


def test_table_columns_are_named_in_the_language_and_file_columns_keep_theirs():
    with speaking("pl"):
        assert column_title("churn_rate") == catalogue("pl")["col.churn_rate"]
        assert column_title("Kategoria sklepu") == "Kategoria sklepu"
    assert column_title("customers_pct") == "Customers (% of cohort)"


def visible_texts(at: AppTest) -> list[str]:
    """Our texts on the page: headings, captions, markdown, messages, metric and widget labels."""
    texts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.caption, *at.markdown)]
    texts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    for elements in (
        at.metric,
        at.number_input,
        at.slider,
        at.selectbox,
        at.radio,
        at.text_area,
        at.button,
        at.tabs,
        at.expander,
    ):
        texts += [e.label for e in elements]
    return texts


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_page_runs_in_every_language_without_english_leftovers(code):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = code
    at.run()
    for info in PAGES:
        if info.path != "app.py":
            at.switch_page(info.path).run()
        assert not at.exception, info.path
        assert at.title[0].value == catalogue(code)[f"{info.key}.title"]
        texts = visible_texts(at)
        assert len(texts) > 2, info.path
        if code != DEFAULT_LANGUAGE:
            leftovers = [s for s in texts if ENGLISH.search(without_citations(s, code))]
            assert leftovers == [], info.path


@pytest.mark.parametrize("code", OTHERS)
def test_your_data_and_forecast_on_samples_in_every_language(code):
    """The pages that stay nearly empty until a file is read, on order and subscription samples."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = code
    at.run()
    for path in ("pages/5_Your_data.py", "pages/6_Forecast.py"):
        at.switch_page(path).run()
        for sample in ("orders_european.csv", "subscriptions.csv"):
            at.session_state["up_sample"] = sample
            at.run()
            assert not at.exception, (path, sample)
            assert at.metric, (path, sample)
            texts = visible_texts(at)
            leftovers = [s for s in texts if ENGLISH.search(without_citations(s, code))]
            assert leftovers == [], (path, sample)
            if path.endswith("Your_data.py") and sample == "orders_european.csv":
                how = catalogue(code)["upload.up_sep_semicolon"]  # once shown as "semicolon"
                assert any(how in text for text in texts)


def test_language_comes_from_the_link():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "pl"
    at.run()
    assert at.session_state["lang"] == "pl"
    assert at.title[0].value == catalogue("pl")["overview.title"]


def test_selector_overrides_and_currency_stays():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "nb"
    at.run()
    at.selectbox(key="cur_pick").set_value("PLN").run()
    at.selectbox(key="lang_pick").set_value("fi").run()
    assert at.title[0].value == catalogue("fi")["overview.title"]
    assert at.selectbox(key="cur_pick").value == "PLN"


#: Inputs that calc refuses: a page and the (widget kind, key, value) steps typed on it.
REFUSED = [
    ("pages/1_Customer_value.py", [("number_input", "churn", 0.0)]),
    ("pages/1_Customer_value.py", [("number_input", "aov", -5.0)]),
    ("pages/2_Retention_metrics.py", [("number_input", "m_new", 2000.0)]),
    ("pages/2_Retention_metrics.py", [("text_area", "m_nps", "10, 9, eleven")]),
    ("pages/3_What_if.py", [("slider", "wi_ret", 99.0), ("slider", "wi_up", 5.0)]),
]


@pytest.mark.parametrize("code", OTHERS)
def test_calc_errors_are_shown_in_the_language_and_inputs_keep_their_values(code):
    for path, steps in REFUSED:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["lang"] = code
        at.run()
        at.switch_page(path).run()
        for kind, key, value in steps:
            getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, path
        shown = [e.value for e in at.error]
        assert shown, (path, steps)
        assert [s for s in shown if ENGLISH.search(s)] == [], (path, steps)
        for kind, key, value in steps:
            assert getattr(at, kind)(key=key).value == value


def test_a_zero_churn_reads_the_same_in_english_as_calc_says_it():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/1_Customer_value.py").run()
    at.number_input(key="churn").set_value(0.0).run()
    assert calc_catalogue("en")["clv.churn_zero"] in [e.value for e in at.error]
    with speaking("pl"):
        assert (
            calc_text(InputError("churn_rate", "clv.churn_zero"))
            == calc_catalogue("pl")["clv.churn_zero"]
        )


def test_skipped_rows_are_explained_in_the_language():
    """Reasons, notes and the table's headings of a file with two bad rows, in Polish."""
    bad = (
        "Kunde;Dato;Beløp\nAnna;01.02.2025;120,50\nBjørn;03.02.2025;abc\n;05.02.2025;80\n"
        "Anna;10.03.2025;99,90\nCarl;12.03.2025;45\n"
    ).encode()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "pl"
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.file_uploader[0].set_value(("zamowienia.csv", bad, "text/csv")).run()
    assert not at.exception
    polish = calc_catalogue("pl")
    skipped = next(frame.value for frame in at.dataframe if "reason" in frame.value.columns)
    assert skipped["reason"].tolist() == [
        polish["upload.skip.amount_not_understood"],
        polish["upload.skip.customer_missing"],
    ]
    with speaking("pl"):
        headings = {column_title(name) for name in ("row", "reason", "column", "value")}
    assert not headings & {"row", "reason", "column", "value"}
    notes = [w.value for w in at.warning]
    assert any(text.startswith("Pominięte wiersze: 2 z 5") for text in notes)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", ["1,500", "1,234.50", "83.3%", "-5.0%"]),
        ("nb", ["1\xa0500", "1\xa0234,50", "83,3\xa0%", "\u22125,0\xa0%"]),
        ("pl", ["1\xa0500", "1\xa0234,50", "83,3%", "-5,0%"]),
        ("da", ["1.500", "1.234,50", "83,3\xa0%", "-5,0\xa0%"]),
    ],
)
def test_table_cells_are_written_as_the_language_writes_numbers(code, expected):
    """Babel's CLDR data is the oracle: the same numbers through format_decimal/format_percent."""
    with speaking(code):
        cells = [
            cell_format("count")(1500),
            cell_format("money")(1234.5),
            cell_format("percent")(0.8333),
            cell_format("percent")(-0.05),
        ]
        assert cells == expected
        assert cells[1] == format_decimal(1234.5, "#,##0.00", locale=BABEL_LOCALES[code])


def test_a_table_keeps_its_numbers_and_writes_whole_decimals_as_counts():
    frame = pd.DataFrame({"churned": [15.0, 1500.0, None], "aov": [62.817, 5.0, 1.5]})
    with speaking("pl"):
        styler = localized(frame, {"churned": "decimal", "aov": "decimal", "absent": "count"})
        html = styler.to_html()
        missing = t("fmt.not_available")
    assert styler.data is frame
    for cell in ("1\xa0500", "15", "62,82", missing):
        assert f">{cell}<" in html


@pytest.mark.parametrize("code", OTHERS)
def test_the_results_workbook_is_named_and_headed_in_the_language(code):
    """Sheets, column headings and the measures of the headline sheets, for the European sample."""
    from calc import history, upload
    from ui.upload_view import workbook_sheets

    data = (ROOT / "samples" / "orders_european.csv").read_bytes()
    tables = history.analyse(upload.read(data, "orders_european.csv").table).tables()
    with speaking(code):
        sheets = workbook_sheets(tables)
        texts = catalogue(code)
    assert list(sheets)[:2] == [texts["sheet.headline"], texts["sheet.clv_inputs"]]
    headline = sheets[texts["sheet.headline"]]
    assert list(headline.columns) == [texts["col.measure"], texts["col.value"]]
    measures = [*headline.iloc[:, 0], *sheets[texts["sheet.clv_inputs"]].iloc[:, 0]]
    english = {name.replace("_", " ") for name in tables["headline"]["measure"]}
    assert [m for m in measures if m in english or "_" in m] == []


def test_slider_percentages_place_the_sign_as_the_language_does():
    with speaking("nb"):
        assert percent_printf("%g") == "%g\xa0%%"
    with speaking("pl"):
        assert percent_printf() == "%.0f%%"
    assert percent_printf("%d") % 70 == "70%"
