"""The batch-scoring command line: Parquet in, every customer's P(alive), purchases and CLV out.

Oracle: calc.models.forecast.forecast_orders on the in-memory summary of the same log
(calc.models.summary.summarize), customer by customer, to 1e-6 (two fits of the same
likelihood on the same distinct rows).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from calc import score
from calc.models.forecast import forecast_orders
from calc.models.summary import summarize
from tests.warehouse_data import order_log

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def log():
    frame = order_log(rows=6_000, customers=900, seed=5)
    return frame.assign(amount=frame["amount"].abs())  # the spend model takes no refunds


@pytest.fixture()
def source(tmp_path, log):
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.Table.from_pandas(log, preserve_index=False), path)
    return path


def test_scores_every_customer_like_the_in_memory_forecast(tmp_path, source, log, capsys):
    out = tmp_path / "forecasts.parquet"
    code = score.main(["--source", str(source), "--out", str(out), "--margin", "0.3"])
    assert code == 0
    assert f"{log['customer_id'].nunique()} customers scored" in capsys.readouterr().err
    got = pd.read_parquet(out).set_index("customer_id").sort_index()
    memory = summarize(log["customer_id"], log["date"], log["amount"], unit="W")
    want = forecast_orders(memory, margin=0.3).table.sort_index()
    assert got.index.tolist() == want.index.tolist()
    for column in ("p_alive", "next_90", "next_365", "clv"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-6)


def test_bad_column_is_a_message_and_exit_code_2(tmp_path, source, capsys):
    out = tmp_path / "f.parquet"
    code = score.main(["--source", str(source), "--out", str(out), "--amount", "paid"])
    assert code == 2
    err = capsys.readouterr().err
    assert 'no column "paid"' in err and "Traceback" not in err
    assert not out.exists()


def test_missing_source_is_a_message(tmp_path, capsys):
    code = score.main(["--source", str(tmp_path / "none.parquet"), "--out", "x.parquet"])
    assert code == 2
    assert "none.parquet" in capsys.readouterr().err


def test_runs_as_a_module_with_a_progress_bar(tmp_path, source, log):
    out = tmp_path / "f.parquet"
    done = subprocess.run(
        [sys.executable, "-m", "calc.score", "--source", str(source), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "4/4" in done.stderr  # tqdm's counter reached the last step
    assert pq.read_metadata(out).num_rows == log["customer_id"].nunique()
