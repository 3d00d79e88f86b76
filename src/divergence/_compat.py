"""Deprecated argument names kept for one release (private).

A public function whose argument was renamed keeps accepting the old name for one release:
the call works, and a :class:`~divergence.errors.DivergenceDeprecationWarning` names the new
argument and the release that drops the old one. Passing both names is a ``TypeError``, as
Python does for a repeated argument.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

from divergence.errors import DivergenceDeprecationWarning

__all__ = ["renamed_arguments"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed_arguments(
    *, removed_in: str, **renames: str | tuple[str, Callable[[Any], Any]]
) -> Callable[[F], F]:
    """Accept ``old=value`` for each ``old -> new`` in ``renames``, with a deprecation warning.

    A rename is ``old="new"``, or ``old=("new", convert)`` when the new argument measures the
    same thing on another scale (e.g. ``alpha=("confidence", lambda a: 1 - a)``): the old value
    is passed through ``convert``.

    >>> @renamed_arguments(removed_in="0.3", k="top_k")
    ... def f(x: int, *, top_k: int = 10) -> int:
    ...     return x + top_k
    >>> f(1, top_k=2)
    3
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(1, k=2)
    3
    >>> print(caught[0].message)
    f(k=...) is deprecated and will be removed in divergence 0.3; use f(top_k=...) instead.
    """
    table: dict[str, tuple[str, Callable[[Any], Any] | None]] = {
        old: (spec, None) if isinstance(spec, str) else spec for old, spec in renames.items()
    }

    def decorate(func: F) -> F:
        name = getattr(func, "__qualname__", getattr(func, "__name__", "function"))

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, (new, convert) in table.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{name}() got both {old!r} (deprecated) and {new!r}; pass only {new!r}"
                        )
                    warnings.warn(
                        f"{name}({old}=...) is deprecated and will be removed in divergence "
                        f"{removed_in}; use {name}({new}=...) instead.",
                        DivergenceDeprecationWarning,
                        stacklevel=2,
                    )
                    value = kwargs.pop(old)
                    kwargs[new] = value if convert is None else convert(value)
            return func(*args, **kwargs)

        wrapper.__renamed_arguments__ = {o: n for o, (n, _) in table.items()}  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate
