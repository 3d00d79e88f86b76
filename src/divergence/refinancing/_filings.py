"""Debt books from SEC XBRL company facts (10-K maturity tables) (private module)."""

from __future__ import annotations

import gzip
import json
import os
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from divergence._typing import FloatArray
from divergence._validation import check_float
from divergence.errors import DataWarning, InputError
from divergence.refinancing._book import LADDER_BUCKETS, LADDER_TAGS, DebtBook

__all__ = ["DEBT_TAG", "EBIT_TAG", "INTEREST_TAGS", "book_from_company_facts"]

#: Annual EBIT (operating income), a duration fact.
EBIT_TAG = "OperatingIncomeLoss"
#: Interest expense tags, in order of preference (duration facts).
INTEREST_TAGS: tuple[str, ...] = (
    "InterestExpense",
    "InterestExpenseNonoperating",
    "InterestExpenseDebt",
)
#: Long-term debt on the balance sheet (an instant fact), the denominator of the implied rate.
DEBT_TAG = "LongTermDebt"
#: Forms read (annual reports); 10-Q facts and others are ignored.
ANNUAL_FORMS = ("10-K", "10-K/A")
#: Accepted length of an annual duration (days): 52- and 53-week fiscal years fall inside.
ANNUAL_DAYS = (350, 380)

_FIRMS_COLUMNS = (
    "firm",
    "ebit",
    "growth",
    "volatility",
    "cohort",
    "cik",
    "period_end",
    "accession",
    *LADDER_BUCKETS,
    "long_term_debt",
    "interest_expense",
    "interest_source",
    "coupon",
)

FactsLike = Mapping[str, Any] | str | os.PathLike[str]


def _load(source: object, position: int) -> Mapping[str, Any]:
    """A parsed company-facts document from a dict or a ``.json`` / ``.json.gz`` path."""
    if isinstance(source, Mapping):
        doc: object = source
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise InputError(f"facts[{position}]: no such file {path!r}")
        opener: Any = gzip.open if path.endswith(".gz") else open
        try:
            with opener(path, "rt", encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"facts[{position}]: {path!r} is not a (gzip) JSON file: {exc}"
            ) from None
    else:
        raise TypeError(
            "facts must be a company-facts dict, a path to a .json or .json.gz file, or a list "
            f"of them; got {type(source).__name__} at position {position}"
        )
    if not isinstance(doc, Mapping) or "facts" not in doc:
        raise InputError(f"facts[{position}] is not an SEC company-facts document (no 'facts' key)")
    return doc


def _who(doc: Mapping[str, Any]) -> str:
    return f"{doc.get('entityName', '?')} (CIK {doc.get('cik', '?')})"


_INSTANT_TAGS: tuple[str, ...] = (*LADDER_TAGS.values(), DEBT_TAG)
_DURATION_TAGS: tuple[str, ...] = (EBIT_TAG, *INTEREST_TAGS)
_FACT_FIELDS = ("start", "end", "val", "accn", "form", "filed")


def _annual_facts(docs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """USD facts of the tags read, from annual reports, one row per (doc, tag, end).

    Keeps facts of forms 10-K and 10-K/A; duration facts must span 350 to 380 days (a fiscal
    year), instant facts must have no ``start``. A period (``start``, ``end``) reported by
    several filings keeps the value of the latest ``filed`` one (a restatement wins) and the
    accession of the earliest filing that reported that value. Indexed by (doc position, tag,
    end), columns ``val`` and ``accn``.
    """
    rows: list[tuple[Any, ...]] = []
    for i, doc in enumerate(docs):  # JSON to rows: the only per-document step
        gaap = doc["facts"].get("us-gaap", {}) if isinstance(doc["facts"], Mapping) else {}
        for tag in (*_INSTANT_TAGS, *_DURATION_TAGS):
            entry = gaap.get(tag) if isinstance(gaap, Mapping) else None
            units = entry.get("units", {}) if isinstance(entry, Mapping) else {}
            facts = units.get("USD", []) if isinstance(units, Mapping) else []
            rows.extend(
                (i, tag, *(f.get(k) for k in _FACT_FIELDS)) for f in facts if isinstance(f, Mapping)
            )
    df = pd.DataFrame(rows, columns=["doc", "tag", *_FACT_FIELDS])
    df = df[df["form"].isin(ANNUAL_FORMS)]

    def dates(col: str) -> pd.Series:
        return pd.to_datetime(df[col], errors="coerce", format="%Y-%m-%d")

    start, end, filed = dates("start"), dates("end"), dates("filed")
    val = pd.to_numeric(df["val"], errors="coerce")
    duration = df["tag"].isin(_DURATION_TAGS).to_numpy()
    days = (end - start).dt.days
    annual = np.where(duration, days.between(*ANNUAL_DAYS).to_numpy(), start.isna().to_numpy())
    ok = annual & end.notna().to_numpy() & val.notna().to_numpy()
    df = df.assign(start=start, end=end, filed=filed, val=val.astype(float))[ok]
    df = df.sort_values(["doc", "tag", "end", "filed"], kind="stable")
    key = ["doc", "tag", "start", "end"]
    df["accn"] = df.groupby([*key, "val"], sort=False, dropna=False)["accn"].transform("first")
    latest = df.groupby(key, sort=False, dropna=False).tail(1)
    # one value per (doc, tag, end): two fiscal-year spans cannot end on the same day
    latest = latest.drop_duplicates(["doc", "tag", "end"], keep="last")
    return latest.set_index(["doc", "tag", "end"])[["val", "accn"]]


def _at(table: pd.DataFrame, tag: str, ends: pd.DatetimeIndex) -> pd.DataFrame:
    """Rows of ``table`` for every document at its own date (NaN where missing)."""
    n = len(ends)
    idx = pd.MultiIndex.from_arrays([np.arange(n), np.full(n, tag, dtype=object), ends])
    return table.reindex(idx)


def _missing(
    names: list[str], hit: pd.DataFrame, tag: str, ends: pd.DatetimeIndex, what: str
) -> None:
    bad = np.flatnonzero(hit["val"].isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"{names[i]}: no 10-K value of us-gaap tag {tag!r} {what} {ends[i].date()}"
        )


def _read(
    docs: Sequence[Mapping[str, Any]],
    period_end: pd.Timestamp | None,
    override: FloatArray,
) -> dict[str, Any]:
    """Ladder, EBIT and implied rate of every filer (see :func:`book_from_company_facts`)."""
    names = [_who(d) for d in docs]
    table = _annual_facts(docs)
    n = len(docs)
    if period_end is None:
        y1 = table.xs(LADDER_TAGS["y1"], level="tag").reset_index()
        latest = y1.groupby("doc")["end"].max().reindex(np.arange(n))
        bad = np.flatnonzero(latest.isna().to_numpy())
        if bad.size:
            raise InputError(
                f"{names[int(bad[0])]}: no 10-K value of us-gaap tag {LADDER_TAGS['y1']!r}"
            )
        ends = pd.DatetimeIndex(latest.to_numpy())
    else:
        ends = pd.DatetimeIndex(np.full(n, period_end.to_datetime64()))
    out: dict[str, Any] = {"period_end": ends}
    for b in LADDER_BUCKETS:
        hit = _at(table, LADDER_TAGS[b], ends)
        _missing(names, hit, LADDER_TAGS[b], ends, "at")
        out[b] = hit["val"].to_numpy(dtype=float)
        if b == "y1":
            out["accession"] = hit["accn"].to_numpy(dtype=object)
    ebit = _at(table, EBIT_TAG, ends)
    _missing(names, ebit, EBIT_TAG, ends, "for the fiscal year ending")
    out["ebit"] = ebit["val"].to_numpy(dtype=float)
    debt = _at(table, DEBT_TAG, ends)
    _missing(names, debt, DEBT_TAG, ends, "at")
    ltd = debt["val"].to_numpy(dtype=float)
    out["long_term_debt"] = ltd
    interest = override.copy()
    source = np.where(np.isnan(override), "", "interest_expense argument").astype(object)
    for tag in INTEREST_TAGS:
        vals = _at(table, tag, ends)["val"].to_numpy(dtype=float)
        fill = np.isnan(interest) & ~np.isnan(vals)
        interest[fill] = vals[fill]
        source[fill] = tag
    rate = interest / ltd
    todo = np.flatnonzero(np.isnan(interest))
    if todo.size:
        # stale fallback: the latest earlier fiscal year with interest expense and debt
        flat = table.reset_index()
        cand = flat[flat["tag"].isin(INTEREST_TAGS) & flat["doc"].isin(todo)]
        cand = cand[cand["end"].to_numpy() < ends[cand["doc"].to_numpy()].to_numpy()]
        d = flat[flat["tag"] == DEBT_TAG][["doc", "end", "val"]].rename(columns={"val": "debt"})
        cand = cand.merge(d, on=["doc", "end"], how="inner")
        cand = cand[cand["debt"] > 0]
        cand = cand.assign(rank=cand["tag"].map({t: k for k, t in enumerate(INTEREST_TAGS)}))
        cand = cand.sort_values(["doc", "rank", "end"], ascending=[True, True, False])
        best: dict[Hashable, dict[Hashable, Any]] = (
            cand.drop_duplicates("doc").set_index("doc").to_dict("index")
        )
        for i in todo.tolist():  # a warning per stale filer (messages only)
            day = pd.Timestamp(ends.to_numpy()[i]).date()
            if i not in best:
                raise InputError(
                    f"{names[i]}: no 10-K value of us-gaap tag {INTEREST_TAGS[0]!r} (nor "
                    f"{list(INTEREST_TAGS[1:])}) for the fiscal year ending {day} "
                    "or any earlier one; pass interest_expense="
                )
            row = best[i]
            rate[i] = float(row["val"]) / float(row["debt"])
            interest[i] = rate[i] * ltd[i]
            then = pd.Timestamp(row["end"]).date()
            source[i] = f"{row['tag']} {then} (stale)"
            warnings.warn(
                f"{names[i]}: no interest expense tagged for the fiscal year ending "
                f"{day} (tags {list(INTEREST_TAGS)}); using the rate implied by "
                f"{row['tag']} / {DEBT_TAG} of the fiscal year ending {then} ({rate[i]:.4%}). "
                "Pass interest_expense= to give this year's value.",
                DataWarning,
                stacklevel=3,
            )
    out["interest_expense"] = interest
    out["interest_source"] = source
    out["coupon"] = rate
    return out


def _lookup(values: object, name: str, doc: Mapping[str, Any]) -> object:
    """Value of a per-firm argument for ``doc``: by entity name, then by CIK; else None."""
    if values is None:
        return None
    if isinstance(values, Mapping | pd.Series):
        for key in (doc.get("entityName"), doc.get("cik")):
            if key is not None and key in values:
                return values[key]
        return None
    raise TypeError(
        f"{name} must be a mapping or Series keyed by entityName or CIK, got "
        f"{type(values).__name__}"
    )


def book_from_company_facts(
    facts: FactsLike | Sequence[FactsLike],
    *,
    period_end: str | pd.Timestamp | None = None,
    interest_expense: Mapping[Hashable, float] | pd.Series | None = None,
    floating_share: float | pd.Series | Mapping[Hashable, float] = 0.0,
    spread: float | pd.Series | Mapping[Hashable, float] | None = None,
    reset_months: int = 3,
    tenor: int = 120,
    after5_years: int = 5,
    tranches_per_year: int = 12,
    growth: float = 0.0,
    volatility: float = 0.0,
    cohort: str | Mapping[Hashable, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""The ``(book, firms)`` frames of :func:`simulate` from SEC XBRL company facts.

    Reads, for each filer, the debt-maturity table of its latest 10-K (the us-gaap tags
    ``LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths``, ``…InYearTwo`` …
    ``…InYearFive`` and ``…AfterYearFive``), ``OperatingIncomeLoss`` (EBIT) and
    ``InterestExpense`` of the fiscal year ending on that balance-sheet date, and
    ``LongTermDebt`` on it, then builds the book with :meth:`DebtBook.from_maturity_ladder`.
    Every tranche pays the firm's implied average rate

    .. math::

       c = \frac{\text{InterestExpense}}{\text{LongTermDebt}}

    (annual decimal: fixed coupon, and current fixing of the floating part).

    Parameters
    ----------
    facts : dict, path, or list of them
        One company-facts document per firm, in the schema of the SEC's
        ``api/xbrl/companyfacts`` endpoint (``cik``, ``entityName``, ``facts`` → ``us-gaap``
        → tag → ``units`` → ``USD`` → facts with ``end``, ``val``, ``accn``, ``fy``, ``fp``,
        ``form``, ``filed`` and ``start`` for durations): a parsed dict, or the path of a
        ``.json`` or ``.json.gz`` file (see :func:`divergence.datasets.load_company_facts`).
    period_end : str or Timestamp, optional
        Balance-sheet date to read (default: the latest 10-K date of the next-twelve-months
        tag, per firm).
    interest_expense : mapping or Series, optional
        Annual interest expense (USD) keyed by ``entityName`` or CIK, overriding the tags for
        those firms (for filers that stopped tagging it).
    floating_share, spread : float, Series or mapping
        As in :meth:`DebtBook.from_maturity_ladder`, keyed by ``entityName``. The filing does
        not split fixed from floating debt: the default (0.0) treats all of it as fixed.
    reset_months, tenor, after5_years, tranches_per_year : int
        As in :meth:`DebtBook.from_maturity_ladder` (defaults 3, 120, 5, 12).
    growth, volatility : float, default 0.0
        Annual log growth and volatility of EBIT for every firm. The filing gives neither:
        the defaults hold EBIT at its 10-K value (deterministic paths).
    cohort : str or mapping, optional
        Cohort label (one for all, or keyed by ``entityName``); default the entity name.

    Returns
    -------
    book : DataFrame
        One row per tranche (the columns of :meth:`DebtBook.to_frame`), principal in USD.
    firms : DataFrame
        One row per filer: ``firm`` (the entity name), ``ebit`` (USD per year), ``growth``,
        ``volatility``, ``cohort`` and the facts read: ``cik``, ``period_end``,
        ``accession`` (of the 10-K that first reported the ladder), ``y1`` … ``after5`` (USD),
        ``long_term_debt`` (USD), ``interest_expense`` (USD per year),
        ``interest_source`` (the tag used) and ``coupon`` (the implied rate).

    Raises
    ------
    InputError
        A file that is not company-facts JSON, a missing tag or period (the message names the
        company, its CIK and the tag), two documents of the same entity, invalid parameters.
    TypeError
        ``facts`` of another type.

    Warns
    -----
    DataWarning
        No interest-expense tag for the ladder's fiscal year and no ``interest_expense``
        override: the rate implied by the latest earlier fiscal year is used instead.

    Notes
    -----
    Only facts of forms 10-K and 10-K/A are read (``fp`` is not used: a 10-K also carries
    prior-year comparatives, which the ``end`` date tells apart). Duration facts (EBIT,
    interest) must span 350 to 380 days. A period reported by several filings (each 10-K
    repeats earlier years) is kept once: the value of the latest filing (a restatement wins),
    with the accession of the first filing that reported that value. Interest expense falls
    back, in order, to ``InterestExpenseNonoperating`` and ``InterestExpenseDebt`` for the same
    fiscal year, then to the implied rate of the latest earlier fiscal year (with a
    :class:`~divergence.errors.DataWarning`). ``LongTermDebtMaturitiesRepaymentsOfPrincipal
    RemainderOfFiscalYear`` appears only in 10-Q filings (the rest of the current fiscal year)
    and is not read. The implied rate divides a year's interest, which includes interest on
    commercial paper and finance leases net of capitalised interest, by year-end long-term
    debt: an approximation of the average coupon.

    References
    ----------
    .. [1] U.S. Securities and Exchange Commission, "EDGAR Application Programming
       Interfaces", ``data.sec.gov/api/xbrl/companyfacts`` (XBRL financial data).
    .. [2] FASB, US GAAP Financial Reporting Taxonomy, elements
       ``LongTermDebtMaturitiesRepaymentsOfPrincipal…``, ``OperatingIncomeLoss``,
       ``InterestExpense``, ``LongTermDebt``.

    Examples
    --------
    >>> from divergence.datasets import load_company_facts
    >>> book, firms = book_from_company_facts(load_company_facts("TSLA"))
    >>> print(firms.loc[0, "firm"], firms.loc[0, "period_end"].date(),
    ...       f"{firms.loc[0, 'coupon']:.4f}")
    Tesla, Inc. 2021-12-31 0.0872
    >>> print(f"{book['principal'].sum() / 1e9:.3f}")
    5.380
    """
    docs_in = [facts] if isinstance(facts, Mapping | str | os.PathLike) else facts
    if not isinstance(docs_in, Sequence) or isinstance(docs_in, str):
        raise TypeError(
            "facts must be a company-facts dict, a path, or a list of them; got "
            f"{type(facts).__name__}"
        )
    if len(docs_in) == 0:
        raise InputError("facts is empty")
    docs = [_load(d, i) for i, d in enumerate(docs_in)]
    end = None
    if period_end is not None:
        try:
            end = pd.Timestamp(period_end)
        except (TypeError, ValueError):
            raise InputError(f"period_end must be a date, got {period_end!r}") from None
        if pd.isna(end):
            raise InputError(f"period_end must be a date, got {period_end!r}")
    g = check_float(growth, "growth", minimum=-5.0, maximum=5.0)
    vol = check_float(volatility, "volatility", minimum=0.0, maximum=5.0)
    override = np.full(len(docs), np.nan)
    for i, doc in enumerate(docs):
        value = _lookup(interest_expense, "interest_expense", doc)
        if value is not None:
            override[i] = check_float(value, f"interest_expense[{doc.get('entityName')!r}]")
    read = _read(docs, end, override)
    firms = pd.DataFrame(
        {
            "firm": [str(d.get("entityName")) for d in docs],
            "cik": [d.get("cik") for d in docs],
            **read,
        }
    )
    dup = firms["firm"].duplicated()
    if dup.any():
        raise InputError(f"facts holds {firms['firm'][dup].iloc[0]!r} more than once")
    labels = pd.Index(firms["firm"])
    if cohort is None:
        cohorts = firms["firm"].to_numpy()
    elif isinstance(cohort, str):
        cohorts = np.full(len(firms), cohort, dtype=object)
    elif isinstance(cohort, Mapping):
        missing = [f for f in labels if f not in cohort]
        if missing:
            raise InputError(f"cohort has no label for {missing[0]!r}")
        cohorts = np.array([cohort[f] for f in labels], dtype=object)
    else:
        raise TypeError(f"cohort must be a str or a mapping, got {type(cohort).__name__}")
    firms["growth"] = g
    firms["volatility"] = vol
    firms["cohort"] = cohorts
    firms = firms[list(_FIRMS_COLUMNS)]
    ladder = firms.set_index("firm")[list(LADDER_BUCKETS)]
    book = DebtBook.from_maturity_ladder(
        ladder,
        coupon=pd.Series(firms["coupon"].to_numpy(), index=labels),
        floating_share=floating_share,
        spread=spread,
        reset_months=reset_months,
        tenor=tenor,
        after5_years=after5_years,
        tranches_per_year=tranches_per_year,
    ).to_frame()
    book.attrs["source"] = "SEC XBRL company facts: " + ", ".join(
        f"{f} (accession {a})" for f, a in zip(firms["firm"], firms["accession"], strict=True)
    )
    return book, firms
