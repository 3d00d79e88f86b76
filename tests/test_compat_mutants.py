"""Assertions the mutation run of divergence._compat showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_compat.json``): the deprecation message, the conversion of a renamed
argument, the refusal of both names and the table of renames left on the wrapper. The
expected texts are written out from the module's documented contract.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import pytest

from divergence._compat import renamed_arguments
from divergence.errors import DivergenceDeprecationWarning


def _make() -> Callable[..., tuple[int, int, float]]:
    """Decorate a fresh function (at call time, so that a mutated decorator is the one used)."""

    @renamed_arguments(removed_in="0.9", k="top_k", alpha=("confidence", lambda a: 1 - a))
    def _f(x: int, *, top_k: int = 10, confidence: float = 0.95) -> tuple[int, int, float]:
        """Doc of f."""
        return x, top_k, confidence

    return _f


def test_new_names_pass_through_quietly() -> None:
    _f = _make()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _f(1, top_k=3, confidence=0.5) == (1, 3, 0.5)
        assert _f(2) == (2, 10, 0.95)
    assert _f.__name__ == "_f" and _f.__doc__ == "Doc of f."


def test_old_name_warns_with_the_exact_message() -> None:
    _f = _make()
    with pytest.warns(DivergenceDeprecationWarning) as rec:
        assert _f(1, k=4) == (1, 4, 0.95)
    assert len(rec) == 1
    assert str(rec[0].message) == (
        "_make.<locals>._f(k=...) is deprecated and will be removed in divergence 0.9; use "
        "_make.<locals>._f(top_k=...) instead."
    )
    assert rec[0].filename == __file__  # points at the caller's line


def test_old_name_is_converted() -> None:
    _f = _make()
    # alpha = 0.1 means confidence = 1 - 0.1 = 0.9
    with pytest.warns(
        DivergenceDeprecationWarning, match=r"^_make\.<locals>\._f\(alpha=\.\.\.\) is deprecated"
    ):
        assert _f(1, alpha=0.25) == (1, 10, 0.75)
    # both old names in one call: both converted, two warnings
    with pytest.warns(DivergenceDeprecationWarning) as rec:
        assert _f(1, k=2, alpha=0.5) == (1, 2, 0.5)
    assert len(rec) == 2


def test_both_names_are_refused() -> None:
    _f = _make()
    with pytest.raises(
        TypeError,
        match="^"
        + re.escape("_make.<locals>._f() got both 'k' (deprecated) and 'top_k'; pass only 'top_k'")
        + "$",
    ):
        _f(1, k=2, top_k=3)


def test_rename_table_and_names() -> None:
    _f = _make()
    table = _f.__renamed_arguments__  # type: ignore[attr-defined]
    assert table == {"k": "top_k", "alpha": "confidence"}

    class Holder:
        @renamed_arguments(removed_in="1.0", old="new")
        def method(self, *, new: int = 0) -> int:
            return new

    with pytest.warns(DivergenceDeprecationWarning) as rec:
        assert Holder().method(old=5) == 5
    # the qualified name (class and method) is used in the message
    assert str(rec[0].message).startswith(
        "test_rename_table_and_names.<locals>.Holder.method(old=...) is deprecated"
    )

    class Nameless:
        """A callable without __qualname__ or __name__ on the instance."""

        def __call__(self, *, new: int = 0) -> int:
            return new

    wrapped = renamed_arguments(removed_in="1.0", old="new")(Nameless())
    with pytest.warns(DivergenceDeprecationWarning) as rec2:
        assert wrapped(old=6) == 6
    assert str(rec2[0].message).startswith("function(old=...) is deprecated")


def test_name_falls_back_to_dunder_name() -> None:
    class Named:
        def __call__(self, *, new: int = 0) -> int:
            return new

    obj = Named()
    obj.__name__ = "named"  # type: ignore[attr-defined]
    wrapped = renamed_arguments(removed_in="1.0", old="new")(obj)
    with pytest.warns(DivergenceDeprecationWarning) as rec:
        assert wrapped(old=7) == 7
    assert str(rec[0].message) == (
        "named(old=...) is deprecated and will be removed in divergence 1.0; use "
        "named(new=...) instead."
    )
