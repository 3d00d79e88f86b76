"""Assertions the mutation run of dispersion._index and dispersion._common showed missing.

Each test pins a behaviour a surviving mutant changed (see
``docs/_data/mutation/dispersion_index.json``). Expected values are closed forms worked by
hand in the comments (times to settlement in minutes, weights renormalised by hand, the
30-day interpolation of two terms) or the argument names and messages the functions
document.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from _bs_boards import bs_board
from divergence.dispersion import (
    dispersion_trade_pnl,
    implied_correlation,
    implied_correlation_index,
    realized_correlation,
    vix_index,
)
from divergence.errors import DataWarning, InputError, UnitWarning

NOW = pd.Timestamp("2026-05-13 10:00")  # a Wednesday
FRIDAYS = [("2026-06-05", True), ("2026-06-12", True)]  # 23.25 and 30.25 days at 10:00
GOOD = bs_board(NOW, FRIDAYS, 0.2, step=0.05, width=3.0)
STANDARD = [
    "quote_time",
    "expiration",
    "t",
    "strike",
    "option_type",
    "bid",
    "ask",
    "root",
    "underlying",
]


def _full(message: str) -> str:
    """A regex matching exactly ``message``."""
    return "^" + re.escape(message) + "$"


def _members() -> tuple[pd.DataFrame, pd.Series]:
    quotes = pd.concat(
        [
            bs_board(NOW, FRIDAYS, vol, step=0.05, width=3.0).assign(underlying=name)
            for name, vol in (("IDX", 0.2), ("A", 0.3), ("B", 0.25))
        ],
        ignore_index=True,
    )
    return quotes, pd.Series({"A": 0.6, "B": 0.4})


# --------------------------------------------------------------------------- messages: vix_index
@pytest.mark.parametrize(
    ("quotes", "kwargs", "exc", "message"),
    [
        (GOOD.to_numpy(), {}, TypeError, "quotes must be a pandas DataFrame, got ndarray"),
        (
            GOOD,
            {"columns": ["bid"]},
            TypeError,
            "columns must be a mapping {your column name: standard name}, got list",
        ),
        (
            GOOD,
            {"columns": {"bid": "price"}},
            InputError,
            f"columns maps to unknown name(s) ['price']; the standard names are {STANDARD}",
        ),
        (
            GOOD,
            {"columns": {"nope": "bid"}},
            InputError,
            "columns renames ['nope'], which quotes does not have",
        ),
        *(
            (
                GOOD.drop(columns=name),
                {},
                InputError,
                f"quotes is missing column {name!r}; rename your columns to the standard names "
                f"or map them with columns={{'your_name': {name!r}}}",
            )
            for name in ("ask", "quote_time", "strike", "option_type", "bid")
        ),
        (
            GOOD.assign(t=0.1),
            {},
            InputError,
            "quotes has both an 'expiration' and a 't' column; pass one of them (drop the other "
            "or leave it out of columns=)",
        ),
        (
            GOOD.drop(columns="expiration"),
            {},
            InputError,
            "quotes is missing column 'expiration' (or 't', years to expiration); map yours "
            "with columns={'your_name': 'expiration'}",
        ),
        (GOOD.iloc[:0], {}, InputError, "quotes is empty"),
        (
            GOOD.assign(option_type=["X"] + ["C"] * (len(GOOD) - 1)),
            {},
            InputError,
            "quotes['option_type'] has 1 value(s) that are not 'C'/'P' (or 'call'/'put', any "
            "case); first 'X'",
        ),
        (
            GOOD.assign(expiration=np.array([None, *GOOD["expiration"].iloc[1:]], dtype=object)),
            {},
            InputError,
            "quotes['expiration'] has 1 missing value(s)",
        ),
        (
            GOOD.drop(columns="expiration").assign(
                t=0.1, quote_time=np.array([None, None, *["a"] * (len(GOOD) - 2)], dtype=object)
            ),
            {},
            InputError,
            "quotes['quote_time'] has 2 missing value(s)",
        ),
        (
            GOOD,
            {"rate": "x"},
            TypeError,
            "rate must be a number or a callable of t (years), got str",
        ),
        (
            GOOD,
            {"am_roots": "SPX"},
            TypeError,
            "am_roots must be a collection of root symbols, e.g. ('SPX',)",
        ),
        (
            GOOD,
            {"am_roots": 3},
            TypeError,
            "am_roots must be a collection of root symbols, e.g. ('SPX',)",
        ),
        (
            GOOD,
            {"terms": ("2026-06-05",)},
            TypeError,
            "terms must be None or a pair (near, next) of expirations (or t values)",
        ),
        (
            GOOD,
            {"terms": "ab"},
            TypeError,
            "terms must be None or a pair (near, next) of expirations (or t values)",
        ),
    ],
)
def test_vix_index_messages(
    quotes: object, kwargs: dict[str, object], exc: type, message: str
) -> None:
    """Kills the string mutants of the checks of _rename, _need, _long_table and _boards."""
    with pytest.raises(exc, match=_full(message)):
        vix_index(quotes, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- _common
def _rho(index_vol: float, vols: list[float], weights: list[float]) -> float:
    """Implied correlation by hand, weights renormalised over the names given."""
    w = [x / sum(weights) for x in weights]
    sq = sum((wi * si) ** 2 for wi, si in zip(w, vols, strict=True))
    lin = sum(wi * si for wi, si in zip(w, vols, strict=True))
    return (index_vol**2 - sq) / (lin**2 - sq)


def _ic(*args: object, **kwargs: object) -> Any:
    """implied_correlation without the out-of-range warning (hand values may lie outside)."""
    return implied_correlation(*args, on_out_of_range="ignore", **kwargs)  # type: ignore[arg-type]


def test_common_weight_messages() -> None:
    """Kills the string and condition mutants of cross_weights' checks."""
    with pytest.raises(
        InputError,
        match=_full(
            "weights has 3 values but constituent_vols has 2 columns; pass one weight per "
            "column or a panel with the same layout"
        ),
    ):
        implied_correlation(0.2, [[0.3, 0.2]], [1.0, 1.0, 1.0])
    with pytest.raises(
        InputError,
        match=_full("weights must be 1-D when constituent_vols is 1-D, got a 2-D input"),
    ):
        implied_correlation(0.2, [0.3, 0.2], [[1.0, 1.0]])
    panel = pd.DataFrame({"a": [0.3], "b": [0.2]})
    with pytest.raises(
        InputError, match=_full("weights' index does not match the columns of constituent_vols")
    ):
        implied_correlation(0.2, panel, pd.Series({"a": 1.0, "c": 1.0}))
    with pytest.raises(
        InputError,
        match=_full("constituent_vols and weights must have the same shape, got (1, 2) and (2, 2)"),
    ):
        implied_correlation(0.2, [[0.3, 0.2]], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(
        InputError, match=_full("weights has 1 negative value(s); first at position 0")
    ):
        implied_correlation(0.2, [[0.3, 0.2]], [-1.0, 1.0])
    with pytest.raises(
        InputError, match=_full("weights must be 1-D or 2-D, got a 3-D input of shape (1, 1, 2)")
    ):
        implied_correlation(0.2, [[0.3, 0.2]], [[[1.0, 1.0]]])
    # NaN weights under "raise": named with their place, 1-D and 2-D
    with pytest.raises(
        InputError,
        match=_full("weights has 1 NaN value(s) and nan_policy='raise'; first at position 1"),
    ):
        implied_correlation(0.2, [[0.3, 0.2]], [1.0, np.nan], nan_policy="raise")
    with pytest.raises(
        InputError,
        match=_full("weights has 1 NaN value(s) and nan_policy='raise'; first at row 1, column 1"),
    ):
        implied_correlation(
            [0.2, 0.2], [[0.3, 0.2], [0.3, 0.2]], [[1.0, 1.0], [1.0, np.nan]], nan_policy="raise"
        )


def test_common_weight_layouts_give_the_hand_values() -> None:
    """One weight per name used on every row; pandas and NumPy weights mixed with panels."""
    vols = [[0.3, 0.2], [0.4, 0.1]]
    idx = [0.22, 0.25]
    w = [3.0, 1.0]
    want = [_rho(idx[0], vols[0], w), _rho(idx[1], vols[1], w)]
    np.testing.assert_allclose(_ic(idx, vols, w), want, rtol=1e-12)
    # the same as a 2-D weight panel with the layout of the vols
    np.testing.assert_allclose(_ic(idx, vols, [w, w]), want, rtol=1e-12)
    # labelled weights matching the columns, NumPy weights with a frame, a Series with arrays
    frame = pd.DataFrame(vols, columns=["a", "b"])
    s = pd.Series(w, index=["a", "b"])
    np.testing.assert_allclose(_ic(idx, frame, s), want, rtol=1e-12)
    np.testing.assert_allclose(_ic(idx, frame, np.array(w)), want, rtol=1e-12)
    np.testing.assert_allclose(_ic(idx, vols, s), want, rtol=1e-12)
    # a NaN weight drops its name under "omit" (the other is renormalised: one name, no pair)
    out = _ic(idx, [[0.3, 0.2, 0.5], [0.4, 0.1, 0.5]], [3.0, 1.0, np.nan])
    np.testing.assert_allclose(out, want, rtol=1e-12)
    # and gives its row NaN under "propagate"
    out = _ic(idx, vols, [[3.0, 1.0], [np.nan, 1.0]], nan_policy="propagate")
    assert out[0] == pytest.approx(want[0], rel=1e-12) and np.isnan(out[1])
    # a row whose weights are all zero has no renormalised weights: NaN
    out = _ic(idx, vols, [[3.0, 1.0], [0.0, 0.0]])
    assert out[0] == pytest.approx(want[0], rel=1e-12) and np.isnan(out[1])


def test_common_per_row_values() -> None:
    """Kills the mutants of per_row_values: scalars, sizes, indexes, signs, NaN policy."""
    vols, w = [0.3, 0.2], [3.0, 1.0]
    want = _rho(0.22, vols, w)
    for scalar in (0.22, np.float64(0.22), np.float32(0.22)):
        assert _ic(scalar, vols, w) == pytest.approx(want, rel=1e-6)
    # an integer index vol (1) is read as a number: closed form with 1.0
    assert _ic(1, vols, w) == pytest.approx(_rho(1.0, vols, w), rel=1e-12)
    assert _ic(np.int64(1), vols, w) == pytest.approx(_rho(1.0, vols, w), rel=1e-12)
    for flag in (True, np.bool_(True)):
        with pytest.raises(
            TypeError, match=_full("index_vol must hold real numbers, got booleans")
        ):
            _ic(flag, vols, w)
    with pytest.raises(
        InputError,
        match=_full("index_vol must hold a single value to match constituent_vols, got 2"),
    ):
        _ic([0.2, 0.3], vols, w)
    with pytest.raises(
        InputError,
        match=_full("index_vol must hold 2 values (one per row) to match constituent_vols, got 3"),
    ):
        _ic([0.2, 0.3, 0.1], [vols, vols], w)
    with pytest.raises(
        InputError, match=_full("index_vol must be 1-D, got a 2-D input of shape (2, 1)")
    ):
        _ic([[0.2], [0.3]], [vols, vols], w)
    with pytest.raises(
        InputError, match=_full("index_vol has 1 negative value(s); first at position 0")
    ):
        _ic(-0.2, vols, w)
    with pytest.raises(
        InputError,
        match=_full("index_vol has 1 NaN value(s) and nan_policy='raise'; first at position 1"),
    ):
        _ic([0.2, np.nan], [vols, vols], w, nan_policy="raise")
    # a zero index vol is allowed (non-negative, not positive): rho = -sum w^2 s^2 / den
    assert _ic(0.0, vols, w) == pytest.approx(_rho(0.0, vols, w), rel=1e-12)
    frame = pd.DataFrame([vols, vols], index=[10, 11])
    with pytest.raises(
        InputError, match=_full("index_vol and constituent_vols have different indexes")
    ):
        _ic(pd.Series([0.2, 0.3], index=[1, 2]), frame, w)
    both = [_rho(0.2, vols, w), _rho(0.3, vols, w)]
    ok = _ic(pd.Series([0.2, 0.3], index=[10, 11]), frame, w)
    np.testing.assert_allclose(np.asarray(ok), both, rtol=1e-12)
    # a Series index vol with a NumPy panel, a NumPy one with a frame: no index to compare
    np.testing.assert_allclose(
        _ic(pd.Series([0.2, 0.3], index=[1, 2]), [vols, vols], w),
        both,
        rtol=1e-12,
    )
    np.testing.assert_allclose(np.asarray(_ic([0.2, 0.3], frame, w)), both)
    # one cross-section as labelled Series: the index vol's label is not compared
    one = _ic(pd.Series([0.22], index=["idx"]), pd.Series(vols, index=["a", "b"]), w)
    assert float(np.asarray(one)) == pytest.approx(want, rel=1e-12)


def test_common_positive_index_implied_vol_in_trade() -> None:
    """per_row_values(positive=True) for the trade's implied index vol; non-negative realized."""
    args = ([[0.3, 0.2]], 0.2, [[0.3, 0.2]], [1.0, 1.0])
    with pytest.raises(InputError, match=r"^index_implied_vol must be strictly positive"):
        dispersion_trade_pnl(0.0, *args)
    with pytest.raises(InputError, match=r"^index_realized_vol has 1 negative value"):
        dispersion_trade_pnl(0.25, [[0.3, 0.2]], -0.2, [[0.3, 0.2]], [1.0, 1.0])
    # a zero realized index vol is allowed
    dispersion_trade_pnl(0.25, [[0.3, 0.2]], 0.0, [[0.3, 0.2]], [1.0, 1.0])


def test_common_realized_correlation_weights() -> None:
    """cross_weights without a NaN policy argument: a NaN weight drops the name."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 3))
    full = realized_correlation(x[:, :2], weights=[2.0, 1.0], window=10)
    dropped = realized_correlation(x, weights=[2.0, 1.0, np.nan], window=10)
    np.testing.assert_allclose(np.asarray(dropped), np.asarray(full), rtol=1e-12)


# --------------------------------------------------------------------------- _index: messages
def test_crossed_and_duplicated_quotes_are_named() -> None:
    """Kills the count, row and format mutants of the crossed and duplicate messages."""
    bid = GOOD["bid"].to_numpy()
    ask = bid.copy()
    ask[[5, 9]] = bid[[5, 9]] * 0.5
    g = GOOD.assign(ask=ask)
    k, b, a = float(GOOD["strike"].iloc[5]), float(bid[5]), float(ask[5])
    with pytest.raises(
        InputError,
        match=_full(
            f"quotes has 2 crossed quote(s) (ask < bid); first at row 5 (strike {k:g}, bid "
            f"{b:g}, ask {a:g})"
        ),
    ):
        vix_index(g)
    # rows 3 twice more (2 extra) and row 20 once more (1 extra): 3 duplicated options
    d = pd.concat([GOOD, GOOD.iloc[[3, 3, 20]]], ignore_index=True)
    first = (
        f"quote_time={NOW!r}, expiration={pd.Timestamp('2026-06-05')!r}, root='SPXW', "
        f"strike={float(GOOD['strike'].iloc[3]):g}, type={GOOD['option_type'].iloc[3]!s}"
    )
    with pytest.raises(
        InputError,
        match=_full(
            "quotes has 3 duplicated option(s) (same quote time, expiration, root, strike and "
            f"type); first: {first}"
        ),
    ):
        vix_index(d)
    # with an underlying column the message names it too
    q = pd.concat([GOOD.assign(underlying="IDX"), GOOD.assign(underlying="A")], ignore_index=True)
    q = pd.concat([q, q.iloc[[40]]], ignore_index=True)
    row = q.iloc[40]
    first = (
        f"quote_time={NOW!r}, underlying='A', expiration={pd.Timestamp(row['expiration'])!r}, "
        f"root='SPXW', strike={float(row['strike']):g}, type={row['option_type']!s}"
    )
    with pytest.raises(
        InputError,
        match=_full(
            "quotes has 1 duplicated option(s) (same quote time, underlying, expiration, root, "
            f"strike and type); first: {first}"
        ),
    ):
        implied_correlation_index(q, pd.Series({"A": 1.0}), index="IDX")


def test_duplicate_in_t_mode_and_without_root() -> None:
    """The duplicate message in t mode (the t value) and without a root column (root '')."""
    t = GOOD.drop(columns=["expiration", "root"]).assign(
        t=np.where(GOOD["expiration"] == "2026-06-05", 0.0625, 0.0825), quote_time="close"
    )
    d = pd.concat([t, t.iloc[[2]]], ignore_index=True)
    first = (
        f"quote_time='close', expiration=0.0625, root='', strike={float(t['strike'].iloc[2]):g}, "
        f"type={t['option_type'].iloc[2]!s}"
    )
    with pytest.raises(
        InputError,
        match=_full(
            "quotes has 1 duplicated option(s) (same quote time, expiration, root, strike and "
            f"type); first: {first}"
        ),
    ):
        vix_index(d)


def test_rate_messages() -> None:
    """The rate checks name rate(t) for a callable and rate for a number."""
    with pytest.raises(
        InputError, match=_full("rate(t) has 2 NaN value(s) where none are allowed")
    ):
        vix_index(GOOD, rate=lambda t: np.nan * t)
    with pytest.raises(InputError, match=_full("rate must be a finite number, got nan")):
        vix_index(GOOD, rate=np.nan)
    with pytest.raises(
        InputError,
        match=r"^rate\(t\) failed when called with a NumPy array of times to expiration "
        r"\(years\): TypeError\(.*\); a callable rate must accept an array$",
    ):
        vix_index(GOOD, rate=lambda t: float(t))


def test_warning_message_names_the_first_board() -> None:
    """Kills the string mutants of _warn_missing (vix_index and implied_correlation_index)."""
    monthly = bs_board(NOW, [("2026-05-22", False), ("2026-06-19", False)], 0.25)
    tail = (
        ". See selection= (e.g. 'bracket' for chains without weeklies) or pass terms=; silence "
        "with warnings.simplefilter('ignore', DataWarning)."
    )
    with pytest.warns(DataWarning) as rec:
        vix_index(monthly)
    assert [str(w.message) for w in rec] == [
        f"vix_index: 1 of 1 board(s) have no 30-day variance and are NaN; first {NOW!r}: no "
        "eligible expiry with more than 23 and at most 30 days to go" + tail
    ]
    q = pd.concat([GOOD.assign(underlying=n) for n in ("IDX", "A")], ignore_index=True)
    q = q[~((q["underlying"] == "A") & (q["expiration"] == "2026-06-12"))]
    with pytest.warns(DataWarning) as rec:
        out = implied_correlation_index(q, pd.Series({"A": 1.0}), index="IDX")
    assert [str(w.message) for w in rec] == [
        "implied_correlation_index: 1 of 2 board(s) have no 30-day variance and are NaN; first "
        f"({NOW!r}, 'A'): no eligible expiry with more than 30 and fewer than 37 days" + tail
    ]
    row = out.iloc[0]
    assert np.isnan(row["implied_correlation"]) and np.isnan(row["member_vol"])
    assert (row["n_members"], row["n_weighted"], row["weight_coverage"]) == (0, 1, 0.0)


# --------------------------------------------------------------------------- _index: times
# Quoted Wednesday 2026-05-13 10:00; expiry Friday 2026-06-05: 840 minutes to midnight, 22
# whole days (31,680 minutes), then 570 (9:30 AM) or 960 (4:00 PM) minutes; the next
# Friday 7 days (10,080 minutes) later.
AM_NEAR = (840 + 31_680 + 570) / 525_600
PM_NEAR = (840 + 31_680 + 960) / 525_600
WEEK = 10_080 / 525_600
TERMS = ("2026-06-05", "2026-06-12")


def _var30(row: pd.Series) -> float:
    """White paper step 3 from the row's own terms: total variance linear in minutes."""
    t1, t2, v1, v2 = row["t_near"], row["t_next"], row["variance_near"], row["variance_next"]
    n1, n2, n30 = t1 * 525_600, t2 * 525_600, 43_200
    return float((t1 * v1 * (n2 - n30) / (n2 - n1) + t2 * v2 * (n30 - n1) / (n2 - n1)) * 365 / 30)


@pytest.mark.parametrize(
    ("quotes", "kwargs", "t_near"),
    [
        (GOOD, {"settlement": "pm"}, PM_NEAR),
        (GOOD, {"settlement": "am"}, AM_NEAR),
        (GOOD, {}, PM_NEAR),  # root SPXW is not in am_roots
        (GOOD, {"am_roots": (" spxw",)}, AM_NEAR),  # compared stripped and case-blind
        (GOOD.assign(root="SPX"), {}, AM_NEAR),
        (GOOD.assign(root="spx "), {}, AM_NEAR),
        (GOOD.drop(columns="root"), {"am_roots": ("",)}, PM_NEAR),  # no root: PM
        (GOOD.assign(root=None), {"am_roots": ("", "SPX")}, PM_NEAR),
        # tz-aware quote times are read on the exchange clock: 14:00 UTC = 10:00 EDT
        (GOOD.assign(quote_time=pd.Timestamp("2026-05-13 14:00", tz="UTC")), {}, PM_NEAR),
        # quote times as text are parsed
        (GOOD.assign(quote_time="2026-05-13 10:00"), {}, PM_NEAR),
    ],
)
def test_time_to_settlement_in_minutes(
    quotes: pd.DataFrame, kwargs: dict[str, object], t_near: float
) -> None:
    """Kills the settlement, am_roots, minute and tz mutants of _long_table and _times."""
    out = vix_index(quotes, terms=TERMS, **kwargs)  # type: ignore[arg-type]
    row = out.iloc[0]
    assert out.index[0] == NOW and out.index.name == "quote_time"
    assert row["t_near"] == pytest.approx(t_near, rel=1e-13)
    assert row["t_next"] == pytest.approx(t_near + WEEK, rel=1e-13)
    assert row["expiration_near"] == pd.Timestamp(TERMS[0])
    assert row["expiration_next"] == pd.Timestamp(TERMS[1])
    assert row["variance"] == pytest.approx(_var30(row), rel=1e-12)
    assert row["vix"] == pytest.approx(100 * np.sqrt(_var30(row)), rel=1e-12)
    assert row["n_strikes_near"] > 0 and row["n_strikes_next"] > 0
    assert out["n_strikes_near"].dtype == np.int64
    assert out["t_near"].dtype == np.float64


def test_roots_are_merged_case_blind_and_missing_root_is_none() -> None:
    """'spxw' and ' SPXW' are one root (one chain); a missing root reads as no root."""
    base = vix_index(GOOD)
    mixed = GOOD.assign(root=np.where(GOOD["option_type"] == "C", "spxw", " SPXW"))
    out = vix_index(mixed)
    assert out["root_near"].iloc[0] == "SPXW" and out["root_next"].iloc[0] == "SPXW"
    assert out["vix"].iloc[0] == base["vix"].iloc[0]
    none = vix_index(GOOD.assign(root=None))
    assert none["root_near"].iloc[0] is None and none["root_next"].iloc[0] is None
    assert none["vix"].iloc[0] == base["vix"].iloc[0]
    cat = vix_index(GOOD.assign(root=pd.Categorical(GOOD["root"])))
    assert cat["vix"].iloc[0] == base["vix"].iloc[0] and cat["root_near"].iloc[0] == "SPXW"


def test_option_type_spellings() -> None:
    """C/P, call/put in any case and with spaces; missing or other values are refused."""
    base = vix_index(GOOD)["vix"].iloc[0]
    for c, p in (("call", "put"), (" Call ", "PUT"), ("c", "p")):
        spelled = GOOD.assign(option_type=np.where(GOOD["option_type"] == "C", c, p))
        assert vix_index(spelled)["vix"].iloc[0] == base
        cat = spelled.assign(option_type=pd.Categorical(spelled["option_type"]))
        assert vix_index(cat)["vix"].iloc[0] == base
    types = GOOD["option_type"].astype(object).copy()
    types.iloc[[4, 7]] = None
    with pytest.raises(
        InputError,
        match=_full(
            "quotes['option_type'] has 2 value(s) that are not 'C'/'P' (or 'call'/'put', any "
            "case); first None"
        ),
    ):
        vix_index(GOOD.assign(option_type=types))
    cat_types = pd.Categorical(types, categories=["C", "P"])
    with pytest.raises(InputError, match=r"^quotes\['option_type'\] has 2 value\(s\)"):
        vix_index(GOOD.assign(option_type=cat_types))
    with pytest.raises(InputError, match=r"^quotes\['option_type'\] has 15 value\(s\).*'Q'$"):
        vix_index(GOOD.assign(option_type=np.where(GOOD["option_type"] == "C", "C", "Q")))


def test_rate_callable_gets_the_term_times_and_a_copy() -> None:
    """rate(t) is called with the terms' times (years); writing into t changes nothing."""
    seen: list[np.ndarray] = []

    def curve(t: np.ndarray) -> np.ndarray:
        seen.append(t.copy())
        out = np.where(t < 0.07, 0.01, 0.03)
        t *= 0.0  # a careless callable: must not change the terms' times
        return out

    out = vix_index(GOOD, rate=curve, terms=TERMS)
    row = out.iloc[0]
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [PM_NEAR, PM_NEAR + WEEK], rtol=1e-13)
    assert (row["rate_near"], row["rate_next"]) == (0.01, 0.03)
    assert row["t_near"] == pytest.approx(PM_NEAR, rel=1e-13)
    # a callable returning one number is used for every term
    board = bs_board(NOW, FRIDAYS, 0.2, rate=0.02, step=0.05, width=3.0)
    flat = vix_index(board, rate=lambda t: 0.02, terms=TERMS).iloc[0]
    assert (flat["rate_near"], flat["rate_next"]) == (0.02, 0.02)
    # the forward of a Black-Scholes board priced at rate r, read at rate r: 100 e^{rT}
    assert flat["forward_near"] == pytest.approx(100 * np.exp(0.02 * PM_NEAR), rel=1e-9)
    num = vix_index(GOOD, rate=np.float64(0.02), terms=TERMS).iloc[0]
    assert (num["rate_near"], num["rate_next"]) == (0.02, 0.02)
    assert vix_index(GOOD, rate=0, terms=TERMS)["rate_near"].iloc[0] == 0.0


# --------------------------------------------------------------------------- _index: selection
# Quoted at 16:00 with PM (4:00 PM) expiries: every term is a whole number of days.
Q16 = pd.Timestamp("2026-05-13 16:00")


def _days_board(days: list[int], *, am: tuple[int, ...] = ()) -> pd.DataFrame:
    """A Black-Scholes board with expiries the given numbers of days after Q16's date."""
    dates = [
        ((Q16.normalize() + pd.Timedelta(days=n)).strftime("%Y-%m-%d"), n not in am) for n in days
    ]
    return bs_board(Q16, dates, 0.2, step=0.05, width=3.0)


def _terms_days(out: pd.DataFrame) -> tuple[int | None, int | None]:
    row = out.iloc[0]

    def days(e: Any) -> int | None:
        return None if pd.isna(e) else int((pd.Timestamp(e) - Q16.normalize()).days)

    return days(row["expiration_near"]), days(row["expiration_next"])


@pytest.mark.parametrize(
    ("days", "selection", "want", "reason"),
    [
        # current: near in (23, 30] days, next in (30, 37)
        ([23, 24, 30, 31, 37], "current", (30, 31), None),
        ([24, 36], "current", (24, 36), None),
        ([23, 31, 36], "current", (None, None), "more than 23 and at most 30 days to go"),
        ([24, 30, 37], "current", (None, None), "more than 30 and fewer than 37 days"),
        # bracket: near in (7, 30], next the first beyond 30; else the two shortest beyond
        ([7, 8, 31, 32], "bracket", (8, 31), None),
        ([7, 30, 60], "bracket", (30, 60), None),
        ([31, 38, 45], "bracket", (31, 38), None),
        ([31], "bracket", (None, None), "no two eligible expiries around 30 days"),
        ([8, 20], "bracket", (None, None), "no two eligible expiries around 30 days"),
        ([7, 31], "bracket", (None, None), "no two eligible expiries around 30 days"),
    ],
)
def test_term_windows(
    days: list[int], selection: str, want: tuple[int | None, int | None], reason: str | None
) -> None:
    """Kills the day bounds, tolerances and fallbacks of _select (expiries='all')."""
    quotes = _days_board(days)
    if reason is None:
        out = vix_index(quotes, selection=selection, expiries="all")  # type: ignore[arg-type]
        assert _terms_days(out) == want
        row = out.iloc[0]
        assert row["vix"] == pytest.approx(100 * np.sqrt(_var30(row)), rel=1e-12)
        t1, t2 = want[0] / 365, want[1] / 365  # type: ignore[operator]
        assert (row["t_near"], row["t_next"]) == (pytest.approx(t1), pytest.approx(t2))
        assert row["extrapolated"] == (t1 > 30 / 365)
    else:
        with pytest.warns(DataWarning, match=re.escape(reason)):
            out = vix_index(quotes, selection=selection, expiries="all")  # type: ignore[arg-type]
        assert _terms_days(out) == (None, None)
        assert np.isnan(out["vix"].iloc[0]) and np.isnan(out["t_near"].iloc[0])
        assert out["n_strikes_near"].iloc[0] == 0 and out["root_near"].iloc[0] is None
        assert not out["extrapolated"].iloc[0]


def test_2009_selection_uses_standard_series_with_a_week_to_go() -> None:
    """'2009': AM series only, the nearest with more than 7 days and the one after it."""
    # AM at 9:30 quoted at 16:00: 8 days on -> 7.73 days (> 7), 7 days on -> 6.73 (no);
    # the PM series of day 9 is not standard
    quotes = _days_board([7, 8, 9, 15, 40], am=(7, 8, 15, 40))
    out = vix_index(quotes, selection="2009", expiries="all")
    assert _terms_days(out) == (8, 15)
    assert out["t_near"].iloc[0] == pytest.approx((8 * 1440 - 390) / 525_600, rel=1e-13)
    with pytest.warns(DataWarning, match="fewer than two standard expiries with more than 7"):
        one = vix_index(_days_board([8, 9], am=(8,)), selection="2009")
    assert _terms_days(one) == (None, None)


def test_fridays_rule_and_terms_in_t_mode() -> None:
    """expiries='fridays' skips other weekdays; terms= in t mode matches t values."""
    # from Wednesday 2026-05-13: day 23 and 30 are Fridays, 24 a Saturday, 29 a Thursday
    quotes = _days_board([23, 24, 29, 30, 36, 37])
    assert _terms_days(vix_index(quotes, expiries="all")) == (30, 36)
    # Fridays: 30 and 37 (not < 37): no next term; Thursday 29 and 36 are not eligible
    # (Friday 30 is listed after 29, and day 37 after 36)
    with pytest.warns(DataWarning, match="more than 30 and fewer than 37"):
        out = vix_index(quotes)
    assert _terms_days(out) == (None, None)
    # t mode: terms given as t values, matched to 1e-12
    tq = GOOD.drop(columns=["expiration", "root"]).assign(
        t=np.where(GOOD["expiration"] == "2026-06-05", 0.0625, 0.0825)
    )
    row = vix_index(tq, terms=(0.0625, 0.0825)).iloc[0]
    assert (row["t_near"], row["t_next"]) == (0.0625, 0.0825)
    assert pd.isna(row["expiration_near"]) and row["root_near"] is None
    assert row["vix"] == pytest.approx(100 * np.sqrt(_var30(row)), rel=1e-12)
    with pytest.warns(DataWarning, match="one of the terms passed in terms= is not listed"):
        miss = vix_index(tq, terms=(0.0625, 0.09))
    assert np.isnan(miss["vix"].iloc[0])
    with pytest.warns(DataWarning, match="one of the terms passed in terms= is not listed"):
        miss = vix_index(GOOD, terms=("2026-06-05", "2026-06-19"))
    assert np.isnan(miss["vix"].iloc[0])


def test_one_series_per_date_preference() -> None:
    """Same date: the AM series first, then the one with more quotes, then the root name."""
    near = GOOD[GOOD["expiration"] == "2026-06-05"]
    nxt = GOOD[GOOD["expiration"] == "2026-06-12"]
    wide = bs_board(NOW, FRIDAYS[:1], 0.3, step=0.05, width=4.0)  # more strikes
    assert len(wide) > len(near)
    # more quotes wins over the root name
    quotes = pd.concat([near.assign(root="AAA"), wide.assign(root="BBB"), nxt], ignore_index=True)
    row = vix_index(quotes, terms=TERMS).iloc[0]
    assert row["root_near"] == "BBB" and row["n_strikes_near"] > 0
    # equal quotes: the first root name
    quotes = pd.concat([near.assign(root="BBB"), near.assign(root="AAA"), nxt], ignore_index=True)
    assert vix_index(quotes, terms=TERMS)["root_near"].iloc[0] == "AAA"
    # the AM series wins over more quotes
    quotes = pd.concat([near.assign(root="SPX"), wide.assign(root="ZZZ"), nxt], ignore_index=True)
    assert vix_index(quotes, terms=TERMS)["root_near"].iloc[0] == "SPX"


# --------------------------------------------------------------------------- _index: COR
def test_weights_panel_messages() -> None:
    """Kills the string mutants of _weights_panel and implied_correlation_index's checks."""
    quotes, w = _members()
    cases: list[tuple[object, str, type, str]] = [
        (
            w,
            "ZZ",
            InputError,
            "index='ZZ' is not among quotes['underlying'] (first labels: ['A', 'B', 'IDX'])",
        ),
        (
            pd.Series({"X": 1.0}),
            "IDX",
            InputError,
            "weights' labels match no underlying in "
            "quotes (weights: ['X'], quotes: ['A', 'B', 'IDX'])",
        ),
        (
            pd.Series([1.0, 1.0], index=["A", "A"]),
            "IDX",
            InputError,
            "weights has duplicated member labels",
        ),
        (
            pd.Series({"IDX": 1.0, "A": 1.0}),
            "IDX",
            InputError,
            "weights has an entry for the index 'IDX'; give members only",
        ),
        (
            pd.DataFrame({"IDX": [1.0], "A": [1.0]}, index=[NOW]),
            "IDX",
            InputError,
            "weights has a column for the index 'IDX'; give members only",
        ),
        (
            pd.DataFrame({"A": [1.0, 1.0]}, index=[NOW, NOW - pd.Timedelta(days=1)]),
            "IDX",
            InputError,
            "weights' index (quote times or dates) must be sorted and unique; use "
            "weights.sort_index() and drop duplicated rows",
        ),
        (
            pd.DataFrame({"A": [1.0, 1.0]}, index=[NOW, NOW]),
            "IDX",
            InputError,
            "weights' index (quote times or dates) must be sorted and unique; use "
            "weights.sort_index() and drop duplicated rows",
        ),
        (
            pd.DataFrame({"A": [1.0]}, index=[NOW + pd.Timedelta(days=1)]),
            "IDX",
            InputError,
            f"weights has no row at or before quote time {NOW!r} (its first row is "
            f"{NOW + pd.Timedelta(days=1)!r}); every quote time uses the latest weights row at or "
            "before it",
        ),
        (
            {"A": 1.0},
            "IDX",
            TypeError,
            "weights must be a Series (one weight per member) or a "
            "DataFrame (quote time × member), got dict",
        ),
        (
            pd.Series({"A": -1.0}),
            "IDX",
            InputError,
            "weights has 1 negative value(s); first at 'A' (position 0)",
        ),
    ]
    # the negative weight is in a row no quote time uses (superseded by the row at NOW):
    # refused all the same
    before = NOW - pd.Timedelta(days=1)
    negative = pd.DataFrame({"A": [-1.0, 1.0], "B": [1.0, 1.0]}, index=[before, NOW])
    cases.append(
        (
            negative,
            "IDX",
            InputError,
            f"weights has 1 negative value(s); first at row {before}, column 'A'",
        )
    )
    for weights, index, exc, message in cases:
        with pytest.raises(exc, match=_full(message)):
            implied_correlation_index(quotes, weights, index=index)  # type: ignore[arg-type]
    with pytest.raises(
        InputError,
        match=r"^weights' index cannot be compared with the quote times: index it by "
        r"timestamps \(or the same labels as quotes\['quote_time'\]\); .+",
    ):
        implied_correlation_index(quotes, pd.DataFrame({"A": [1.0]}, index=["x"]), index="IDX")
    with pytest.raises(InputError, match=_full("quotes['underlying'] has 1 missing value(s)")):
        implied_correlation_index(
            quotes.assign(
                underlying=np.array([None, *quotes["underlying"].iloc[1:]], dtype=object)
            ),
            w,
            index="IDX",
        )
    with pytest.raises(
        InputError, match=r"^on_out_of_range must be one of \['warn', 'raise', 'ignore'\]"
    ):
        implied_correlation_index(quotes, w, index="IDX", on_out_of_range="x")  # type: ignore[arg-type]


def test_member_vol_and_coverage_by_hand() -> None:
    """n_members, n_weighted, member_vol and coverage from the members' own vix_index."""
    quotes, _ = _members()
    vols = {}
    for name in ("IDX", "A", "B"):
        q = quotes[quotes["underlying"] == name].drop(columns="underlying")
        vols[name] = float(vix_index(q)["vix"].iloc[0]) / 100
    # C has a weight but no quotes, D a zero weight, E a NaN weight
    w = pd.Series({"A": 0.5, "B": 0.3, "C": 0.2, "D": 0.0, "E": np.nan})
    row = implied_correlation_index(quotes, w, index="IDX").iloc[0]
    assert (row["n_members"], row["n_weighted"]) == (2, 3)
    assert row["weight_coverage"] == pytest.approx(0.8 / 1.0, rel=1e-12)
    wa, wb = 0.5 / 0.8, 0.3 / 0.8
    sa, sb, si = vols["A"], vols["B"], vols["IDX"]
    assert row["member_vol"] == pytest.approx(wa * sa + wb * sb, rel=1e-12)
    assert row["index_vol"] == pytest.approx(si, rel=1e-12)
    sq = (wa * sa) ** 2 + (wb * sb) ** 2
    rho = (si**2 - sq) / ((wa * sa + wb * sb) ** 2 - sq)
    assert row["implied_correlation"] == pytest.approx(rho, rel=1e-9)
    disp = np.sqrt(wa * sa**2 + wb * sb**2 - si**2)
    assert row["dispersion"] == pytest.approx(disp, rel=1e-9)
    # weights over time as of each quote time: the second quote time uses the second row
    later = quotes.assign(quote_time=NOW + pd.Timedelta(hours=1))
    frame = pd.DataFrame(
        {"A": [1.0, 0.0], "B": [0.0, 1.0]}, index=[NOW - pd.Timedelta(days=1), NOW]
    )
    b_later = later[later["underlying"] == "B"].drop(columns="underlying")
    sb_later = float(vix_index(b_later)["vix"].iloc[0]) / 100  # one hour less to go
    out = implied_correlation_index(pd.concat([quotes, later]), frame, index="IDX")
    assert list(out.index) == [NOW, NOW + pd.Timedelta(hours=1)]
    assert out.index.name == "quote_time"
    assert out["member_vol"].iloc[0] == pytest.approx(sb, rel=1e-12)
    assert out["member_vol"].iloc[1] == pytest.approx(sb_later, rel=1e-12)
    frame2 = frame.set_axis([NOW - pd.Timedelta(days=1), NOW + pd.Timedelta(minutes=30)])
    out = implied_correlation_index(pd.concat([quotes, later]), frame2, index="IDX")
    assert out["member_vol"].iloc[0] == pytest.approx(sa, rel=1e-12)
    assert out["member_vol"].iloc[1] == pytest.approx(sb_later, rel=1e-12)
    assert (out["n_members"].iloc[0], out["n_weighted"].iloc[0]) == (1, 1)
    # one member only: implied correlation is NaN (no pair), the rest is defined
    assert out["n_members"].dtype == np.int64 and out["n_weighted"].dtype == np.int64


# --------------------------------------------------------------------------- options passed on
@pytest.mark.parametrize(
    "kwargs",
    [
        {"settlement": "am"},
        {"am_roots": ("SPXW",)},
        {"rate": 0.05},
        {"rate": lambda t: 0.05 + 0 * t},
        {"k0_rule": "below"},
        {"expiries": "all"},
        {"selection": "bracket", "expiries": "all"},
        {"engine": "numpy"},
    ],
)
def test_options_reach_every_board(kwargs: dict[str, object]) -> None:
    """implied_correlation_index passes its options on: its index vol is vix_index's."""
    # a Saturday (24.25 days) and the Friday after the next term (37.25 days; 36.98 when
    # AM-settled, the next term once the 30.25-day expiry becomes 29.98 days)
    more = [("2026-06-06", True), ("2026-06-19", True)]
    quotes, w = _members()
    extra = [
        bs_board(NOW, more, vol, step=0.05, width=3.0).assign(underlying=name)
        for name, vol in (("IDX", 0.2), ("A", 0.3), ("B", 0.25))
    ]
    quotes = pd.concat([quotes, *extra], ignore_index=True)
    alone = quotes[quotes["underlying"] == "IDX"].drop(columns="underlying")
    base = vix_index(alone)
    ref = vix_index(alone, **kwargs)  # type: ignore[arg-type]
    if "engine" not in kwargs:
        assert ref["vix"].iloc[0] != base["vix"].iloc[0]  # the option matters here
    out = implied_correlation_index(quotes, w, index="IDX", **kwargs)  # type: ignore[arg-type]
    assert out["index_vol"].iloc[0] == pytest.approx(ref["vix"].iloc[0] / 100, rel=1e-14)
    # and vix_index passes them to the engine: the columns say what was used
    row = ref.iloc[0]
    if kwargs.get("k0_rule") == "below":
        assert (row["k0_near"], base["k0_near"].iloc[0]) == (95.0, 100.0)
    if kwargs.get("expiries") == "all":
        assert row["expiration_near"] == pd.Timestamp("2026-06-06")
    if "settlement" in kwargs or "am_roots" in kwargs:
        assert row["t_near"] == pytest.approx(AM_NEAR + WEEK, rel=1e-13)


def test_columns_mapping_reaches_every_board() -> None:
    quotes, w = _members()
    ref = implied_correlation_index(quotes, w, index="IDX")
    out = implied_correlation_index(
        quotes.rename(columns={"bid": "b", "underlying": "name"}),
        w,
        index="IDX",
        columns={"b": "bid", "name": "underlying"},
    )
    pd.testing.assert_frame_equal(out, ref)


def test_monthly_boards_need_bracket() -> None:
    """The current rule finds no terms on monthly boards; 'bracket' does (both functions)."""
    monthly = bs_board(NOW, [("2026-05-22", False), ("2026-06-19", False)], 0.25)
    quotes = pd.concat([monthly.assign(underlying=n) for n in ("IDX", "A", "B")], ignore_index=True)
    w = pd.Series({"A": 0.5, "B": 0.5})
    with pytest.warns(DataWarning, match="^implied_correlation_index: 3 of 3 board"):
        nan = implied_correlation_index(quotes, w, index="IDX")
    assert np.isnan(nan["index_vol"].iloc[0]) and np.isnan(nan["implied_correlation"].iloc[0])
    assert nan["n_members"].iloc[0] == 0 and nan["n_weighted"].iloc[0] == 2
    assert nan["implied_correlation"].dtype == np.float64
    assert nan["dispersion"].dtype == np.float64
    out = implied_correlation_index(quotes, w, index="IDX", selection="bracket")
    ref = vix_index(monthly, selection="bracket")["vix"].iloc[0] / 100
    # the same board for all three: every vol equal, rho = 1 (sigma_I^2 = (sum w s)^2)
    assert out["index_vol"].iloc[0] == pytest.approx(ref, rel=1e-14)
    assert out["member_vol"].iloc[0] == pytest.approx(ref, rel=1e-14)
    assert out["implied_correlation"].iloc[0] == pytest.approx(1.0, abs=1e-12)
    assert out["dispersion"].iloc[0] == pytest.approx(0.0, abs=1e-7)


def test_out_of_range_policy_is_passed_on() -> None:
    """An index vol above every member's: rho > 1, warned, raised or ignored as asked."""
    quotes = pd.concat(
        [
            bs_board(NOW, FRIDAYS, vol, step=0.05, width=3.0).assign(underlying=name)
            for name, vol in (("IDX", 0.4), ("A", 0.2), ("B", 0.2))
        ],
        ignore_index=True,
    )
    w = pd.Series({"A": 0.5, "B": 0.5})
    with pytest.warns(Warning, match="outside"):
        implied_correlation_index(quotes, w, index="IDX")
    with pytest.raises(InputError, match="outside"):
        implied_correlation_index(quotes, w, index="IDX", on_out_of_range="raise")
    out = implied_correlation_index(quotes, w, index="IDX", on_out_of_range="ignore")
    assert out["implied_correlation"].iloc[0] > 1.0
    assert np.isnan(out["dispersion"].iloc[0])  # negative radicand


def test_boards_without_a_usable_variance_give_their_reason() -> None:
    """Too few strikes in a term, and a negative extrapolated variance, are NaN with reasons."""
    # next term with one strike only: no variance
    near = GOOD[GOOD["expiration"] == "2026-06-05"]
    one = GOOD[(GOOD["expiration"] == "2026-06-12") & (GOOD["strike"] == 100.0)]
    with pytest.warns(DataWarning, match="a term has no usable variance \\(too few quoted"):
        out = vix_index(pd.concat([near, one], ignore_index=True))
    assert np.isnan(out["vix"].iloc[0]) and np.isnan(out["variance"].iloc[0])
    # both terms beyond 30 days (31.25 and 38.25), the far one much more volatile: the
    # extrapolated total variance is negative, 31.25*v1*8/7 - 38.25*v2/7 < 0 for v2 > 6.6 v1
    low = bs_board(NOW, [("2026-06-13", True)], 0.1, step=0.05, width=3.0)
    high = bs_board(NOW, [("2026-06-20", True)], 0.5, step=0.05, width=3.0)
    with pytest.warns(DataWarning, match="the 30-day variance is negative \\(inconsistent"):
        out = vix_index(
            pd.concat([low, high], ignore_index=True), selection="bracket", expiries="all"
        )
    row = out.iloc[0]
    assert row["extrapolated"] and np.isnan(row["vix"])
    assert row["variance"] == pytest.approx(_var30(row), rel=1e-12) and row["variance"] < 0


# --------------------------------------------------------------------------- _index: layouts
def test_unordered_tables_equal_each_board_alone() -> None:
    """Two quote times, two underlyings and two roots, shuffled: each board as if alone."""
    later = NOW + pd.Timedelta(hours=1)
    parts = []
    for when in (NOW, later):
        for name, vol in (("IDX", 0.2), ("A", 0.3)):
            b = bs_board(when, FRIDAYS, vol, step=0.05, width=3.0)
            # the near term listed twice: a PM weekly and an 'AAA' series of the same day
            # with fewer strikes (so SPXW is the one used)
            dup = b[(b["expiration"] == "2026-06-05") & (b["strike"] >= 95.0)]
            parts.append(pd.concat([b, dup.assign(root="AAA")]).assign(underlying=name))
    table = pd.concat(parts, ignore_index=True)
    shuffled = table.sample(frac=1.0, random_state=7)
    w = pd.Series({"A": 1.0})
    out = implied_correlation_index(shuffled, w, index="IDX")
    ref = implied_correlation_index(table, w, index="IDX")
    pd.testing.assert_frame_equal(out, ref, check_exact=True)
    for i, when in enumerate((NOW, later)):
        for name, col in (("IDX", "index_vol"), ("A", "member_vol")):
            alone = bs_board(when, FRIDAYS, 0.2 if name == "IDX" else 0.3, step=0.05, width=3.0)
            want = vix_index(alone)["vix"].iloc[0] / 100
            assert out[col].iloc[i] == pytest.approx(want, rel=1e-14)
    # vix_index on the shuffled single-underlying table: one row per quote time, sorted
    idx_rows = shuffled[shuffled["underlying"] == "IDX"].drop(columns="underlying")
    v = vix_index(idx_rows)
    assert list(v.index) == [NOW, later]
    assert (v["root_near"] == "SPXW").all()
    assert v["vix"].iloc[1] == pytest.approx(out["index_vol"].iloc[1] * 100, rel=1e-14)


@pytest.mark.parametrize(
    "labels",
    [
        ["b", "a"],
        [20, 10],
        [2.5, 1.5],
        [pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-01")],
    ],
)
def test_t_mode_quote_time_labels(labels: list[Any]) -> None:
    """In t mode quote_time may be any label: boards come back sorted by it."""
    tq = GOOD.drop(columns=["expiration", "root"]).assign(
        t=np.where(GOOD["expiration"] == "2026-06-05", PM_NEAR, PM_NEAR + WEEK)
    )
    fast = bs_board(NOW, FRIDAYS, 0.3, step=0.05, width=3.0)
    slow = fast.drop(columns=["expiration", "root"]).assign(
        t=np.where(fast["expiration"] == "2026-06-05", PM_NEAR, PM_NEAR + WEEK)
    )
    table = pd.concat(
        [
            tq.assign(quote_time=np.array([labels[0]] * len(tq), dtype=object)),
            slow.assign(quote_time=np.array([labels[1]] * len(slow), dtype=object)),
        ],
        ignore_index=True,
    )
    out = vix_index(table)
    assert list(out.index) == sorted(labels)
    ref = vix_index(GOOD)["vix"].iloc[0]
    ref_slow = vix_index(bs_board(NOW, FRIDAYS, 0.3, step=0.05, width=3.0))["vix"].iloc[0]
    assert out.loc[labels[0], "vix"] == pytest.approx(ref, rel=1e-13)
    assert out.loc[labels[1], "vix"] == pytest.approx(ref_slow, rel=1e-13)
    cat = table.assign(quote_time=pd.Categorical(table["quote_time"], categories=labels))
    out = vix_index(cat)
    assert list(out.index) == labels  # category order
    assert out["vix"].iloc[0] == pytest.approx(ref, rel=1e-13)


def test_duplicates_found_whatever_the_row_order() -> None:
    """The same duplicate named in any row order; a call, put, call run is one duplicate."""
    ordered = GOOD.sort_values(["expiration", "strike", "option_type"], ignore_index=True)
    k = float(ordered["strike"].iloc[6])
    exp = pd.Timestamp(ordered["expiration"].iloc[6])
    message = _full(
        "quotes has 1 duplicated option(s) (same quote time, expiration, root, strike and "
        f"type); first: quote_time={NOW!r}, expiration={exp!r}, root='SPXW', strike={k:g}, "
        f"type={ordered['option_type'].iloc[6]!s}"
    )
    twice = pd.concat([ordered.iloc[:7], ordered.iloc[[6]], ordered.iloc[7:]], ignore_index=True)
    for quotes in (twice, twice.sample(frac=1.0, random_state=1), twice.iloc[::-1]):
        with pytest.raises(InputError, match=message):
            vix_index(quotes)
    # call, put, call at one strike (rows 6, 7 are the call and put of strike k)
    assert ordered["option_type"].iloc[6] == "C" and ordered["strike"].iloc[7] == k
    triple = pd.concat([ordered.iloc[:8], ordered.iloc[[6]], ordered.iloc[8:]], ignore_index=True)
    with pytest.raises(InputError, match=r"^quotes has 1 duplicated option\(s\)"):
        vix_index(triple)
    # a put and a call at every strike, nothing else: no duplicate
    assert vix_index(ordered)["vix"].iloc[0] == vix_index(GOOD)["vix"].iloc[0]


# --------------------------------------------------------------------------- _index: columns
def test_quote_columns_nan_and_sign_rules() -> None:
    """NaN bids/asks are allowed (no quote), NaN or zero strikes are not; text dates parse."""
    base = vix_index(GOOD, terms=TERMS)
    # a NaN ask on a deep wing quote that does not enter the sum; an all-NaN bid column
    ask = GOOD["ask"].to_numpy().copy()
    ask[0] = np.nan
    assert np.isfinite(vix_index(GOOD.assign(ask=ask), terms=TERMS)["vix"].iloc[0])
    with pytest.warns(DataWarning, match="a term has no usable variance"):
        none = vix_index(GOOD.assign(bid=np.nan, ask=np.nan), terms=TERMS)
    assert np.isnan(none["vix"].iloc[0])
    strike = GOOD["strike"].to_numpy().copy()
    strike[[2, 3]] = np.nan
    with pytest.raises(
        InputError,
        match=_full(
            "quotes['strike'] has 2 NaN value(s) where none are allowed; first at 2 (position 2)"
        ),
    ):
        vix_index(GOOD.assign(strike=strike))
    with pytest.raises(InputError, match=r"^quotes\['strike'\] must be strictly positive"):
        vix_index(GOOD.assign(strike=0.0))
    with pytest.raises(InputError, match=r"^quotes\['bid'\] has 30 negative value\(s\)"):
        vix_index(GOOD.assign(bid=-1.0))
    with pytest.raises(InputError, match=r"^quotes\['expiration'\] must hold dates/timestamps: .+"):
        vix_index(GOOD.assign(expiration="never"))
    # day-first text: pandas' format notice is not leaked (filterwarnings = error)
    text = vix_index(GOOD.assign(quote_time="13/05/2026 10:00"), terms=TERMS)
    assert text["vix"].iloc[0] == base["vix"].iloc[0] and text.index[0] == NOW
    # an expired chain is never a term
    expired = bs_board(
        NOW - pd.Timedelta(days=5), [("2026-05-12", True)], 0.2, step=0.05, width=3.0
    )
    both = pd.concat([GOOD, expired.assign(quote_time=NOW)], ignore_index=True)
    assert (
        vix_index(both, selection="bracket")["vix"].iloc[0]
        == vix_index(GOOD, selection="bracket")["vix"].iloc[0]
    )
    with pytest.warns(DataWarning, match="one of the terms passed in terms= is not listed"):
        out = vix_index(both, terms=("2026-05-12", "2026-06-12"))
    assert np.isnan(out["vix"].iloc[0])


def test_rate_is_not_read_without_terms_and_its_units_are_checked() -> None:
    """No board with terms: the rate callable is not called; a percent rate is warned."""
    calls: list[int] = []

    def curve(t: np.ndarray) -> np.ndarray:
        calls.append(t.size)
        return 0.01 + 0 * t

    monthly = bs_board(NOW, [("2026-05-22", False), ("2026-06-19", False)], 0.25)
    with pytest.warns(DataWarning):
        out = vix_index(monthly, rate=curve)
    assert calls == [] and np.isnan(out["rate_near"].iloc[0])
    assert np.isnan(out["forward_near"].iloc[0]) and np.isnan(out["k0_near"].iloc[0])
    assert np.isnan(out["variance_near"].iloc[0]) and np.isnan(out["variance"].iloc[0])
    with pytest.warns(Warning, match=r"^rate has a median magnitude of 5"):
        vix_index(GOOD, rate=5.0)
    with pytest.warns(Warning, match=r"^rate\(t\) has a median magnitude of 5"):
        vix_index(GOOD, rate=lambda t: 5.0 + 0 * t)


def test_messages_list_the_first_five_labels() -> None:
    """The index and weight-label messages list at most five labels."""
    names = ["A", "B", "C", "D", "E", "F"]
    quotes = pd.concat([GOOD.assign(underlying=n) for n in names], ignore_index=True)
    with pytest.raises(
        InputError,
        match=_full(
            "index='IDX' is not among quotes['underlying'] (first labels: ['A', 'B', 'C', 'D', "
            "'E'])"
        ),
    ):
        implied_correlation_index(quotes, pd.Series({"A": 1.0}), index="IDX")
    w = pd.Series(1.0, index=["P", "Q", "R", "S", "T", "U"])
    with pytest.raises(
        InputError,
        match=_full(
            "weights' labels match no underlying in quotes (weights: ['P', 'Q', 'R', 'S', 'T'], "
            "quotes: ['A', 'B', 'C', 'D', 'E'])"
        ),
    ):
        implied_correlation_index(quotes, w, index="A")


def test_one_member_and_zero_weights_over_time() -> None:
    """One member used: dispersion defined, rho NaN; a row of zero weights: coverage NaN."""
    quotes, _ = _members()
    vols = {}
    for name in ("IDX", "B"):
        q = quotes[quotes["underlying"] == name].drop(columns="underlying")
        vols[name] = float(vix_index(q)["vix"].iloc[0]) / 100
    later = quotes.assign(quote_time=NOW + pd.Timedelta(hours=1))
    frame = pd.DataFrame(
        {"A": [0.0, 0.0], "B": [2.0, 0.0]}, index=[NOW, NOW + pd.Timedelta(minutes=30)]
    )
    out = implied_correlation_index(pd.concat([quotes, later]), frame, index="IDX")
    first, second = out.iloc[0], out.iloc[1]
    assert np.isnan(first["implied_correlation"])
    assert first["dispersion"] == pytest.approx(
        np.sqrt(vols["B"] ** 2 - vols["IDX"] ** 2), rel=1e-9
    )
    assert (first["n_members"], first["n_weighted"], first["weight_coverage"]) == (1, 1, 1.0)
    assert (second["n_members"], second["n_weighted"]) == (0, 0)
    assert np.isnan(second["weight_coverage"]) and np.isnan(second["member_vol"])
    assert np.isnan(second["dispersion"]) and np.isfinite(second["index_vol"])
    for col in ("implied_correlation", "dispersion", "member_vol", "weight_coverage"):
        assert out[col].dtype == np.float64


def test_pivot_with_an_odd_number_of_rows() -> None:
    """A missing call in the last chain (27 rows, no chain starting at an odd row) equals the
    same call quoted as NaN (28 rows, read two by two): a missing quote is no quote."""
    ordered = GOOD.sort_values(["expiration", "strike", "option_type"], ignore_index=True)
    nxt = ordered["expiration"] == "2026-06-12"
    # drop the next term's 115 strike (both types) in both tables: 28 rows, 14 + 14
    base = ordered[~(nxt & (ordered["strike"] == 115.0))].reset_index(drop=True)
    assert len(base) == 28
    deep = (base["expiration"] == "2026-06-12") & (base["strike"] == 80.0)
    deep_call = deep & (base["option_type"] == "C")  # deep in the money: not in the sum
    odd = base[~deep_call]
    assert len(odd) == 27
    nan_quoted = base.assign(
        bid=np.where(deep_call, np.nan, base["bid"]), ask=np.where(deep_call, np.nan, base["ask"])
    )
    want = vix_index(nan_quoted, terms=TERMS)
    got = vix_index(odd, terms=TERMS)
    assert got["vix"].iloc[0] == want["vix"].iloc[0]
    assert got["n_strikes_next"].iloc[0] == want["n_strikes_next"].iloc[0]
    assert got["variance"].iloc[0] == pytest.approx(_var30(got.iloc[0]), rel=1e-12)


def _missing_equals_nan_quoted(base: pd.DataFrame, drop: pd.Series) -> None:
    """Dropping rows gives the result of quoting them as NaN (a missing quote is no quote)."""
    nan_quoted = base.assign(
        bid=np.where(drop, np.nan, base["bid"]), ask=np.where(drop, np.nan, base["ask"])
    )
    want = vix_index(nan_quoted, terms=TERMS)
    got = vix_index(base[~drop], terms=TERMS)
    for col in ("vix", "variance_near", "variance_next", "forward_near", "forward_next"):
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy())


def test_pivot_runs_that_are_not_call_put_pairs() -> None:
    """Two single-type strikes in one chain (rows misaligned in pairs, but an even count)."""
    base = GOOD.sort_values(["expiration", "strike", "option_type"], ignore_index=True)
    near = base["expiration"] == "2026-06-05"
    # the 85 call and the 110 put of the near term: both deep in the money, not in the sum
    drop = near & (
        ((base["strike"] == 85.0) & (base["option_type"] == "C"))
        | ((base["strike"] == 110.0) & (base["option_type"] == "P"))
    )
    assert int(drop.sum()) == 2
    _missing_equals_nan_quoted(base, drop)


def test_pivot_chain_starting_at_an_odd_row() -> None:
    """The near chain ends with a lone call and the next starts with a lone put at the same
    strike: the pair across the two chains must not be read as one strike."""
    near = GOOD[GOOD["expiration"] == "2026-06-05"]
    near = near[near["strike"] >= 90.0]  # strikes 90..115
    nxt = bs_board(NOW, FRIDAYS[1:], 0.2, step=5.0 / 130.0, width=3.0, spot=130.0)
    nxt = nxt[nxt["strike"] >= 115.0]  # strikes 115 and up; forward 130
    base = pd.concat([near, nxt], ignore_index=True).sort_values(
        ["expiration", "strike", "option_type"], ignore_index=True
    )
    at115 = base["strike"] == 115.0
    first = base["expiration"] == "2026-06-05"
    # near: no 115 put (an odd row count, 11); next: no 115 call (it starts with its put)
    drop = (at115 & first & (base["option_type"] == "P")) | (
        at115 & ~first & (base["option_type"] == "C")
    )
    assert int((first & ~drop).sum()) % 2 == 1
    assert int((~drop).sum()) % 2 == 0
    _missing_equals_nan_quoted(base, drop)


def test_pivot_every_pair_misaligned() -> None:
    """Each chain starts with a lone put and ends with a lone call: no two adjacent rows are
    one strike, yet every row pair is a put and a call."""
    base = GOOD.sort_values(["expiration", "strike", "option_type"], ignore_index=True)
    drop = pd.Series(False, index=base.index)
    for exp in TERMS:
        chain = base["expiration"] == exp
        lo, hi = base.loc[chain, "strike"].min(), base.loc[chain, "strike"].max()
        # the lowest call and the highest put: deep in the money, not in the sum
        drop |= chain & (base["strike"] == lo) & (base["option_type"] == "C")
        drop |= chain & (base["strike"] == hi) & (base["option_type"] == "P")
    assert int(drop.sum()) == 4
    _missing_equals_nan_quoted(base, drop)


def test_rate_callable_of_the_wrong_length_is_an_input_error() -> None:
    """A rate callable must return one rate per time or one number (documented: InputError).

    GOOD is one board, so the 30-day mix calls rate(t) with the two terms' times. Before the
    fix NumPy's broadcast ValueError came through instead.
    """
    for rate, size, shape in (
        (lambda t: [0.01, 0.02, 0.03], 3, "(3,)"),
        (lambda t: np.full((2, 2), 0.01), 4, "(2, 2)"),
        (lambda t: np.full((1, 2), 0.01), 2, "(1, 2)"),  # the right count, but 2-D
    ):
        expected = (
            f"rate(t) returned {size} value(s) of shape {shape} for 2 time(s) to expiration; "
            "it must return one rate per time, or one number"
        )
        with pytest.raises(InputError, match="^" + re.escape(expected) + "$"):
            vix_index(GOOD, rate=rate)
    # one number, a length-1 list and one rate per time are all accepted, and agree
    flat = vix_index(GOOD, rate=0.01)
    for same in (lambda t: 0.01, lambda t: [0.01], lambda t: np.full(t.shape, 0.01)):
        pd.testing.assert_frame_equal(vix_index(GOOD, rate=same), flat)


# --------------------------------------------------------------------------- session 11
@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("selection", ["current", "bracket", "2009"]),
        ("settlement", ["auto", "am", "pm"]),
        ("expiries", ["fridays", "all"]),
        ("k0_rule", ["below", "at_or_below"]),
        ("engine", ["auto", "numba", "numpy"]),
    ],
)
def test_option_messages_name_the_argument(name: str, allowed: list[str]) -> None:
    """A wrong option value is refused with the argument's own name and its allowed values."""
    with pytest.raises(InputError, match=_full(f"{name} must be one of {allowed}, got 'x'")):
        vix_index(GOOD, **{name: "x"})  # type: ignore[arg-type]


def test_percent_rate_warning_is_the_rate_warning() -> None:
    """rate=5.0 gets the rate wording (limit 1, i.e. 100%), not the return wording (0.5)."""
    expected = (
        "rate has a median magnitude of 5, above 1 (100%): it looks like percent, not "
        "decimals. Pass 0.05 for 5% (divide by 100). If the magnitude is intended, silence "
        "divergence.errors.UnitWarning."
    )
    with pytest.warns(UnitWarning) as rec:
        vix_index(GOOD, rate=5.0)
    assert [str(w.message) for w in rec] == [expected]
    # 0.7 (70%) is within the rate limit: no warning at all (filterwarnings = error)
    vix_index(GOOD, rate=0.7)


def test_t_column_is_checked_under_its_own_name() -> None:
    """A NaN in the t column is refused, naming quotes['t']."""
    t = np.where(GOOD["expiration"] == "2026-06-05", 0.0625, 0.0825)
    t[4] = np.nan
    tq = GOOD.drop(columns="expiration").assign(t=t)
    with pytest.raises(InputError, match=r"^quotes\['t'\] has 1 NaN value\(s\) where none"):
        vix_index(tq)


def test_pm_settlement_overrides_an_am_root() -> None:
    """settlement='pm' settles the SPX (AM) root at 4:00 PM too."""
    row = vix_index(GOOD.assign(root="SPX"), settlement="pm", terms=TERMS).iloc[0]
    assert row["t_near"] == pytest.approx(PM_NEAR, rel=1e-13)
    assert row["t_next"] == pytest.approx(PM_NEAR + WEEK, rel=1e-13)


T25, T32 = 25 / 365, 32 / 365  # inside the 23-30 and 30-37 day windows


def _sorted_t_board(t_near: float, t_next: float) -> pd.DataFrame:
    """GOOD in t mode, rows ordered by (t, strike, call before put): the in-place path."""
    tq = GOOD.drop(columns=["expiration", "root"]).assign(
        t=np.where(GOOD["expiration"] == "2026-06-05", t_near, t_next)
    )
    return tq.sort_values(["t", "strike", "option_type"], ignore_index=True)


def test_a_board_starts_where_only_the_quote_time_changes() -> None:
    """(t1, A), (t1, IDX), (t2, IDX), (t2, Z): the boards (t1, IDX) and (t2, IDX) are two."""
    later = NOW + pd.Timedelta(hours=1)
    idx = bs_board(NOW, FRIDAYS, 0.2, step=0.05, width=3.0, underlying="IDX")
    mem = bs_board(NOW, FRIDAYS, 0.3, step=0.05, width=3.0)
    parts = [
        mem.assign(underlying="A"),
        idx,
        idx.assign(quote_time=later),
        mem.assign(quote_time=later, underlying="Z"),
    ]
    quotes = pd.concat(parts, ignore_index=True)
    w = pd.Series({"A": 0.5, "Z": 0.5})
    out = implied_correlation_index(quotes, w, index="IDX")
    assert list(out.index) == [NOW, later]
    first = implied_correlation_index(pd.concat(parts[:2]), w, index="IDX")
    second = implied_correlation_index(pd.concat(parts[2:]), w, index="IDX")
    pd.testing.assert_frame_equal(out.iloc[:1], first, check_exact=True)
    pd.testing.assert_frame_equal(out.iloc[1:], second, check_exact=True)


def test_option_type_edge_layouts() -> None:
    """One row with a missing type is refused; an unused categorical category is harmless."""
    with pytest.raises(
        InputError,
        match=_full(
            "quotes['option_type'] has 1 value(s) that are not 'C'/'P' (or 'call'/'put', any "
            "case); first None"
        ),
    ):
        vix_index(GOOD.iloc[:1].assign(option_type=None))
    cat = pd.Categorical(GOOD["option_type"], categories=["C", "P", "X"])
    pd.testing.assert_frame_equal(vix_index(GOOD.assign(option_type=cat)), vix_index(GOOD))


def test_general_pivot_with_puts_listed_first() -> None:
    """A strike quoted by one type only (general pivot): puts listed before calls read the same.

    The lowest call of the near chain is dropped (deep in the money: out of the sum either
    way); listing the puts first puts each strike's put row before its call row.
    """
    near = GOOD["expiration"] == TERMS[0]
    lo = GOOD.loc[near, "strike"].min()
    drop = near & (GOOD["strike"] == lo) & (GOOD["option_type"] == "C")
    assert int(drop.sum()) == 1
    base = GOOD[~drop]
    puts_first = pd.concat(
        [base[base["option_type"] == "P"], base[base["option_type"] == "C"]], ignore_index=True
    )
    pd.testing.assert_frame_equal(vix_index(puts_first), vix_index(base.reset_index(drop=True)))


def _dup_message(n: int) -> str:
    return rf"^quotes has {n} duplicated option\(s\) \(same quote time, expiration, root"


def test_duplicates_found_in_rows_that_come_ordered() -> None:
    """Rows already in (t, strike) order (the in-place scan): each duplicate layout is found."""
    base = _sorted_t_board(T25, T32)
    n = len(base)
    # the lowest put dropped: rows 0 and 1 are two strikes (no pair at the start)
    first_put = int(np.flatnonzero(base["option_type"] == "P")[0])
    assert first_put == 1
    trimmed = base.drop(index=first_put).reset_index(drop=True)
    # (a) a strike quoted by calls only, twice in a row: C, C
    k = trimmed["strike"].iloc[10]
    calls = trimmed[(trimmed["strike"] == k) & (trimmed["t"] == T25)]
    twice = pd.concat(
        [trimmed.drop(index=calls.index[1]), calls.iloc[:1]], ignore_index=True
    ).sort_values(["t", "strike", "option_type"], kind="stable", ignore_index=True)
    with pytest.raises(InputError, match=_dup_message(1)):
        vix_index(twice)
    # (b) the last strike of the table quoted C, P, C: three rows of one strike at the very end
    last = pd.concat([trimmed, trimmed.iloc[[n - 3]]], ignore_index=True)
    assert list(last["option_type"].iloc[-3:]) == ["C", "P", "C"]
    assert (last["strike"].iloc[-3:] == last["strike"].iloc[-1]).all()
    with pytest.raises(InputError, match=_dup_message(1)):
        vix_index(last)
    # (c) the first two rows of a chain out of strike order: not the in-place layout
    swapped = base.iloc[[2, 0, 1, *range(3, n)]].reset_index(drop=True)
    pd.testing.assert_frame_equal(vix_index(swapped), vix_index(base), check_exact=True)
    # ... and a duplicate in the first two rows is found
    with pytest.raises(InputError, match=_dup_message(1)):
        vix_index(pd.concat([base.iloc[:1], base], ignore_index=True))


def test_three_rows_of_one_strike_across_a_scan_block() -> None:
    """C, P, C at rows 262,143 to 262,145: the scan compares 2**18 rows a block; the triple
    spans two blocks (the second starts at row 2**18 + 1)."""
    pairs = (1 << 17) - 1  # after one lone call: rows 1 .. 262,142
    k = np.r_[1.0, np.repeat(np.arange(2.0, pairs + 2.0), 2), [pairs + 2.0] * 3]
    kind = np.r_[["C"], np.tile(["C", "P"], pairs), ["C", "P", "C"]]
    assert k.size == (1 << 18) + 2 and kind[(1 << 18) - 1 :].tolist() == ["C", "P", "C"]
    quotes = pd.DataFrame(
        {"quote_time": 0, "t": T25, "strike": k, "option_type": kind, "bid": 1.0, "ask": 1.0}
    )
    with pytest.raises(InputError, match=_dup_message(1)):
        vix_index(quotes)


# Window edges in t mode. The documented windows (more than 23 and at most 30 days, more than
# 30 and fewer than 37; more than 7 for 'bracket' and '2009') are compared with a tolerance of
# 1e-12 years: an edge value sits on the excluded side of "more than" / "fewer than" and on
# the included side of "at most".
DAY = 1.0 / 365.0
TOL = 1e-12


def _t_chains(ts: list[float]) -> pd.DataFrame:
    """One chain (GOOD's near strikes and prices) per t value, t mode, no root."""
    near = GOOD[GOOD["expiration"] == TERMS[0]].drop(columns=["expiration", "root"])
    return pd.concat([near.assign(t=t) for t in ts], ignore_index=True)


def _tt(out: pd.DataFrame) -> tuple[float, float]:
    return float(out["t_near"].iloc[0]), float(out["t_next"].iloc[0])


def test_window_edges_in_t_mode() -> None:
    """Each window edge on its documented side (current, bracket and 2009 rules)."""
    edge23, edge30, edge37, edge7 = 23 * DAY + TOL, 30 * DAY + TOL, 37 * DAY - TOL, 7 * DAY + TOL
    # 'current': exactly the lower edge is not more than 23 days: no near term
    with pytest.warns(DataWarning):
        out = vix_index(_t_chains([edge23, 32 / 365]))
    assert np.isnan(out["vix"].iloc[0])
    # the 30-day edge is "at most 30" (near), not "more than 30" (next)
    assert _tt(vix_index(_t_chains([edge30, 32 / 365]))) == (edge30, 32 / 365)
    # exactly the upper edge is not fewer than 37 days: no next term
    with pytest.warns(DataWarning):
        out = vix_index(_t_chains([25 / 365, edge37]))
    assert np.isnan(out["vix"].iloc[0])
    # 'bracket': the 7-day edge is not more than 7 days: the two beyond 30 (extrapolation)
    out = vix_index(_t_chains([edge7, 32 / 365, 40 / 365]), selection="bracket")
    assert _tt(out) == (32 / 365, 40 / 365) and bool(out["extrapolated"].iloc[0])
    # ... and the 30-day edge is below (near), the next one beyond it
    out = vix_index(_t_chains([edge30, 32 / 365, 40 / 365]), selection="bracket")
    assert _tt(out) == (edge30, 32 / 365) and not bool(out["extrapolated"].iloc[0])
    # '2009' (no AM filter in t mode): the 7-day edge and 7 days exactly are out
    out = vix_index(_t_chains([7 * DAY, edge7, 10 / 365, 40 / 365]), selection="2009")
    assert _tt(out) == (10 / 365, 40 / 365)


def test_terms_in_t_mode_match_to_1e12_only() -> None:
    """terms= in t mode picks the listed t within 1e-12, not a neighbour 5e-9 away."""
    a, b = 25 / 365, 32 / 365
    quotes = _t_chains([a - 5e-9, a, b - 5e-9, b])
    assert _tt(vix_index(quotes, terms=(a, b))) == (a, b)


def test_reversed_terms_are_used_as_given() -> None:
    """terms=(later, earlier): the near term is the later expiry, as passed (extrapolated)."""
    out = vix_index(GOOD, terms=(TERMS[1], TERMS[0]))
    row = out.iloc[0]
    assert row["expiration_near"] == pd.Timestamp(TERMS[1])
    assert row["expiration_next"] == pd.Timestamp(TERMS[0])
    assert row["t_near"] == pytest.approx(PM_NEAR + WEEK, rel=1e-13)
    assert row["t_next"] == pytest.approx(PM_NEAR, rel=1e-13)
    assert row["variance"] == pytest.approx(_var30(row), rel=1e-12)
    assert bool(row["extrapolated"])


def test_one_series_per_date_at_every_board_and_root_names_sorted() -> None:
    """The per-date choice is made in every board; ties go to the first root name in sorted
    order (no root first), not to the order in which roots appear."""
    near = GOOD[GOOD["expiration"] == TERMS[0]]
    nxt = GOOD[GOOD["expiration"] == TERMS[1]]
    later = NOW + pd.Timedelta(hours=1)
    # AM series SPX and PM series SPXW on the near date: the AM one, at both quote times
    one = pd.concat([near, near.assign(root="SPX"), nxt], ignore_index=True)
    quotes = pd.concat([one, one.assign(quote_time=later)], ignore_index=True)
    out = vix_index(quotes, selection="bracket")
    assert list(out["root_near"]) == ["SPX", "SPX"]
    # equal PM series BBB and AAA on the next date, BBB alone on the near date: AAA
    quotes = pd.concat(
        [near.assign(root="BBB"), nxt.assign(root="BBB"), nxt.assign(root="AAA")],
        ignore_index=True,
    )
    assert vix_index(quotes, terms=TERMS)["root_next"].iloc[0] == "AAA"
    # no root ("") sorts before any name
    quotes = pd.concat([near.assign(root="AAA"), near.assign(root=None), nxt], ignore_index=True)
    assert vix_index(quotes, terms=TERMS)["root_near"].iloc[0] is None


@pytest.mark.parametrize(
    ("quotes", "kwargs", "reason"),
    [
        (
            GOOD,
            {"terms": (TERMS[0], "2026-06-19")},
            "one of the terms passed in terms= is not listed",
        ),
        (
            bs_board(NOW, [("2026-06-12", True)], 0.2, step=0.05, width=3.0),
            {"selection": "bracket"},
            "no two eligible expiries around 30 days (one beyond it is needed)",
        ),
        (
            bs_board(Q16, [("2026-05-22", False)], 0.2, step=0.05, width=3.0),
            {"selection": "2009"},
            "fewer than two standard expiries with more than 7 days to go",
        ),
    ],
)
def test_selection_reasons_in_full(
    quotes: pd.DataFrame, kwargs: dict[str, object], reason: str
) -> None:
    """The reason a board has no terms, word for word, in the warning."""
    label = quotes["quote_time"].iloc[0]
    with pytest.warns(DataWarning) as rec:
        vix_index(quotes, **kwargs)  # type: ignore[arg-type]
    assert [str(w.message) for w in rec] == [
        f"vix_index: 1 of 1 board(s) have no 30-day variance and are NaN; first {label!r}: "
        f"{reason}. See selection= (e.g. 'bracket' for chains without weeklies) or pass "
        "terms=; silence with warnings.simplefilter('ignore', DataWarning)."
    ]


def test_board_reasons_after_the_kernel() -> None:
    """A term without usable strikes and a negative extrapolated variance, word for word."""
    tail = (
        ". See selection= (e.g. 'bracket' for chains without weeklies) or pass terms=; silence "
        "with warnings.simplefilter('ignore', DataWarning)."
    )
    # every bid of the near term is zero: no strike enters its sum
    dead = GOOD.assign(bid=np.where(GOOD["expiration"] == TERMS[0], 0.0, GOOD["bid"]))
    with pytest.warns(DataWarning) as rec:
        vix_index(dead)
    assert [str(w.message) for w in rec] == [
        f"vix_index: 1 of 1 board(s) have no 30-day variance and are NaN; first {NOW!r}: a term "
        "has no usable variance (too few quoted strikes)" + tail
    ]
    # 'bracket' beyond 30 days (37.25 and 44.25 days): w1 = 14.25 / 7 > 1, and the second
    # term's variance (0.6**2) outweighs the first's (0.1**2): the mix is negative
    quotes = pd.concat(
        [
            bs_board(NOW, [("2026-06-19", True)], 0.1, step=0.05, width=3.0),
            bs_board(NOW, [("2026-06-26", True)], 0.6, step=0.05, width=3.0),
        ],
        ignore_index=True,
    )
    with pytest.warns(DataWarning) as rec:
        out = vix_index(quotes, selection="bracket")
    assert [str(w.message) for w in rec] == [
        f"vix_index: 1 of 1 board(s) have no 30-day variance and are NaN; first {NOW!r}: the "
        "30-day variance is negative (inconsistent quotes)" + tail
    ]
    assert out["variance"].iloc[0] < 0 and np.isnan(out["vix"].iloc[0])


def test_one_term_named_twice_is_refused() -> None:
    """terms=(d, d) is refused (documented under Raises): the 30-day mix needs two terms.

    Before the lead's fix (main 23178f1) a date away from 30 days leaked NumPy's divide-by-zero
    RuntimeWarning from w1 = (t2 - 30 days) / (t2 - t1); at exactly 30 days (t mode) it was
    0/0, silenced, and a NaN board with a DataWarning.
    """
    # the two may be written differently and still name one day (the message shows both)
    for quotes, terms in (
        (GOOD, (TERMS[0], TERMS[0])),
        (GOOD, (TERMS[0], pd.Timestamp(TERMS[0] + " 16:00"))),
        (_t_chains([30 * DAY]), (30 * DAY, 30 * DAY)),
    ):
        with pytest.raises(
            InputError,
            match=_full(
                f"terms names one expiration twice ({terms[0]!r}, {terms[1]!r}); the 30-day "
                "interpolation needs two different terms, near then next"
            ),
        ):
            vix_index(quotes, terms=terms)


def test_t_mode_output_columns() -> None:
    """In t mode the expiration columns are datetime columns of NaT; a next term at exactly
    30 days does not bracket 30 days (extrapolated)."""
    out = vix_index(_t_chains([25 / 365, 30 * DAY]), terms=(25 / 365, 30 * DAY))
    assert out["expiration_near"].dtype == np.dtype("datetime64[ns]")
    assert out["expiration_next"].dtype == np.dtype("datetime64[ns]")
    assert out["expiration_near"].isna().all()
    assert bool(out["extrapolated"].iloc[0])


def test_a_chain_at_settlement_is_not_a_term() -> None:
    """t = 0 (quoted at settlement) is not eligible, even when named in terms=."""
    with pytest.warns(DataWarning, match="one of the terms passed in terms= is not listed"):
        out = vix_index(_t_chains([0.0, 32 / 365]), terms=(0.0, 32 / 365))
    assert np.isnan(out["vix"].iloc[0]) and np.isnan(out["t_near"].iloc[0])


def test_2009_keeps_one_series_per_date() -> None:
    """'2009' with two AM series on the 8-day date: one of them is the near term and the next
    term is the following date (15 days), not the other series of the same date."""
    base = _days_board([8, 15], am=(8, 15))
    eight = base[base["expiration"] == base["expiration"].iloc[0]].assign(root="AAA")
    quotes = pd.concat([base, eight], ignore_index=True)
    out = vix_index(quotes, selection="2009", am_roots=("SPX", "AAA"))
    assert _terms_days(out) == (8, 15)
    assert out["root_near"].iloc[0] == "AAA"  # equal quotes: the first root name
    assert np.isfinite(out["vix"].iloc[0])


def test_first_duplicate_is_in_the_first_root() -> None:
    """Rows out of order (the sorted path), one duplicated option in each of the roots SPX
    and SPXW of one date: the message names SPX's (chains sorted by root name)."""
    near = GOOD[GOOD["expiration"] == TERMS[0]]
    two = pd.concat([near.assign(root="SPXW"), near.assign(root="SPX")], ignore_index=True)
    quotes = pd.concat([two, two.iloc[[3, len(near) + 3]]], ignore_index=True)
    first = (
        f"quote_time={NOW!r}, expiration={pd.Timestamp(TERMS[0])!r}, root='SPX', "
        f"strike={float(near['strike'].iloc[3]):g}, type={near['option_type'].iloc[3]!s}"
    )
    with pytest.raises(
        InputError,
        match=_full(
            "quotes has 2 duplicated option(s) (same quote time, expiration, root, strike and "
            f"type); first: {first}"
        ),
    ):
        vix_index(quotes)


def test_numeric_keys_are_compared_as_they_are() -> None:
    """Quote times (t mode) or underlyings 0.25 and 0.75 are distinct keys, not one after
    rounding: two boards of one chain each, the second's strikes above the first's (the rows
    come in key order, so the in-place scan reads them)."""
    k = np.repeat(np.arange(1.0, 21.0), 2)
    rows = pd.DataFrame(
        {"t": T25, "strike": k, "option_type": ["C", "P"] * 20, "bid": 1.0, "ask": 1.0}
    )
    first = np.arange(40) < 20
    by_time = rows.assign(quote_time=np.where(first, 0.25, 0.75))
    with pytest.warns(DataWarning, match=r"^vix_index: 2 of 2 board\(s\) have no 30-day"):
        out = vix_index(by_time)
    assert list(out.index) == [0.25, 0.75]
    assert (out["n_strikes_near"] == 0).all()
    by_name = rows.assign(quote_time=0.5, underlying=np.where(first, 0.25, 0.75))
    with pytest.warns(
        DataWarning, match=r"^implied_correlation_index: 2 of 2 board\(s\) have no 30-day"
    ):
        cor = implied_correlation_index(by_name, pd.Series({0.75: 1.0}), index=0.25)
    assert list(cor.index) == [0.5] and np.isnan(cor["index_vol"].iloc[0])
