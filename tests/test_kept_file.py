"""ui.kept_file: an upload kept packed for the session (issue 15, memory per session)."""

from __future__ import annotations

from calc import samples
from ui.kept_file import KeptFile


def test_a_kept_file_comes_back_byte_for_byte_and_takes_far_less_memory():
    columns = ["order_id", "customer_id", "date", "amount", "category"]
    data = samples.orders_csv(samples.orders(20_000, seed=2026, names=False)[columns], "plain")
    kept = KeptFile.of(data)
    assert kept.data() == data
    assert len(kept) == len(data)
    assert len(kept.packed) < len(data) / 3  # 1M rows of the same: 39 -> 10 MB


def test_the_digest_follows_the_content():
    data = b"customer,date,amount\nA,2024-01-05,10\n"
    assert KeptFile.of(data).digest == KeptFile.of(bytes(data)).digest
    assert KeptFile.of(data).digest != KeptFile.of(data.replace(b"10", b"11")).digest
    assert KeptFile.of(b"").data() == b""
