"""Charts as image files (PNG, SVG), rendered without a browser by vl-convert.

Takes a Vega-Lite spec whose named datasets are tidy frames or Arrow tables, as
:func:`ui.charts.draw` draws them, and returns the file bytes. Rendering uses
the fonts of the machine and fetches nothing.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import vl_convert

#: A chart's dataset: a frame, or an Arrow table where a page builds one per rerun from
#: ``calc``'s arrays (a small pandas frame costs 100-150 µs to make and as much to read
#: back column by column; the Arrow table a tenth of that). ``ui.charts`` draws the same.
Dataset = pd.DataFrame | pa.Table


def _records(dataset: Dataset) -> list[dict]:
    """A dataset as JSON records (dates as ISO text)."""
    frame = dataset.to_pandas() if isinstance(dataset, pa.Table) else dataset
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _inline(spec: dict, data: dict[str, Dataset]) -> dict:
    """The spec with its named datasets as JSON records."""
    return {**spec, "datasets": {name: _records(dataset) for name, dataset in data.items()}}


def png(spec: dict, data: dict[str, Dataset], *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (``scale`` 2 prints sharply)."""
    return vl_convert.vegalite_to_png(_inline(spec, data), scale=scale)


def svg(spec: dict, data: dict[str, Dataset]) -> bytes:
    """The chart as an SVG file (UTF-8)."""
    return vl_convert.vegalite_to_svg(_inline(spec, data)).encode("utf-8")
