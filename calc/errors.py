"""Exception types raised by :mod:`calc`.

Every message is written for a shop owner: it says what is wrong and what to
do about it. An error carries a :class:`~calc.messages.Message` (a code and
the values it mentions) so the interface can show it in its user's language
with :meth:`CalcError.text`; ``str(error)`` and ``error.message`` are the
English text. The user interface catches :class:`CalcError` (never a bare
``Exception``) and shows the message next to the field named in ``field``.
"""

from __future__ import annotations

from collections.abc import Sequence

from calc.messages import DEFAULT_LANGUAGE, PLAIN, Formatter, Message


class CalcError(Exception):
    """Base class of every error :mod:`calc` raises on purpose.

    Parameters
    ----------
    code : str
        The message's code in ``calc/locales/<language>/*.toml``.
    **values
        The values the message mentions, by the names its text uses.
    """

    def __init__(self, code: str, /, **values: object) -> None:
        self.about = Message(code, **values)
        self.message = self.about.text()
        super().__init__(self.message)

    def text(self, language: str = DEFAULT_LANGUAGE, formatter: Formatter = PLAIN) -> str:
        """The message in ``language``, numbers written by ``formatter``."""
        return self.about.text(language, formatter)


class InputError(CalcError, ValueError):
    """A number the user typed cannot be used.

    Parameters
    ----------
    field : str
        Name of the parameter at fault, exactly as the public function spells
        it (``"churn_rate"``), so the interface can show the message under the
        right input.
    code, **values
        The message, as for :class:`CalcError`.

    Examples
    --------
    >>> error = InputError("churn_rate", "clv.churn_zero")
    >>> error.field
    'churn_rate'
    """

    def __init__(self, field: str, code: str, /, **values: object) -> None:
        super().__init__(code, **values)
        self.field = field


class DataError(CalcError, ValueError):
    """An uploaded file, or part of it, cannot be used.

    Parameters
    ----------
    code, **values
        The message, as for :class:`CalcError`; ``column`` and ``example``
        are among the values the text may mention.
    column : str, optional
        The column at fault, as named in the file.
    rows : sequence of int, optional
        Row numbers at fault, as a spreadsheet shows them (first row is 1).
    example : str, optional
        One offending value, as found in the file.
    """

    def __init__(
        self,
        code: str,
        /,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        example: str | None = None,
        **values: object,
    ) -> None:
        if column is not None:
            values.setdefault("column", column)
        if example is not None:
            values.setdefault("example", example)
        super().__init__(code, **values)
        self.column = column
        self.rows = tuple(rows)
        self.example = example


class FitError(CalcError):
    """A statistical model could not be fitted to the data given."""
