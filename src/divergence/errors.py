"""Exceptions and warnings raised by divergence.

Every invalid input raises :class:`InputError` (a :class:`ValueError`) or :class:`TypeError`
with a message that names the argument, says what is wrong and where. Warnings are subclasses
of :class:`DivergenceWarning`, so one filter can silence all of them for a block of code:

>>> import warnings
>>> from divergence.errors import DivergenceWarning
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore", DivergenceWarning)
"""

from __future__ import annotations

__all__ = [
    "DataWarning",
    "DivergenceDeprecationWarning",
    "DivergenceWarning",
    "InputError",
    "OutOfRangeWarning",
]


class InputError(ValueError):
    """An argument has the right type but an invalid value, shape, index or content."""


class DivergenceWarning(UserWarning):
    """Base class of every warning divergence emits."""


class DivergenceDeprecationWarning(DivergenceWarning, FutureWarning):
    """An argument or function was renamed; the old spelling works for one more release.

    It is a :class:`FutureWarning` too, so it is shown by default (users, not only developers,
    need to update their calls).
    """


class OutOfRangeWarning(DivergenceWarning):
    """A computed quantity fell outside its theoretical range and was reported, not clipped."""


class DataWarning(DivergenceWarning):
    """A bundled or user data set has a known quirk that affects the result."""
