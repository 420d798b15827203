"""The toolkit's own error type.

Every problem with a user's file or config is raised as a :class:`ToolkitError` (or a
subclass) whose message names the file, the row and column where known, what is wrong, and
what to do about it. Notebooks show these messages without a traceback (see
:func:`toolkit_helpers.notebook.setup`).
"""
from __future__ import annotations

from pathlib import Path


class ToolkitError(ValueError):
    """A problem the user can fix: bad input, bad config, missing file.

    Parameters
    ----------
    problem:
        What is wrong, in plain words.
    file, row, column:
        Where it is, when known. ``row`` is 1-based as a spreadsheet shows it.
    hint:
        What to do about it.
    """

    def __init__(self, problem: str, *, file=None, row: int | None = None,
                 column: str | int | None = None, hint: str | None = None):
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(Path(self.file).name if len(self.file) > 80 else self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}" if isinstance(self.column, str)
                         else f"column {self.column}")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.hint:
            text += f"\nWhat to do: {self.hint}"
        return text


class ConfigError(ToolkitError):
    """A council config file that cannot be used as it is."""


class DataFileError(ToolkitError):
    """A data file that cannot be read or understood."""


class FetchError(ToolkitError):
    """A live fetch that failed (network, timeout, size cap, bad answer)."""
