"""Text as codes (calc.upload.codes): ids read as numbers are coded by value, exactly where
the text allows."""

import numpy as np
import pyarrow as pa
import pytest

from calc.upload.codes import as_numbers, categorical, encode_ids, encode_text


@pytest.mark.parametrize(
    ("ids", "numbers"),
    [
        (["C010001", "C010002", "C010001"], [10001, 10002, 10001]),  # prefix, one width
        (["0042", "0007"], [42, 7]),  # leading zeros at one width
        (["C010001", "C1000000"], [10001, 1000000]),  # zero-padded to 6, then longer
        (["1001", "999", "12"], [1001, 999, 12]),  # plain, widths differ
        (["#1001", "#999"], [1001, 999]),  # Shopify's order names
        (["CUST-17", "CUST-4"], [17, 4]),
        (["7234567890123", "7234567890124"], [7234567890123, 7234567890124]),
    ],
)
def test_ids_that_are_numbers(ids, numbers):
    assert as_numbers(pa.array(ids)).tolist() == numbers


@pytest.mark.parametrize(
    "ids",
    [
        ["0042", "42"],  # two texts, one number
        ["C0042", "C42"],  # the same after a prefix
        ["042", "0042"],  # a longer id with a leading zero
        ["+12", "12"],  # a sign
        ["12", "-12"],
        [" 12", "13"],  # a space: the text's trim decides
        ["12 ", "13"],
        ["12", ""],  # an empty id
        ["12", None],
        ["12.0", "12"],  # a decimal point
        ["C12", "D12"],  # two prefixes
        ["'12", "'13"],  # Excel's text marker: encode_ids drops it
        ["1234567890123456789", "1"],  # 19 digits
        ["١٢", "13"],  # Arabic-Indic digits
        ["alice@example.com", "bob@example.com"],
        [],
    ],
)
def test_ids_whose_text_is_not_one_number_each(ids):
    assert as_numbers(pa.array(ids, pa.string())) is None


def test_a_later_id_that_is_not_a_number_is_found_past_the_sample():
    ids = [f"C{i:05d}" for i in range(200)] + ["C00x01"]
    assert as_numbers(pa.array(ids)) is None
    ids[-1] = "C0001"  # another width, with a leading zero
    assert as_numbers(pa.array(ids)) is None
    ids[-1] = "C"  # the prefix alone: an id without digits
    assert as_numbers(pa.array(ids)) is None


@pytest.mark.parametrize(
    "form",
    ["C{:06d}", "{:05d}", "{}", "#{}", "K-{}"],
)
@pytest.mark.parametrize("order", ["first_seen", "shuffled", "wide"])
def test_customer_ids_coded_by_value_group_rows_as_their_text_does(form, order):
    rng = np.random.default_rng(3)
    # far apart ("wide") they are hashed as integers; in a run, coded by rank
    values = rng.choice(10**9, 500, replace=False) if order == "wide" else 10_001 + np.arange(500)
    rows = np.repeat(values, rng.integers(1, 6, 500))
    if order == "shuffled":
        rows = rng.permutation(rows)
    ids = pa.array([form.format(int(v)) for v in rows])
    codes, values_out = encode_ids(ids)
    text_codes, _ = encode_text(ids)
    assert as_numbers(ids) is not None  # the coding by value was taken
    assert values_out.take(pa.array(codes)).to_pylist() == ids.to_pylist()  # each row's own id
    assert codes.min() == 0 and codes.max() == len(values_out) - 1 == text_codes.max()
    assert len(set(values_out.to_pylist())) == len(values_out)  # distinct, as a dictionary is
    chunked = pa.chunked_array([ids.slice(0, 100), ids.slice(100)])  # as a file's columns come
    codes_c, values_c = encode_ids(chunked)
    assert isinstance(values_c, pa.Array)  # like a dictionary: one array
    np.testing.assert_array_equal(codes_c, codes)


def test_categories_are_the_values_rows_use():
    out = categorical(np.array([2, -1, 0, 2]), pa.array(["a", "b", "c"]))
    assert out.categories.tolist() == ["a", "c"]  # "b" is used by no row
    assert out.codes.tolist() == [1, -1, 0, 1]
    assert categorical(np.array([1, 0]), pa.array(["x", "y"])).categories.tolist() == ["x", "y"]
