"""Time-ordered functions document that they refuse unsorted dates (issue 19, class 1).

A function that reads row order as time (:data:`reliability_table.TIME_ORDERED`: it lags,
differences, rolls or compounds over rows) refuses a dated input whose dates are unsorted or
repeated (:func:`divergence._validation.check_time_order`); rows are never reordered for the
caller. Here the docs cannot drift from that rule: the ``InputError`` entry of the numpydoc
Raises section of every such function or method says so and names the remedy
(``sort_index()``). One representative per module is also called with its first dated
argument reversed, and with a repeated date, to show the documented error is the one raised.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pandas as pd
import pytest

from divergence.errors import InputError
from reliability_table import ENTRIES, TIME_ORDERED, resolve


def _obj(name: str) -> Any:
    """The documented object of a table name, resolved as the inventory test does."""
    mod_name, *rest = name.split(".")
    mod = importlib.import_module(f"divergence.{mod_name}")
    if len(rest) == 1:
        return getattr(mod, rest[0])
    cls_name, meth = rest
    member = inspect.getattr_static(getattr(mod, cls_name), meth)
    return member.__func__ if isinstance(member, classmethod | staticmethod) else member


def _section(doc: str, title: str) -> str:
    """The body of a numpydoc section (up to the next underlined heading or the end)."""
    m = re.search(rf"^{title}\n-{{{len(title)}}}\n(.*?)(?=^\S[^\n]*\n-+$|\Z)", doc, re.M | re.S)
    assert m is not None, f"no {title} section"
    return m.group(1)


def _entry(section: str, exc: str) -> str:
    """The description of one exception in a Raises section (its indented lines)."""
    m = re.search(rf"^{exc}\n((?:[ \t]+\S[^\n]*\n?)+)", section, re.M)
    assert m is not None, f"no {exc} entry"
    return " ".join(m.group(1).split())


def test_section_parsing() -> None:
    """The parser finds an entry between others and at the end of the docstring."""
    doc = "Raises\n------\nTypeError\n    Bad type.\nInputError\n    Unsorted dates;\n"
    doc += "    sort with ``sort_index()``.\n\nNotes\n-----\nInputError\n    Not this one.\n"
    assert _entry(_section(doc, "Raises"), "InputError") == (
        "Unsorted dates; sort with ``sort_index()``."
    )
    with pytest.raises(AssertionError, match="no InputError entry"):
        _entry(_section("Raises\n------\nTypeError\n    Bad type.", "Raises"), "InputError")


def test_time_ordered_table_is_complete() -> None:
    """Every name of TIME_ORDERED is a table entry flagged for the contract suite."""
    assert len(TIME_ORDERED) >= 44
    assert all(ENTRIES[n].time_ordered for n in TIME_ORDERED)


@pytest.mark.parametrize("name", sorted(TIME_ORDERED))
def test_raises_documents_time_order(name: str) -> None:
    doc = inspect.getdoc(_obj(name)) or ""
    text = _entry(_section(doc, "Raises"), "InputError")
    assert "unsorted" in text.lower(), f"{name}: InputError entry does not mention unsorted dates"
    assert "duplicate" in text.lower(), f"{name}: InputError entry does not mention duplicates"
    assert "``sort_index()``" in text, f"{name}: InputError entry does not say how to sort"


#: one time-ordered entry per module and the dated argument that is disordered
REPRESENTATIVES: dict[str, str] = {
    "breadth.index_return": "returns",
    "concentration.chain_link": "snapshots",
    "cost.DivergenceCost.evaluate": "delta_r",
    "cost.expanding_percentile": "x",
    "dispersion.realized_volatility": "returns",
    "lags.lead_lag": "x",
    "liquidity.sterilization_rate": "balance_sheet",
    "premia.cape": "price",
    "real.deflate": "nominal",
    "refinancing.pass_through_month": "response",
    "risk.rolling_correlation": "a",
    "rotation.relative_performance": "returns",
}


def test_representatives_cover_every_module() -> None:
    assert set(REPRESENTATIVES) <= TIME_ORDERED
    assert {n.split(".")[0] for n in REPRESENTATIVES} == {n.split(".")[0] for n in TIME_ORDERED}


def _dated(name: str, arg: str) -> tuple[dict[str, Any], pd.Series | pd.DataFrame]:
    kwargs = ENTRIES[name].good()
    x = kwargs[arg]
    assert isinstance(x, pd.Series | pd.DataFrame), f"{name}: {arg} is not pandas"
    assert isinstance(x.index, pd.DatetimeIndex), f"{name}: {arg} has no DatetimeIndex"
    assert x.index.is_monotonic_increasing and x.index.is_unique
    assert len(x) >= 2
    return kwargs, x


@pytest.mark.parametrize(("name", "arg"), sorted(REPRESENTATIVES.items()))
def test_reversed_dates_raise(name: str, arg: str) -> None:
    kwargs, x = _dated(name, arg)
    resolve(ENTRIES[name])(**kwargs)  # the valid call is accepted
    reversed_ = x.iloc[::-1]
    kwargs[arg] = reversed_
    with pytest.raises(InputError, match=rf"(?s)\b{arg}\b.*\bsort"):
        resolve(ENTRIES[name])(**kwargs)
    assert kwargs[arg] is reversed_ and reversed_.index.equals(x.index[::-1])  # not reordered


@pytest.mark.parametrize(("name", "arg"), sorted(REPRESENTATIVES.items()))
def test_duplicate_dates_raise(name: str, arg: str) -> None:
    kwargs, x = _dated(name, arg)
    dates = list(x.index)
    dates[1] = dates[0]
    kwargs[arg] = x.set_axis(pd.DatetimeIndex(dates), axis=0)
    with pytest.raises(InputError, match=rf"(?s)\b{arg}\b.*duplicate"):
        resolve(ENTRIES[name])(**kwargs)
