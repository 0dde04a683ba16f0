"""AppTest of the Your data page: the money that was not kept is named, in the user's language.

The Shopify fixture (tests/fixtures/platforms/shopify_orders.csv, sources in SOURCES.md there):
7 paid orders worth NOK 3,648.40 after a 200.00 partial refund, #1005 voided (428.00),
#1006 refunded in full (228.00), #1007 pending (528.00).
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.format import money, plain
from ui.i18n import speaking, t

ROOT = Path(__file__).parents[1]
SHOPIFY = (ROOT / "tests" / "fixtures" / "platforms" / "shopify_orders.csv").read_bytes()


def shopify_upload(language: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = language
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.file_uploader[0].set_value(("orders_export_1.csv", SHOPIFY, "text/csv")).run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_report_names_the_platform_and_what_was_not_counted(language):
    at = shopify_upload(language)
    text = page_text(at)
    with speaking(language):
        assert t("kept.platform", platform=t("kept.platform_shopify_orders")) in text
        cancelled = t(
            "kept.nc_cancelled",
            orders="1",
            money=money(428.0, "NOK"),
            statuses=" (voided)",
        )
        pending = t("kept.nc_pending", orders="1", money=money(528.0, "NOK"), statuses=" (pending)")
        revenue = money(3648.40, "NOK")
        assert cancelled in text and pending in text
        assert next(m.value for m in at.metric if m.label == t("upload.revenue")) == revenue
    # the sidebar's currency followed the file
    assert at.session_state.cur == "NOK"


def test_leaving_out_a_status_in_the_reading_settings_reads_the_file_again():
    at = shopify_upload("en")
    assert "partially_refunded" in at.multiselect(key="up_statuses").options
    at.multiselect(key="up_statuses").unselect("partially_refunded").run()
    assert not at.exception
    text = page_text(at)
    # #1004 (898.00 less 200.00) is now left out as a status the user chose to leave out
    assert (
        t(
            "kept.nc_excluded",
            orders="1",
            money=money(898.0, "NOK"),
            statuses=f" ({plain('partially_refunded')})",
        )
        in text
    )
    revenue = next(m.value for m in at.metric if m.label == "Revenue (after refunds)")
    assert revenue == money(3648.40 - 698.0, "NOK")
