"""Text cells as integer codes: each distinct value once, each row its value's number.

The order log groups rows by customer and order number, and the table it hands
on holds customers and other text as categories: both work on codes, not text.
Text is coded by Arrow's dictionary encoding, once per column, trimmed.

Ids that are numbers are coded by their value instead of by hashing their text.
Shops number their orders (1001, 1002, ...) and often their customers
(``C010001``, ``0042``, Shopify's ``7234567890123``). Hashing five million
short texts with two million distinct ones takes 0.8-1.4 s on the 2-core
reference machine, most of it cache misses in the hash table; reading them as
integers and coding each by its rank among the values present takes a third
of that, and no hashing at all when they come sorted.

An id is read as a number only where equal numbers are exactly equal texts:
one prefix of letters or marks (``C``, ``CUST-``, ``#``) on every id,
followed by 1-18 ASCII digits, each number written with the same least
number of digits, zero-padded (``0042``, ``0999``, ``1000``, ``12345``: the
shortest ids may start with zeros, longer ones may not). ``0042`` and ``42``
in one column, a sign, a space or a decimal point leave the column to the
text's hash.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Most digits of an id read as a number (int64 holds every number of 18 digits).
_DIGITS = 18
_PREFIX = re.compile(r"[A-Za-z_#/.:\-]{0,16}")
# Ids checked in Python before any pass over the whole column: most columns of text
# that are not numbers show it at once.
_SAMPLE = 64


def as_numbers(ids: pa.Array) -> np.ndarray | None:
    """The ids as int64 when equal numbers are exactly equal texts (see above); else None.

    The shortest width W is the padding: an id of W digits may have leading
    zeros; a longer id may not, or it would be another way to write a number.

    >>> as_numbers(pa.array(["C0042", "C0007", "C0042"])).tolist()
    [42, 7, 42]
    >>> as_numbers(pa.array(["1001", "999"])).tolist()
    [1001, 999]
    >>> as_numbers(pa.array(["0042", "42"])) is None  # two texts, one number
    True
    """
    if not len(ids) or ids.null_count or not pa.types.is_string(ids.type):
        return None
    first = ids[0].as_py()
    prefix = _PREFIX.match(first).group(0)
    if not all(
        text.startswith(prefix) and text[len(prefix) :].isascii() and text[len(prefix) :].isdigit()
        for text in ids.slice(0, _SAMPLE).to_pylist()
    ):
        return None
    if prefix:
        if not pc.all(pc.starts_with(ids, prefix)).as_py():
            return None
        ids = pc.utf8_slice_codeunits(ids, len(prefix))
    if not pc.all(pc.ascii_is_decimal(ids)).as_py():  # also false for an empty id
        return None
    width = pc.binary_length(ids)
    narrow, wide = pc.min_max(width).values()
    if wide.as_py() > _DIGITS:
        return None
    if narrow != wide:  # a longer id with a leading zero: another way to write a number
        padded = pc.and_(pc.greater(width, narrow), pc.starts_with(ids, "0"))
        if pc.any(padded).as_py():
            return None
    return pc.cast(ids, pa.int64()).to_numpy()


def number_codes(numbers: np.ndarray) -> np.ndarray:
    """Codes 0, 1, ... without gaps, equal exactly where the numbers are.

    Without hashing when the numbers come sorted (up or down: codes in file
    order) or lie in a run no longer than four times their count (each its
    rank); hashed as integers otherwise.
    """
    if len(numbers) == 0:
        return np.zeros(0, dtype=np.int64)
    before, after = numbers[:-1], numbers[1:]
    if (after >= before).all() or not (after > before).any():  # listed by number, up or down
        out = np.zeros(len(numbers), dtype=np.int64)
        np.cumsum(after != before, out=out[1:])
        return out
    low, high = int(numbers.min()), int(numbers.max())
    if high - low < 4 * len(numbers):  # numbered in a run: each its rank (8 ms)
        # a table from 0 when that costs little more: no shifted copy of the numbers
        offset = numbers if high < 4 * len(numbers) else numbers - low
        present = np.zeros(int(offset.max()) + 1, dtype=bool)
        present[offset] = True
        rank = np.cumsum(present, dtype=np.int64)
        rank -= 1
        return rank[offset]
    return pd.factorize(numbers)[0].astype(np.int64)


def _by_value(ids: pa.Array) -> tuple[np.ndarray, pa.Array] | None:
    """Codes and the distinct ids (in code order) when the ids are numbers; None otherwise."""
    numbers = as_numbers(ids)
    if numbers is None:
        return None
    out = number_codes(numbers)
    each = np.empty(int(out.max()) + 1, dtype=np.int64)
    each[out] = np.arange(len(out))  # a row of each code: its rows' texts are equal
    values = ids.take(each)
    return out, values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def as_text(arr: pa.Array) -> pa.Array:
    """Cells as trimmed text; whole numbers from Excel lose their ``.0``."""
    if pa.types.is_floating(arr.type):
        vals = arr.to_numpy(zero_copy_only=False)
        finite = vals[~np.isnan(vals)]
        if len(finite) and np.all(finite == np.round(finite)) and np.abs(finite).max() < 2**53:
            arr = pc.cast(arr, pa.int64(), safe=False)
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(arr), "")


def encode_text(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode a text column once, trimming spaces on the distinct values only.

    Returns int64 codes (-1 for empty or missing cells) and the distinct
    trimmed values.
    """
    if not pa.types.is_string(arr.type):
        arr = as_text(arr)
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):  # pragma: no cover - callers pass combined arrays
        enc = enc.combine_chunks()
    values = enc.dictionary
    trimmed = pc.utf8_trim_whitespace(values)
    if not pc.all(pc.equal(trimmed, values)).as_py():
        enc = pc.dictionary_encode(pc.utf8_trim_whitespace(arr))
        enc = enc.combine_chunks() if isinstance(enc, pa.ChunkedArray) else enc
        values = enc.dictionary
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    empty = np.flatnonzero(pc.equal(values, "").to_numpy(zero_copy_only=False))
    if len(empty):
        codes[codes == empty[0]] = -1
    return codes, values


def encode_ids(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Customer ids like :func:`encode_text`, without a spreadsheet's text marker.

    Shopify writes ids as ``'7234567890``, so that Excel keeps their digits;
    the apostrophe is dropped and ids that then agree are one customer. Ids
    that are numbers (``C010001``, ``1042``) are coded by value, without hashing
    (:func:`as_numbers`).
    """
    found = _by_value(arr)
    if found is not None:
        return found
    codes, values = encode_text(arr)
    if not pc.any(pc.starts_with(values, "'")).as_py():
        return codes, values
    cleaned = pc.replace_substring_regex(values, r"^'([0-9])", r"\1")
    if pc.all(pc.equal(cleaned, values)).as_py() is not False:
        return codes, values
    enc = pc.dictionary_encode(cleaned)
    remap = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), enc.dictionary


def categorical(codes: np.ndarray, values: pa.Array) -> pd.Categorical:
    """Codes and distinct values as a pandas Categorical, dropping values no row uses.

    ``pd.Categorical.from_codes`` would hash the categories again to check
    they are unique; Arrow's dictionary is unique by construction, so the
    dtype is built without that check where pandas allows it.
    """
    used = np.zeros(len(values) + 1, dtype=bool)
    used[codes] = True  # -1 (no value) marks the place after the last
    used = used[:-1]
    if not used.all():
        remap = np.cumsum(used) - 1
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        values = values.filter(pa.array(used))
    categories = pd.Index(values.to_pandas(), dtype="str", copy=False)
    try:
        dtype = pd.CategoricalDtype._from_fastpath(categories, False)
    except AttributeError:  # pragma: no cover - private helper gone in a later pandas
        dtype = pd.CategoricalDtype(categories)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
