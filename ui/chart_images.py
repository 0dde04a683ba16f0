"""Charts as image files (PNG, SVG), rendered without a browser by vl-convert.

Takes a Vega-Lite spec whose named datasets are tidy frames, as
:func:`ui.charts.draw` draws them, and returns the file bytes. Rendering uses
the fonts of the machine and fetches nothing.
"""

from __future__ import annotations

import json

import pandas as pd
import vl_convert


def _inline(spec: dict, data: dict[str, pd.DataFrame]) -> dict:
    """The spec with its named datasets as JSON records (dates as ISO text)."""
    datasets = {
        name: json.loads(frame.to_json(orient="records", date_format="iso"))
        for name, frame in data.items()
    }
    return {**spec, "datasets": datasets}


def png(spec: dict, data: dict[str, pd.DataFrame], *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (``scale`` 2 prints sharply)."""
    return vl_convert.vegalite_to_png(_inline(spec, data), scale=scale)


def svg(spec: dict, data: dict[str, pd.DataFrame]) -> bytes:
    """The chart as an SVG file (UTF-8)."""
    return vl_convert.vegalite_to_svg(_inline(spec, data)).encode("utf-8")
