"""Named scenarios of the CLV inputs: headline results, comparison, JSON file.

A consultant saves the inputs of the customer-value calculator under a name
(A, B, C ... at most six), pins one as the baseline and compares the others
against it. Scenarios travel as a small JSON document whose every value is
checked on the way in, so a hand-edited file fails with a message that names
the scenario and the input at fault.

Units are those of :func:`calc.clv.clv_report`: money per customer, rates as
fractions per *year*.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import string
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from calc.clv import clv_report
from calc.errors import InputError

MAX_SCENARIOS = 6
MAX_NAME_LENGTH = 40
FORMAT = "retention-calculator/scenarios"
VERSION = 1
#: The most a scenario link may unpack to: six scenarios take about 2 kB.
MAX_LINK_BYTES = 64 * 1024

#: Inputs every scenario has, as :func:`calc.clv.clv_report` names them.
COMMON_INPUTS = (
    "avg_order_value",
    "purchases_per_year",
    "gross_margin",
    "discount_rate",
    "acquisition_cost",
)
#: Exactly one of these says how long customers stay.
LIFETIME_INPUTS = ("churn_rate", "lifespan_years")
INPUTS = (*COMMON_INPUTS, *LIFETIME_INPUTS)

#: Headline results of one scenario, in the order they are compared.
RESULTS = (
    "revenue_clv",
    "discounted_margin_clv",
    "net_clv",
    "clv_cac",
    "payback_months",
)


@dataclass(frozen=True)
class Scenario:
    """One named set of CLV inputs (fractions per year, money per customer).

    Build it with :func:`scenario`, which checks the name and the inputs.
    """

    name: str
    inputs: Mapping[str, float]


def scenario(name: object, inputs: Mapping[str, object]) -> Scenario:
    """A checked scenario: a non-empty name and inputs :func:`clv_report` accepts.

    Parameters
    ----------
    name : str
        1 to 40 characters after trimming spaces.
    inputs : mapping
        Every name in :data:`COMMON_INPUTS` and exactly one of
        :data:`LIFETIME_INPUTS` (a ``None`` value counts as absent); other
        keys are refused.

    Raises
    ------
    InputError
        Field ``"name"`` for a bad name, otherwise the input at fault with a
        message that starts with the scenario's name.

    Examples
    --------
    >>> s = scenario(" A ", {"avg_order_value": 45, "purchases_per_year": 4,
    ...     "gross_margin": 0.4, "discount_rate": 0.08, "acquisition_cost": 60,
    ...     "churn_rate": 0.3, "lifespan_years": None})
    >>> s.name, s.inputs["churn_rate"], "lifespan_years" in s.inputs
    ('A', 0.3, False)
    """
    clean_name = check_name(name)
    if not isinstance(inputs, Mapping):
        raise InputError("inputs", "scenarios.inputs_not_table", name=clean_name)
    given = {key: value for key, value in inputs.items() if value is not None}
    unknown = sorted(set(given) - set(INPUTS), key=str)
    if unknown:
        raise InputError(
            str(unknown[0]),
            "scenarios.unknown_input",
            name=clean_name,
            value=repr(unknown[0]),
            choices=INPUTS,
        )
    for key in COMMON_INPUTS:
        if key not in given:
            raise InputError(key, "scenarios.input_missing", name=clean_name, key=key)
    lifetime = [key for key in LIFETIME_INPUTS if key in given]
    if len(lifetime) != 1:
        raise InputError("churn_rate", "scenarios.one_lifetime", name=clean_name)
    try:
        clv_report(**given)
    except InputError as error:
        raise InputError(
            error.field, "scenarios.in_scenario", name=clean_name, error=error.about
        ) from error
    values = {key: float(given[key]) for key in (*COMMON_INPUTS, lifetime[0])}
    return Scenario(clean_name, MappingProxyType(values))


def check_name(name: object) -> str:
    """A scenario name trimmed of spaces; ``InputError`` (field ``"name"``) if unusable.

    >>> check_name("  Lower CAC ")
    'Lower CAC'
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError("name", "scenarios.name_empty")
    clean = name.strip()
    if len(clean) > MAX_NAME_LENGTH:
        raise InputError("name", "scenarios.name_too_long", maximum=MAX_NAME_LENGTH)
    return clean


def next_name(taken: Sequence[str]) -> str:
    """The first free letter A, B, C ... for a new scenario ("" when none is free).

    >>> next_name(["A", "C"])
    'B'
    """
    return next((letter for letter in string.ascii_uppercase if letter not in taken), "")


def headline(item: Scenario) -> dict[str, float]:
    """The headline results of one scenario (money per customer; payback in months).

    ``clv_cac`` and ``payback_months`` may be ``math.inf`` (no acquisition
    cost; never paid back).

    >>> s = scenario("A", {"avg_order_value": 50, "purchases_per_year": 4,
    ...     "gross_margin": 0.4, "discount_rate": 0.1, "acquisition_cost": 120,
    ...     "churn_rate": 0.25})
    >>> {k: round(v, 2) for k, v in headline(s).items()}
    {'revenue_clv': 800.0, 'discounted_margin_clv': 251.43, 'net_clv': 131.43, \
'clv_cac': 2.1, 'payback_months': 20.0}
    """
    report = clv_report(**item.inputs)
    return {key: getattr(report, key) for key in RESULTS}


def compare(scenarios: Sequence[Scenario], baseline: str | None = None) -> pd.DataFrame:
    """Inputs and headline results of every scenario, with the change against a baseline.

    Parameters
    ----------
    scenarios : sequence of Scenario
        In the order to show them; names must be unique.
    baseline : str, optional
        Name of the pinned scenario; the first one when omitted or unknown.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per scenario and measure: ``scenario``, ``measure``
        (an input or result name), ``kind`` (``"input"`` or ``"result"``),
        ``value`` (NaN for the lifetime input a scenario does not use) and
        ``delta`` (value minus the baseline's; NaN where either is missing or
        infinite, 0 for the baseline itself).

    Examples
    --------
    >>> base = {"avg_order_value": 50, "purchases_per_year": 4, "gross_margin": 0.4,
    ...     "discount_rate": 0.1, "acquisition_cost": 120, "churn_rate": 0.25}
    >>> table = compare([scenario("A", base), scenario("B", {**base, "churn_rate": 0.2})])
    >>> row = table.query("scenario == 'B' and measure == 'revenue_clv'")
    >>> float(row["value"].iloc[0]), float(row["delta"].iloc[0])
    (1000.0, 200.0)
    """
    if not scenarios:
        return pd.DataFrame(columns=["scenario", "measure", "kind", "value", "delta"])
    names = [s.name for s in scenarios]
    base_name = baseline if baseline in names else names[0]
    rows = []
    for item in scenarios:
        results = headline(item)
        for key in INPUTS:
            rows.append((item.name, key, "input", item.inputs.get(key, math.nan)))
        for key in RESULTS:
            rows.append((item.name, key, "result", results[key]))
    table = pd.DataFrame(rows, columns=["scenario", "measure", "kind", "value"])
    base = table[table["scenario"] == base_name].set_index("measure")["value"]
    delta = table["value"] - table["measure"].map(base)
    finite = table["value"].map(math.isfinite) & table["measure"].map(base).map(math.isfinite)
    table["delta"] = delta.where(finite)
    return table


def to_json(
    scenarios: Sequence[Scenario], baseline: str | None = None, currency: str | None = None
) -> bytes:
    """The scenarios as a UTF-8 JSON document that :func:`from_json` reads back.

    >>> s = scenario("A", {"avg_order_value": 45, "purchases_per_year": 4,
    ...     "gross_margin": 0.4, "discount_rate": 0.08, "acquisition_cost": 60,
    ...     "lifespan_years": 3})
    >>> from_json(to_json([s], "A")) == ([s], "A")
    True
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "units": "money per customer; rates as fractions per year (0.3 is 30%)",
        "baseline": baseline,
        "scenarios": [{"name": s.name, "inputs": dict(s.inputs)} for s in scenarios],
    }
    if currency is not None:
        document["currency"] = currency
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def from_json(data: bytes) -> tuple[list[Scenario], str | None]:
    """Scenarios and the baseline's name from a document made by :func:`to_json`.

    Raises
    ------
    InputError
        Field ``"file"`` when the bytes are not UTF-8 JSON of the expected
        shape (the message gives the line and column of a syntax error), are
        nested too deep or hold an integer of thousands of digits, or
        the field of the first bad scenario input (see :func:`scenario`).
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError("file", "scenarios.not_text") from error
    except json.JSONDecodeError as error:
        raise InputError(
            "file", "scenarios.not_json", line=error.lineno, column=error.colno
        ) from error
    except RecursionError as error:  # "[[[[...": nested deeper than Python's stack
        raise InputError("file", "guard.json_too_deep") from error
    except ValueError as error:  # an integer of more than 4,300 digits
        raise InputError("file", "guard.json_number_too_long") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError("file", "scenarios.not_scenarios_file", format=FORMAT)
    if document.get("version") != VERSION:
        raise InputError(
            "file",
            "scenarios.wrong_version",
            value=repr(document.get("version")),
            version=VERSION,
        )
    items = document.get("scenarios")
    if not isinstance(items, list):
        raise InputError("file", "scenarios.no_list")
    if len(items) > MAX_SCENARIOS:
        raise InputError("file", "scenarios.too_many", count=len(items), maximum=MAX_SCENARIOS)
    scenarios: list[Scenario] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError("file", "scenarios.item_not_table", number=number)
        made = scenario(item.get("name"), item.get("inputs"))
        if made.name in (s.name for s in scenarios):
            raise InputError("name", "scenarios.duplicate_name", name=made.name)
        scenarios.append(made)
    baseline = document.get("baseline")
    if baseline is not None and baseline not in (s.name for s in scenarios):
        raise InputError("baseline", "scenarios.unknown_baseline", value=repr(baseline))
    return scenarios, baseline


def to_link(scenarios: Sequence[Scenario], baseline: str | None, currency: str) -> str:
    """The scenario set, its baseline and currency as one URL-safe text (``?sc=``).

    The JSON document of :func:`to_json` (with ``currency``), compressed with
    zlib and written in URL-safe base64 without padding: six scenarios take
    about 500 characters. :func:`from_link` reads it back.

    >>> s = scenario("A", {"avg_order_value": 45, "purchases_per_year": 4,
    ...     "gross_margin": 0.4, "discount_rate": 0.08, "acquisition_cost": 60,
    ...     "churn_rate": 0.3})
    >>> from_link(to_link([s], "A", "NOK")) == ([s], "A", "NOK")
    True
    """
    packed = zlib.compress(to_json(scenarios, baseline, currency), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def from_link(text: str) -> tuple[list[Scenario], str | None, str | None]:
    """Scenarios, baseline name and currency from a text made by :func:`to_link`.

    Raises
    ------
    InputError
        Field ``"file"`` when the text is not one :func:`to_link` wrote, or as
        :func:`from_json` for the document inside.
    """
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflate = zlib.decompressobj()
        data = inflate.decompress(packed, MAX_LINK_BYTES)
    except (binascii.Error, ValueError, zlib.error) as error:
        raise InputError("file", "scenarios.not_text") from error
    if inflate.unconsumed_tail or not inflate.eof:  # longer than six scenarios, or cut short
        raise InputError("file", "scenarios.not_text")
    scenarios, baseline = from_json(data)
    currency = json.loads(data.decode("utf-8")).get("currency")
    return scenarios, baseline, currency if isinstance(currency, str) else None
