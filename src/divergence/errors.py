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
    "DomainWarning",
    "InputError",
    "OutOfRangeWarning",
    "UnitWarning",
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


class DomainWarning(DivergenceWarning):
    """A method was applied outside the domain where it is valid; the result is unreliable.

    For example, the Cornish–Fisher expansion of :func:`divergence.risk.value_at_risk` on
    returns so skewed or fat-tailed that the expanded quantile function is not increasing over
    the tail (Maillard, 2012): the VaR can then fall as the confidence rises, and the CVaR fall
    below the VaR. The value is still returned, unchanged.
    """


class UnitWarning(DivergenceWarning):
    """An input is implausible in its documented unit (percent for decimal, days for years, ...).

    The message names the argument, the value that looks wrong and the likely mistake (e.g.
    "``rate`` has values above 1: pass 0.05 for 5%, not 5"). The thresholds are listed in each
    function's *Warns* section and on the Reliability page. The value is never changed: silence
    the warning for a call when the magnitude is intended (hyperinflation, a 300% return).
    """
