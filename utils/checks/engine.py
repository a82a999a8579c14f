"""The engine of the checks: call the learner's code, compare, and print one verdict line.

Every check calls the learner's code through ``learner_answer``, ``call_learner`` or ``verdict`` here,
so every check reports the same way: ⏳ while the code is a stub (it raises NotImplementedError or
returns None), ❌ with what was expected and what came back (or what it raised, in one line), ✅ when
it passes. ``check_shape``, ``check_function`` and ``check_prediction`` serve every notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

# One case: the positional arguments to call the function with, and the answer it must give.
Case = tuple[tuple, Any]


def check_shape(array, expected: Sequence[int | None], name: str = "array") -> None:
    """Assert that ``array`` has the shape ``expected`` (``None`` matches any size).

    Taught in notebook 02, where it states the shape each step of multi-head attention has.
    """
    shape = tuple(array.shape) if hasattr(array, "shape") else np.shape(array)
    expected = tuple(expected)
    matches = len(shape) == len(expected) and all(
        want is None or want == got for want, got in zip(expected, shape, strict=True)
    )
    if not matches:
        raise AssertionError(f"expected {name} of shape {expected}, got {shape}")
    print(f"✅ {name} has shape {shape}")


def check_function(
    fn: Callable,
    cases: Sequence[Case],
    name: str | None = None,
    atol: float = 1e-5,
    hint: Callable[[tuple, Any], str | None] | None = None,
) -> None:
    """Run ``fn(*args)`` for each ``(args, expected)`` case and print one verdict line.

    Answers are compared as arrays (``np.allclose`` with ``atol``; booleans count as 0 and 1).
    When ``expected`` is a tuple, ``fn`` must return a tuple of the same length, compared part
    by part. ``hint(args, got)`` may return a sentence that explains a wrong answer.
    """
    print(verdict(fn, cases, name or name_of(fn, "your function"), atol, hint))


def check_prediction(predicted: dict, measured: dict, tolerance: float = 0) -> None:
    """Compare what the learner predicted before running with what the run measured (any notebook):
    ``predicted`` and ``measured`` map the same names to numbers (equal to within ``tolerance``) or words."""
    if any(value is None or value is ... for value in predicted.values()):
        print("⏳ write down a number for each prediction above, then run this cell again.")
        return
    for quantity, value in measured.items():
        guess = predicted.get(quantity)
        mark = "✅" if same(guess, value, tolerance) else "❌"
        print(f"{mark} {quantity}: you predicted {guess}, the run measured {value}")


class NotDone(Exception):
    """The learner's function is still a stub."""


MISSING = object()  # what learner_answer returns when it has already said why there is no answer


def learner_answer(fn: Callable, args: tuple, call: str, not_done: str):
    """The learner's answer ``fn(*args)``, or ``MISSING`` after printing ⏳ (not done) or ❌ (it raised)."""
    try:
        got = fn(*args)
    except NotImplementedError:
        got = None
    except Exception as error:  # the learner's bug, reported in one line
        print(raised(call, error))
        return MISSING
    if got is None:
        print(not_done)
        return MISSING
    return got


def call_learner(fn: Callable, args: tuple):
    try:
        with np.errstate(all="ignore"):  # overflow shows up as nan in the answer, with a hint
            result = fn(*args)
    except NotImplementedError:
        raise NotDone from None
    if result is None:
        raise NotDone
    if isinstance(result, (tuple, list)):
        return type(result)(np.asarray(part) for part in result)
    return np.asarray(result)


def name_of(fn: Callable, default: str) -> str:
    """The learner's name for their function (a lambda has none worth showing)."""
    name = getattr(fn, "__name__", "")
    return name if name.isidentifier() else default


def not_done(name: str) -> str:
    return f"⏳ {name} is not done yet — fill in the cell above, then run this cell again."


def verdict(fn, cases, name, atol, hint) -> str:
    for args, expected in cases:
        call = f"{name}({', '.join(describe(arg) for arg in args)})"
        try:
            got = call_learner(fn, args)
        except NotDone:
            return not_done(name)
        except Exception as error:  # the learner's bug, reported in one line
            return raised(call, error)
        problem = compare(got, expected, atol)
        if problem:
            advice = hint(args, got) if hint else None
            return f"❌ {call}: {problem}" + (f"\n   Hint: {advice}" if advice else "")
    return passed(name, len(cases))


def compare(got, expected, atol: float) -> str | None:
    """None when ``got`` matches ``expected``, else what differs (expected vs got)."""
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} results, got {describe(got)}"
        for index, (got_part, expected_part) in enumerate(zip(got, expected, strict=True)):
            problem = compare(got_part, expected_part, atol)
            if problem:
                return f"result {index + 1} of {len(expected)}: {problem}"
        return None
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    try:
        close = np.isclose(got.astype(float), expected.astype(float), atol=atol, rtol=0)
    except (TypeError, ValueError):
        return f"expected {show(expected)}, got {show(got)}"
    if close.all():
        return None
    if expected.size > 36:
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        return (f"right shape {got.shape}, but at index {index} expected "
                f"{show(expected[index])}, got {show(got[index])}")
    return f"expected {show(expected)}, got {show(got)}"


def same(answer, truth, tolerance: float) -> bool:
    """A learner's answer against the truth: numbers to within ``tolerance``, anything else exactly."""
    if isinstance(truth, (int, float, np.number)) and isinstance(answer, (int, float, np.number)):
        return abs(float(answer) - float(truth)) <= tolerance
    return answer == truth


def describe(value) -> str:
    """An argument as the learner would recognise it: small values in full, big ones by shape."""
    if isinstance(value, np.ndarray) and (value.ndim > 1 or value.size > 8):
        return f"<array of shape {value.shape}>"
    return show(value)


def show(value) -> str:
    if isinstance(value, (tuple, list)):
        return "a " + type(value).__name__ + " of " + str(len(value))
    array = np.asarray(value)
    if array.dtype == object:
        return repr(value)
    if array.size > 36:
        return f"<array of shape {array.shape}>"
    text = np.array2string(array, precision=3, suppress_small=True, separator=", ")
    return "\n   ".join(line for line in text.splitlines() if line.strip())


def list_verdict(fn, cases, name, hint, shown: Callable[[tuple], str]) -> str:
    """Like ``verdict``, for answers that are lists of strings (tokens, pieces of text);
    ``shown(args)`` writes the arguments as the learner would recognise them."""
    for args, expected in cases:
        call = f"{name}({shown(args)})"
        try:
            got = fn(*args)
        except NotImplementedError:
            return not_done(name)
        except Exception as error:  # the learner's bug, reported in one line
            return raised(call, error)
        if got is None:
            return not_done(name)
        got = list(got) if isinstance(got, (tuple, list)) else got
        if got != expected:
            advice = hint(args, got) if hint and isinstance(got, list) else None
            return f"❌ {call}: expected {expected!r}, got {got!r}" + (f"\n   Hint: {advice}" if advice else "")
    return passed(name, len(cases))


def raised(call: str, error: Exception) -> str:
    """The one line that reports an exception in the learner's code (never a traceback)."""
    return f"❌ {call} raised {type(error).__name__}: {error}"


def passed(name: str, count: int) -> str:
    return f"✅ {name} passed " + ("1 check." if count == 1 else f"all {count} checks.")
