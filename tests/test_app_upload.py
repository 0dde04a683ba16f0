"""AppTest checks of the "Your data" page: uploads through the real uploader widget."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import t

APP = str(Path(__file__).parents[1] / "app.py")

# Hand-computed: 2 customers, 3 orders, revenue 1,234.50 + 100.00 + 50.00 = 1,384.50,
# AOV 1,384.50 / 3 = 461.50, one of two customers bought twice: repeat rate 50.0%.
EUROPEAN = (
    "kunde;dato;beløp\n"
    "Sørensen;23.11.2026;1 234,50\n"
    "Sørensen;02.12.2026;100,00\n"
    "Łukasz;01.12.2026;50,00\n"
).encode()


def upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Your_data.py").run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_european_csv_upload_shows_hand_computed_numbers():
    at = upload(upload_page(), "salg.csv", EUROPEAN)
    assert metric(at, "Customers") == "2"
    assert metric(at, "Orders") == "3"
    assert metric(at, "Revenue (after refunds)") == "€1,384"
    assert metric(at, "Average order value") == "€462"  # 461.50, whole units, half to even
    assert metric(at, "Repeat-purchase rate") == "50.0%"
    assert metric(at, "Rows skipped") == "0"


def test_empty_file_gets_a_message_and_the_page_keeps_working():
    at = upload(upload_page(), "empty.csv", b"")
    assert at.error
    assert "empty" in at.error[0].value.lower()
    at.file_uploader[0].set_value(("salg.csv", EUROPEAN, "text/csv")).run()
    assert metric(at, "Customers") == "2"


def test_a_kept_file_leaves_the_uploader_and_another_file_replaces_it():
    """Streamlit deep-copies a widget's value on every run, so an uploader that still
    held a 167 MB file copied it on each rerun (70-100 ms). Once kept, the file is the
    session's; the uploader is a new, empty one, and the page says which file is in use."""
    at = upload(upload_page(), "salg.csv", EUROPEAN)
    assert at.file_uploader[0].key != "up_file_0"  # the uploader the file came in has gone
    name, kept = at.session_state["up_kept"]
    assert (name, kept.data()) == ("salg.csv", EUROPEAN)
    in_use = t("journeys.file_in_use", name="salg\\.csv")  # the name as text: its dot escaped
    assert in_use in [i.value for i in at.info]
    at.run()
    assert metric(at, "Customers") == "2"
    more = EUROPEAN + b"Nowak;03.12.2026;10,00\n"
    upload(at, "salg2.csv", more)
    name, kept = at.session_state["up_kept"]
    assert (name, kept.data()) == ("salg2.csv", more)
    assert metric(at, "Customers") == "3"
    at.button(key="up_remove").click().run()
    assert at.session_state["up_kept"] is None
    assert not at.metric


def _uploads_in_streamlits_store():
    """A page: the uploader of Your data, then how many uploads Streamlit's store holds."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui import state, upload_view

    state.init()
    upload_view.source()
    ctx = get_script_run_ctx()
    st.text(f"stored: {len(ctx.uploaded_file_mgr.file_storage.get(ctx.session_id, {}))}")


def test_a_kept_file_leaves_streamlits_store_of_uploads():
    """Streamlit keeps an upload until the browser deletes it from its uploader, and a
    replaced uploader deletes nothing: the 39 MB of a 1M-row file stayed for the session
    beside the kept copy (benchmarks/session_memory.py)."""
    at = AppTest.from_function(_uploads_in_streamlits_store, default_timeout=60).run()
    assert at.text[0].value == "stored: 0"
    at.file_uploader[0].set_value(("salg.csv", EUROPEAN, "text/csv")).run()
    assert not at.exception
    assert at.text[0].value == "stored: 0"
    assert at.session_state["up_kept"][1].data() == EUROPEAN


def test_image_renamed_csv_is_refused_plainly():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    at = upload(upload_page(), "orders.csv", png)
    assert at.error
    assert not at.metric


def test_ambiguous_dates_ask_for_the_order():
    data = b"customer,date,amount\nA,01/02/2026,10\nB,03/04/2026,20\nA,05/06/2026,5\n"
    at = upload(upload_page(), "orders.csv", data)
    assert at.error
    assert any("read either way round" in i.value for i in at.info)
    at.selectbox(key="up_dates").set_value("DMY").run()
    assert metric(at, "Customers") == "2"


@pytest.mark.parametrize(
    ("sample", "label"),
    [
        ("orders_european.csv", "Customers"),
        ("orders_english.csv", "Customers"),
        ("subscriptions.csv", "MRR now"),
        ("customers_polish.csv", "Customers"),
    ],
)
def test_every_sample_loads_in_one_click(sample, label):
    at = upload_page()
    at.session_state["up_sample"] = sample
    at.run()
    assert not at.exception
    assert label in [m.label for m in at.metric]


def test_orders_decades_apart_are_not_told_the_file_is_too_short():
    """Orders in 1990 and in 2023-2024 cover 12,000 days, yet were told "a yearly churn
    needs about 18 months; this file covers 12,596 days". Nobody bought in the first
    window (2022-07-02 to 2023-07-01): that is what the page says now, in both places."""
    data = (
        b"customer,date,amount\n"
        b"A,1990-01-05,10\nB,1990-02-05,20\nA,2023-08-01,30\nC,2024-06-30,40\n"
    )
    at = upload(upload_page(), "decades.csv", data)
    texts = [box.value for box in at.info]
    said = t("datachurn.no_buyers", a0="Jul 2, 2022", a1="Jul 1, 2023")
    assert texts.count(said) == 2  # the churn panel and the formula CLV
    assert not any("18 months" in text for text in texts)
