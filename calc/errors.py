"""Exception types raised by :mod:`calc`.

Every message is written for a shop owner: it says what is wrong and what to
do about it. The user interface catches :class:`CalcError` (never a bare
``Exception``) and shows the message next to the field named in ``field``.
"""

from __future__ import annotations

from collections.abc import Sequence


class CalcError(Exception):
    """Base class of every error :mod:`calc` raises on purpose."""


class InputError(CalcError, ValueError):
    """A number the user typed cannot be used.

    Parameters
    ----------
    field : str
        Name of the parameter at fault, exactly as the public function spells
        it (``"churn_rate"``), so the interface can show the message under the
        right input.
    message : str
        What is wrong and what to do, in plain words.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class DataError(CalcError, ValueError):
    """An uploaded file, or part of it, cannot be used.

    Parameters
    ----------
    message : str
        What is wrong and what to do, in plain words.
    column : str, optional
        The column at fault, as named in the file.
    rows : sequence of int, optional
        Row numbers at fault, as a spreadsheet shows them (first row is 1).
    example : str, optional
        One offending value, as found in the file.
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        example: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.rows = tuple(rows)
        self.example = example


class FitError(CalcError):
    """A statistical model could not be fitted to the data given."""
