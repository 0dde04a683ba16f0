"""The message catalogues of calc's errors: complete, consistent, all used.

Every language has the same codes with the same ``{fields}`` as English;
every code :mod:`calc` names (a string literal such as ``"clv.churn_zero"``)
has a text; every text is named somewhere in :mod:`calc`.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from calc.errors import DataError, InputError
from calc.messages import LANGUAGES, LOCALES, Formatter, Message, Percent, catalogue

CALC = Path(__file__).parents[1] / "calc"


def _fields(text: str) -> set[str]:
    return {name for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def _literals() -> set[str]:
    """Every string constant in calc's code (docstrings included)."""
    found: set[str] = set()
    for path in CALC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _namespaces() -> set[str]:
    return {code.split(".")[0] for code in catalogue("en")}


def test_every_language_has_the_files_of_english():
    english = sorted(entry.name for entry in (LOCALES / "en").iterdir())
    for language in LANGUAGES:
        assert sorted(entry.name for entry in (LOCALES / language).iterdir()) == english, language


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_language_has_the_codes_and_fields_of_english(language):
    english, other = catalogue("en"), catalogue(language)
    assert sorted(other.keys() - english.keys()) == [], "codes English does not have"
    assert sorted(english.keys() - other.keys()) == [], "codes left untranslated"
    differ = {code for code in english if _fields(english[code]) != _fields(other[code])}
    assert sorted(differ) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_fields_are_plain_names(language):
    """A format spec (``{value:g}``) would be applied to already formatted text."""
    for code, text in catalogue(language).items():
        for _, name, spec, conversion in string.Formatter().parse(text):
            if name is not None:
                assert re.fullmatch(r"[a-z_]+", name) and not spec and not conversion, code


def test_every_code_calc_names_has_a_text():
    pattern = re.compile(rf"(?:{'|'.join(sorted(_namespaces()))})\.[a-z0-9_.]+")
    named = {value for value in _literals() if pattern.fullmatch(value)}
    assert sorted(named - catalogue("en").keys()) == []


#: Helpers that hand a label key they were given on to a ``_validate`` check,
#: with the argument that holds it: their callers name the key.
PASS_LABEL_ON = {"_share": 2, "_non_negative_or_inf": 2}


def _label_argument(node: ast.Call) -> ast.expr | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in PASS_LABEL_ON:
        at = PASS_LABEL_ON[func.id]
        return node.args[at] if len(node.args) > at else None
    checks = {"number", "non_negative", "positive", "fraction", "whole"}
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    if func.value.id != "v" or func.attr not in checks:
        return None
    named = {k.arg: k.value for k in node.keywords}
    label = node.args[2] if len(node.args) > 2 else named.get("label")
    if label is None:
        label = node.args[1] if len(node.args) > 1 else named.get("field")
    return label


def test_every_input_calc_checks_has_a_name():
    """The ``_validate`` checks name an input by its label key, else by its field."""
    keys, passed_on = set(), set()
    for path in CALC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                label = _label_argument(node) if isinstance(node, ast.Call) else None
                if isinstance(label, ast.Constant):
                    keys.add(f"fields.{label.value}")
                elif label is not None:
                    passed_on.add(function.name)
    assert len(keys) > 40 and sorted(keys - catalogue("en").keys()) == []
    assert passed_on == set(PASS_LABEL_ON)


def test_every_text_is_used_by_calc():
    """A code is used when calc names it, or (``fields.x``, ``why.x``) names ``x``."""
    literals = _literals()
    unused = [
        code
        for code in catalogue("en")
        if code not in literals
        and not (code.split(".")[0] in {"fields", "why"} and code.split(".", 1)[1] in literals)
    ]
    assert unused == []


def test_error_codes_are_literals_at_the_raise():
    """The checks above can only see codes written out where the error is made.

    Only the error classes themselves and ``_validate.py`` (which names a
    field's label, ``fields.<field>``) build codes from variables.
    """
    makers = {"InputError": 1, "DataError": 0, "FitError": 0, "CalcError": 0, "Message": 0}
    computed = []
    for path in CALC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                at = makers.get(node.func.id)
                if at is not None and len(node.args) > at:
                    code = node.args[at]
                    if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
                        computed.append(f"{path.name}:{node.lineno}")
    assert [at for at in computed if not at.startswith(("errors.py", "_validate.py"))] == []


def test_a_message_reads_in_each_language_with_the_formatter_given():
    """Worked example: churn 150% typed as 1.5, in Polish with a decimal comma formatter."""
    error = InputError(
        "churn_rate", "input.not_fraction", label=Message("fields.churn_rate"), value=Percent(1.5)
    )
    assert str(error) == ("Churn must be between 0% and 100%; got 150%.")
    comma = Formatter(
        number=lambda x: f"{x:g}".replace(".", ","),
        percent=lambda x: f"{x * 100:g}".replace(".", ",") + " %",
    )
    polish = error.text("pl", comma)
    assert "150 %" in polish and catalogue("pl")["fields.churn_rate"] in polish


def test_data_error_offers_column_and_example_to_its_text():
    error = DataError(
        "input.not_number",
        column="Beløp",
        example="12,5x",
        label=Message("fields.revenue"),
        value="'12,5x'",
    )
    assert error.column == "Beløp" and error.example == "12,5x"
    assert str(error) == "Revenue must be a number; got '12,5x'."


def test_a_language_without_messages_is_refused_by_name():
    with pytest.raises(KeyError, match=r"'de'.*en, nb, da, pl, fi, sq"):
        catalogue("de")


def test_a_message_survives_the_apps_cache():
    """st.cache_data pickles what a cached fit returns; the message must come back whole."""
    import pickle

    said = Message("clv.unbounded", discount=Percent(-0.5), retention=Percent(1.0))
    back = pickle.loads(pickle.dumps(said))
    assert back == said and back.text("nb") == said.text("nb")
