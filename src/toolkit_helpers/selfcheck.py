"""Self-check helpers for the exercises: say what is right, or what to look at.

Each notebook's exercises call :func:`check` (or :func:`check_choice`) with the learner's
answer and the value the notebook computed, so the check follows the data the learner is
using (the sample council or their own).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class CheckResult:
    ok: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.ok


def _is_missing(answer) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def check(answer, expected, *, what: str = "your answer", rel_tol: float = 0.01,
          abs_tol: float = 0.0, hint: str = "") -> CheckResult:
    """Compare a number, text or collection answer with the expected one.

    Numbers match within ``rel_tol`` (1% by default) or ``abs_tol``; text ignores case and
    surrounding spaces; lists/sets compare as sets of such text.
    """
    if _is_missing(answer):
        return CheckResult(False, f"⏳ Not answered yet: replace `...` with {what}.")
    ok: bool
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            a = float(answer)
        except (TypeError, ValueError):
            return CheckResult(False, f"❌ {what} should be a number, not {answer!r}.")
        ok = math.isclose(a, float(expected), rel_tol=rel_tol, abs_tol=abs_tol)
        if not ok:
            direction = "too high" if a > expected else "too low"
            msg = f"❌ Not quite: {answer!r} is {direction}."
            return CheckResult(False, msg + (f" Look at: {hint}" if hint else ""))
    elif isinstance(expected, (list, tuple, set, frozenset)):
        norm = lambda xs: {str(x).strip().lower() for x in xs}
        if isinstance(answer, str):
            answer = [answer]
        try:
            got = norm(answer)
        except TypeError:
            return CheckResult(False, f"❌ {what} should be a list.")
        want = norm(expected)
        ok = got == want
        if not ok:
            missing, extra = want - got, got - want
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing")
            if extra:
                parts.append(f"{len(extra)} that should not be there")
            return CheckResult(False, f"❌ Not quite: {', '.join(parts)}."
                               + (f" Look at: {hint}" if hint else ""))
    else:
        ok = str(answer).strip().lower() == str(expected).strip().lower()
        if not ok:
            return CheckResult(False, f"❌ Not quite: {answer!r} is not it."
                               + (f" Look at: {hint}" if hint else ""))
    return CheckResult(True, f"✅ Right: {what} is {expected!r}." if not isinstance(expected, float)
                       else f"✅ Right: {what} is about {expected:,.2f}.")


def check_choice(answer, correct, options, *, what: str = "your choice", hint: str = "") -> CheckResult:
    """A multiple-choice answer: ``answer`` must be one of ``options``; ``correct`` is right."""
    if _is_missing(answer):
        return CheckResult(False, f"⏳ Not answered yet: pick one of {list(options)}.")
    if str(answer).strip().lower() not in {str(o).lower() for o in options}:
        return CheckResult(False, f"❌ {answer!r} is not one of the options {list(options)}.")
    return check(answer, correct, what=what, hint=hint)
