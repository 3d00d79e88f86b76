"""Assertions the mutation run of divergence.cost showed missing.

Each test pins a behaviour a surviving mutant changed (see ``docs/_data/mutation/cost.json``).
Expected values are closed forms worked by hand in the comments, small pure-Python loops
written here (expanding percentiles, medians and quartiles), direct statsmodels fits of the
same regressors, or the argument names and messages the functions document.
"""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import test_cost_inputs as cost_inputs_tests
from divergence._summary import format_value
from divergence.cost import DivergenceCost, drawdown_event, forecast_skill, inputs, roc_auc
from divergence.errors import InputError


def _pct_scores(x: list[float]) -> list[float]:
    """2 p_t - 1 with p_t = #{s <= t: x_s <= x_t} / (t + 1), by a plain double loop."""
    out = []
    for t, xt in enumerate(x):
        le = sum(1 for s in range(t + 1) if x[s] <= xt)
        out.append(2.0 * le / (t + 1) - 1.0)
    return out


# OLS data: ten rows, the first target missing; enough rows for statsmodels' summary tests
X_OLS = [3.0, 0.0, 2.0, 1.0, 4.0, 2.5, 5.0, 0.5, 6.0, 1.5]
Y_OLS = [np.nan, 1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 1.5, 7.0, 3.0]


def _ols_reference() -> sm.regression.linear_model.RegressionResultsWrapper:
    s = np.array(_pct_scores(X_OLS))[1:]
    return sm.OLS(np.array(Y_OLS[1:]), np.column_stack([np.ones(9), s])).fit()


# --------------------------------------------------------------------------- repr and summary
def test_repr_of_an_uncalibrated_model_lists_every_setting() -> None:
    m = DivergenceCost(
        weights=(1.0, 0.5, 0.25),
        intercept=-0.5,
        interaction=0.75,
        scoring="robust_z",
        min_periods=12,
        link="identity",
    )
    assert repr(m) == (
        "DivergenceCost(weights=(1, 0.5, 0.25), intercept=-0.5, interaction=0.75, "
        "scoring='robust_z', min_periods=12, link='identity')"
    )
    s = m.summary()
    assert s.title == "Divergence cost model C_D = g(eta)"
    assert s.notes == ("Weights apply to signed scores of delta_r, i_c and l_s (see Notes).",)
    assert s.settings.to_dict() == {
        "Link": "identity",
        "Scoring": "robust_z",
        "Min periods": "12",
        "Calibrated": "no",
    }
    table = s.tables["Weights"]
    assert list(table.columns) == ["weight"]
    assert table.index.name == "term"
    assert table.index.tolist() == ["const", "delta_r", "i_c", "l_s", "interaction"]
    assert table["weight"].tolist() == [-0.5, 1.0, 0.5, 0.25, 0.75]
    assert m._repr_html_() == s.as_html()


def test_ols_calibration_repr_summary_and_table_match_statsmodels() -> None:
    ref = _ols_reference()
    fit = DivergenceCost.calibrate({"i_c": X_OLS}, Y_OLS, link="identity", min_periods=1)
    assert fit.weights[1] == pytest.approx(float(ref.params[1]), rel=1e-10)
    assert repr(fit) == (
        f"DivergenceCost(weights=(0, {format_value(fit.weights[1])}, 0), "
        f"intercept={format_value(fit.intercept)}, interaction=0, scoring='percentile', "
        f"min_periods=1, link='identity', calibrated: OLS on 9 rows, "
        f"R² {format_value(float(ref.rsquared))})"
    )
    s = fit.summary()
    assert s.settings.to_dict() == {
        "Link": "identity",
        "Scoring": "percentile",
        "Min periods": "1",
        "Calibrated": "yes",
        "Model": "OLS",
        "Observations": "9",
        "Covariance": "nonrobust",
        "Log-likelihood": format_value(float(ref.llf)),
        "R²": format_value(float(ref.rsquared)),
    }
    table = s.tables["Weights"]
    assert list(table.columns) == ["weight", "std_err", "t", "p_value"]
    np.testing.assert_allclose(table.loc[["const", "i_c"], "std_err"], ref.bse, rtol=1e-9)
    np.testing.assert_allclose(table.loc[["const", "i_c"], "t"], ref.tvalues, rtol=1e-9)
    np.testing.assert_allclose(table.loc[["const", "i_c"], "p_value"], ref.pvalues, rtol=1e-9)
    assert (
        table.loc[["delta_r", "l_s", "interaction"], ["std_err", "t", "p_value"]].isna().all().all()
    )
    assert table.index.name == "term"


def test_logit_calibration_repr_and_summary() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=80)
    s = np.array(_pct_scores(list(x)))
    y = (rng.random(80) < 1.0 / (1.0 + np.exp(-2.0 * s))).astype(float)
    ref = sm.Logit(y, np.column_stack([np.ones(80), s])).fit(disp=0)
    assert ref.params[1] > 0  # the fit keeps l_s
    fit = DivergenceCost.calibrate({"l_s": x}, y, min_periods=1, cov_type="HAC", hac_lags=2)
    text = repr(fit)
    assert text.endswith(
        f", calibrated: Logit on 80 rows, pseudo R² {format_value(float(ref.prsquared))})"
    )
    settings = fit.summary().settings.to_dict()
    assert settings["Model"] == "Logit"
    assert settings["Covariance"] == "HAC"
    assert settings["Pseudo R² (McFadden)"] == format_value(float(ref.prsquared))
    assert "R²" not in settings
    table = fit.summary().tables["Weights"]
    assert list(table.columns) == ["weight", "std_err", "z", "p_value"]
    hac = sm.Logit(y, np.column_stack([np.ones(80), s])).fit(
        disp=0, cov_type="HAC", cov_kwds={"maxlags": 2}
    )
    np.testing.assert_allclose(table.loc[["const", "l_s"], "std_err"], hac.bse, rtol=1e-6)
    np.testing.assert_allclose(table.loc[["const", "l_s"], "z"], hac.tvalues, rtol=1e-6)


def test_fit_result_without_statistics_gives_the_weights_only() -> None:
    # an attached object without nobs: "calibrated" but no model statistics, no headline
    m = DivergenceCost(weights=(1.0, 0.0, 2.0), fit_result=SimpleNamespace(params=[0.0]))
    assert repr(m) == (
        "DivergenceCost(weights=(1, 0, 2), intercept=0, interaction=0, scoring='percentile', "
        "min_periods=36, link='logistic')"
    )
    s = m.summary()
    assert s.settings.to_dict() == {
        "Link": "logistic",
        "Scoring": "percentile",
        "Min periods": "36",
        "Calibrated": "yes",
    }
    assert list(s.tables["Weights"].columns) == ["weight"]


def test_fit_table_with_a_parameter_count_that_does_not_match() -> None:
    # three non-zero terms (const, delta_r, l_s) but two parameters: terms not identifiable
    res = SimpleNamespace(
        params=[1.0, 2.0], bse=[0.1, 0.2], pvalues=[0.5, 0.5], model=SimpleNamespace()
    )
    m = DivergenceCost(weights=(1.0, 0.0, 2.0), intercept=1.0, fit_result=res)
    assert list(m.summary().tables["Weights"].columns) == ["weight"]
    # with three parameters the extra columns come in; no tvalues -> a NaN statistic column
    # named "t" (the model is not a Logit)
    res3 = SimpleNamespace(
        params=[1.0, 2.0, 3.0],
        bse=[0.1, 0.2, 0.3],
        pvalues=[0.5, 0.25, 0.125],
        model=SimpleNamespace(),
    )
    table = DivergenceCost(weights=(1.0, 0.0, 2.0), intercept=1.0, fit_result=res3)._fit_table()
    assert list(table.columns) == ["weight", "std_err", "t", "p_value"]
    assert table.loc[["const", "delta_r", "l_s"], "std_err"].tolist() == [0.1, 0.2, 0.3]
    assert table.loc[["const", "delta_r", "l_s"], "p_value"].tolist() == [0.5, 0.25, 0.125]
    assert table["t"].isna().all()
    assert table.loc[["i_c", "interaction"], "std_err"].isna().all()
    # a zero intercept is still a fitted term (const is always kept)
    res_zero = SimpleNamespace(
        params=[0.0, 2.0], bse=[0.1, 0.2], pvalues=[0.5, 0.5], model=SimpleNamespace()
    )
    t0 = DivergenceCost(weights=(0.0, 2.0, 0.0), fit_result=res_zero)._fit_table()
    assert t0.loc[["const", "i_c"], "std_err"].tolist() == [0.1, 0.2]
    # a result missing bse or pvalues: weights only
    for drop in ("params", "bse", "pvalues"):
        kw = {"params": [0.0, 2.0], "bse": [0.1, 0.2], "pvalues": [0.5, 0.5]}
        del kw[drop]
        obj = SimpleNamespace(model=SimpleNamespace(), **kw)
        tab = DivergenceCost(weights=(0.0, 2.0, 0.0), fit_result=obj)._fit_table()
        assert list(tab.columns) == ["weight"], drop
    assert math.isfinite(float(t0["weight"].to_numpy()[2]))


# --------------------------------------------------------------------------- sensitivities
def test_sensitivities_overflow_without_warnings() -> None:
    # robust z of 1e100 against [0, 0, 1e-200, 1e-200]: median 5e-201, IQR 1e-200, so each
    # score is about 1.349e300 (finite); the interaction 1e100 times the sum of the other two
    # positive scores (2.7e300) overflows to +inf
    x = np.array([0.0, 0.0, 1e-200, 1e-200, 1e100])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ident = DivergenceCost(
            scoring="robust_z", min_periods=4, interaction=1e100, link="identity"
        ).sensitivities(-x, x, x)
        logi = DivergenceCost(scoring="robust_z", min_periods=4, interaction=1e100).sensitivities(
            -x, x, x
        )
    assert np.isnan(ident[:4]).all() and np.isnan(logi[:4]).all()
    assert (ident[4] == np.inf).all()
    # logistic: C_D = 1 exactly, g' = 0, and 0 * inf is NaN (no finite derivative)
    assert np.isnan(logi[4]).all()


# --------------------------------------------------------------------------- forecast checks
def test_drawdown_event_defaults_and_argument_checks() -> None:
    # default horizon 12: the last 12 of 14 rows have no complete window; t = 0 sees a
    # price of 80 within 12 rows (-20% < -15%, the default threshold), t = 1 sees 84
    # against 90 (-6.7%: no event)
    p = [100.0, 90.0, *[95.0] * 10, 84.0, 99.0]
    p[5] = 80.0
    y = drawdown_event(p)
    assert y[0] == 1.0 and y[1] == 0.0
    assert np.isnan(y[2:]).all()
    with pytest.raises(InputError, match=r"^horizon must be >= 1, got 0$"):
        drawdown_event(p, horizon=0)
    with pytest.raises(InputError, match=r"^threshold must be >= 0\.0, got -0\.1$"):
        drawdown_event(p, threshold=-0.1)
    with pytest.raises(TypeError, match=r"^threshold must be a real number, got str$"):
        drawdown_event(p, threshold="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^threshold must be a decline between 0 and 1"):
        drawdown_event(p, threshold=1.0)
    unsorted = pd.Series(
        [100.0, 90.0, 80.0], index=pd.to_datetime(["2020-03-01", "2020-01-01", "2020-02-01"])
    )
    with pytest.raises(InputError, match=r"^price dates are not in increasing order"):
        drawdown_event(unsorted, horizon=1)


def test_roc_auc_and_forecast_skill_name_their_arguments() -> None:
    with pytest.raises(InputError, match=r"^score must be 1-D, got a 2-D input"):
        roc_auc(np.ones((2, 2)), [0.0, 1.0])
    with pytest.raises(InputError, match=r"^score has 1 infinite value"):
        roc_auc([np.inf, 0.2], [0.0, 1.0])
    with pytest.raises(InputError, match=r"^label must be 1-D, got a 2-D input"):
        roc_auc([0.1, 0.2], [[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(TypeError, match=r"^label must be array-like of numbers, got a string"):
        roc_auc([0.1, 0.2], "01")
    with pytest.raises(
        InputError, match=r"^label must be 0/1 \(or NaN\); first other value at position 2$"
    ):
        roc_auc([0.1, 0.2, 0.3], [0.0, 1.0, 2.0])
    with pytest.raises(InputError, match=r"^forecast must be 1-D, got a 2-D input"):
        forecast_skill(np.ones((2, 2)), [0.0, 1.0])
    with pytest.raises(InputError, match=r"^outcome must be 1-D, got a 2-D input"):
        forecast_skill([0.1, 0.2], np.ones((2, 2)))
    # an all-NaN forecast is accepted by the reader: the error is that no row has both values
    with pytest.raises(
        InputError, match=r"^forecast and outcome have no row where both are present$"
    ):
        forecast_skill([np.nan, np.nan], [0.0, 1.0])
    with pytest.raises(InputError, match=r"^base_rate must be >= 0\.0, got -0\.5$"):
        forecast_skill([0.1, 0.2], [0.0, 1.0], base_rate=-0.5)
    with pytest.raises(TypeError, match=r"^base_rate must be a real number, got str$"):
        forecast_skill([0.1, 0.2], [0.0, 1.0], base_rate="x")  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"^base_rate must be a probability in \[0, 1\], got 1\.5$"
    ):
        forecast_skill([0.1, 0.2], [0.0, 1.0], base_rate=1.5)


def test_forecast_skill_base_rate_one_is_valid() -> None:
    # base rate 1: its Brier score is the share of non-events, (1 - 0)^2 on 3 of 4 rows
    sk = forecast_skill([0.1, 0.3, 0.2, 0.4], [0.0, 0.0, 0.0, 1.0], base_rate=1.0)
    assert sk.base_rate == 1.0
    assert sk.brier_base == pytest.approx(0.75, abs=1e-15)
    sk0 = forecast_skill([0.1, 0.3, 0.2, 0.4], [0.0, 0.0, 0.0, 1.0], base_rate=0.0)
    assert sk0.brier_base == pytest.approx(0.25, abs=1e-15)


# --------------------------------------------------------------------------- inputs: user data
def _toy() -> dict[str, pd.Series | pd.DataFrame]:
    """test_cost_inputs' 36 months of flat markets (CAPE 20, 3% then 4% yields), without its
    extra non-numeric Shiller column."""
    toy = cost_inputs_tests._toy()
    toy["shiller"] = toy["shiller"].drop(columns="other")
    return toy


TOY_OPTIONS: dict[str, object] = {
    "cape_window": 12,
    "cape_min_periods": 12,
    "inflation_window": 12,
    "balance_sheet_divisor": 1.0,
}


def _toy_inputs(**changes: object) -> pd.DataFrame:
    toy = _toy()
    args: dict[str, object] = {
        "shiller": toy["shiller"],
        "balance_sheet": toy["balance"],
        "base": toy["base"],
        "i_c": toy["caps"],
        **TOY_OPTIONS,
    }
    args.update(changes)
    out: pd.DataFrame = inputs(**args)  # type: ignore[arg-type]
    return out


def test_time_zone_aware_dates_are_read_as_wall_clock_months() -> None:
    toy = _toy()
    naive = _toy_inputs()
    sh, bal, base = toy["shiller"], toy["balance"], toy["base"]
    assert isinstance(sh, pd.DataFrame) and isinstance(bal, pd.Series)
    assert isinstance(base, pd.Series)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aware = _toy_inputs(
            shiller=sh.tz_localize("America/New_York"),
            balance_sheet=bal.tz_localize("Asia/Tokyo"),
            base=base.tz_localize("UTC"),
        )
    pd.testing.assert_frame_equal(aware, naive)
    assert isinstance(aware.index, pd.DatetimeIndex) and aware.index.tz is None


def test_dated_inputs_are_checked_before_taking_the_last_of_the_month() -> None:
    toy = _toy()
    bal, base = toy["balance"], toy["base"]
    assert isinstance(bal, pd.Series) and isinstance(base, pd.Series)
    # a mid-month observation is dropped by "last of month", but it is still checked
    mid = pd.Timestamp("2019-03-10")
    # base is dated on the 1st: a zero on the 10th, then 500 again on the 20th (the last)
    base_zero = pd.concat(
        [base, pd.Series([0.0, 500.0], index=[mid, pd.Timestamp("2019-03-20")])]
    ).sort_index()
    with pytest.raises(InputError, match=r"^base must be strictly positive; 1 value"):
        _toy_inputs(base=base_zero)
    bal_neg = pd.concat([bal, pd.Series([-5.0], index=[mid])]).sort_index()
    with pytest.raises(InputError, match=r"^balance_sheet has 1 negative value"):
        _toy_inputs(balance_sheet=bal_neg)
    ic_zero = pd.Series(
        [0.0, 3.5, 5.5], index=pd.to_datetime(["2020-01-10", "2020-01-15", "2020-03-10"])
    )
    with pytest.raises(InputError, match=r"^i_c must be strictly positive; 1 value"):
        _toy_inputs(i_c=ic_zero)
    # a zero balance sheet is a valid level (non-negative, not strictly positive): a mid-month
    # zero changes nothing, as only the month's last level is used
    bal_zero = pd.concat([bal, pd.Series([0.0], index=[mid])]).sort_index()
    pd.testing.assert_frame_equal(_toy_inputs(balance_sheet=bal_zero), _toy_inputs())


def test_long_rate_may_be_negative_and_is_named_in_messages() -> None:
    toy = _toy()
    sh = toy["shiller"]
    assert isinstance(sh, pd.DataFrame)
    days = pd.bdate_range("2019-01-01", "2021-12-31")
    # -0.5% before 2020-07, +1% after: gap = 1/20 - rate/100 with zero inflation
    rate = pd.Series(np.where(days >= pd.Timestamp("2020-07-01"), 1.0, -0.5), index=days)
    out = _toy_inputs(shiller=sh.drop(columns="gs10"), long_rate=rate)
    gap = out["premium_gap"]
    np.testing.assert_allclose(gap.loc["2020-01":"2020-06"], 0.05 + 0.005, rtol=1e-12)
    np.testing.assert_allclose(gap.loc["2020-07":], 0.05 - 0.01, rtol=1e-12)
    with pytest.raises(TypeError, match=r"^long_rate must be a pandas Series indexed by date"):
        _toy_inputs(long_rate=rate.to_numpy())
    with pytest.raises(InputError, match=r"^long_rate dates must be sorted"):
        _toy_inputs(long_rate=rate.iloc[::-1])


def test_shiller_type_errors_name_the_type() -> None:
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    with pytest.raises(TypeError, match=r"^shiller must be a DataFrame, got ndarray$"):
        _toy_inputs(shiller=sh.to_numpy())
    with pytest.raises(TypeError, match=r"^shiller must have a DatetimeIndex, got RangeIndex$"):
        _toy_inputs(shiller=sh.reset_index(drop=True))


USER_UNITS = {
    "premium_gap": "decimal per year",
    "delta_r": "decimal per year",
    "i_c": "ratio (top-10 mean cap / median cap)",
    "l_s": "decimal of base per year (positive = draining)",
}


def test_user_data_sources_units_and_conventions() -> None:
    out = _toy_inputs(shift_months=3, drain_months=2, carry_months=1)
    assert out.attrs["sources"] == {
        "premium_gap": "user shiller frame: sp_price, earnings, cpi, gs10 (percent)",
        "delta_r": "premium_gap, 3-month change",
        "l_s": "-2-month change of user balance_sheet (last observation of the month) / 1, "
        "over user base (last observation of the month) 2 months earlier",
        "i_c": "user caps panel; last in month, carried <= 1 months",
    }
    assert out.attrs["units"] == USER_UNITS
    assert out.attrs["conventions"] == {
        "timing": "a row labelled month M uses data dated in M or earlier (month start labels)",
        "real_rate": "linear Fisher: gs10/100 - trailing annualised CPI inflation",
        "cape_window": 12,
        "cape_min_periods": 12,
        "inflation_window": 12,
        "shift_months": 3,
        "drain_months": 2,
        "balance_sheet_divisor": 1.0,
        "carry_months": 1,
    }
    assert out.index.name == "date"
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    days = pd.bdate_range("2019-01-01", "2021-12-31")
    rate = pd.Series(3.0, index=days)
    ic = pd.Series([3.5, 5.5], index=pd.to_datetime(["2020-01-15", "2020-03-10"]))
    alt = _toy_inputs(shiller=sh.drop(columns="gs10"), long_rate=rate, i_c=ic)
    assert alt.attrs["sources"]["premium_gap"] == (
        "user shiller frame: sp_price, earnings, cpi; long_rate (percent, monthly mean)"
    )
    assert alt.attrs["sources"]["i_c"] == "user I_C series; last in month, carried <= 3 months"
    assert alt.attrs["sources"]["delta_r"] == "premium_gap, 12-month change"


def _long_toy(n: int = 150, growth: float = 1.0) -> pd.DataFrame:
    """n months from 2010-01; price, earnings and CPI all grow by ``growth`` a month."""
    months = pd.date_range("2010-01-01", periods=n, freq="MS")
    g = growth ** np.arange(n)
    return pd.DataFrame(
        {"sp_price": 200.0 * g, "earnings": 10.0 * g, "cpi": 100.0 * g, "gs10": 3.0},
        index=months,
    )


def test_default_options_are_the_documented_ones() -> None:
    sh = _long_toy()
    months = sh.index
    bal = pd.Series(1000.0 - 2.0 * np.arange(150), index=months)
    base = pd.Series(500.0, index=months)
    ic = pd.Series(4.0, index=months)
    out = inputs(sh, bal, base, ic)
    conv = out.attrs["conventions"]
    assert {k: conv[k] for k in list(conv)[2:]} == {
        "cape_window": 120,
        "cape_min_periods": 119,
        "inflation_window": 120,
        "shift_months": 12,
        "drain_months": 12,
        "balance_sheet_divisor": 1000.0,
        "carry_months": 3,
    }
    # CAPE (20) from month 120 on (the 120 months before it); zero inflation
    gap = out["premium_gap"]
    assert gap.iloc[:119].isna().all()
    np.testing.assert_allclose(gap.iloc[120:], 0.05 - 0.03, rtol=1e-12)
    # L_S: a drain of 2 / 1000 a month over a base of 500, annualised: 24 / 1000 / 500
    np.testing.assert_allclose(out["l_s"].iloc[12:], 0.024 / 500.0, rtol=1e-12)
    assert out["l_s"].iloc[:12].isna().all()


def test_inflation_is_annualised_and_subtracted_linearly() -> None:
    # everything grows 1% a month: real prices and earnings are flat, CAPE = 20; trailing
    # 12-month inflation 1.01^12 - 1; the linear real yield is 0.03 - that
    sh = _long_toy(40, 1.01).loc[:, ["sp_price", "earnings", "cpi", "gs10"]]
    months = sh.index
    bal = pd.Series(1000.0, index=months)
    base = pd.Series(500.0, index=months)
    ic = pd.Series(4.0, index=months)
    out = inputs(sh, bal, base, ic, **TOY_OPTIONS)  # type: ignore[arg-type]
    infl = 1.01**12 - 1.0
    np.testing.assert_allclose(out["premium_gap"].iloc[12:], 0.05 - (0.03 - infl), rtol=1e-9)


def test_cape_min_periods_lets_a_window_miss_earnings() -> None:
    sh = _long_toy(40)
    sh.loc[sh.index[14], "earnings"] = np.nan
    months = sh.index
    out = inputs(
        sh,
        pd.Series(1000.0, index=months),
        pd.Series(500.0, index=months),
        pd.Series(4.0, index=months),
        cape_window=12,
        cape_min_periods=11,
        inflation_window=12,
    )
    # every window from month 12 on holds at least 11 earnings: CAPE 20 throughout
    np.testing.assert_allclose(out["premium_gap"].iloc[12:], 0.05 - 0.03, rtol=1e-12)


def test_windows_of_one_month_are_valid() -> None:
    out = _toy_inputs(
        cape_window=1, cape_min_periods=1, inflation_window=1, shift_months=1, drain_months=1
    )
    gap = out["premium_gap"]
    # CAPE from the month before: defined from the second month; yield 3% then 4% from 2020-07
    np.testing.assert_allclose(gap.loc["2019-02":"2020-06"], 0.05 - 0.03, rtol=1e-12)
    np.testing.assert_allclose(gap.loc["2020-07":], 0.05 - 0.04, rtol=1e-12)
    dr = out["delta_r"]
    assert dr.loc["2020-07-01"] == pytest.approx(-0.01, rel=1e-12)
    np.testing.assert_allclose(dr.loc["2020-08":], 0.0, atol=1e-15)
    # drain of 2 a month over a base of 500, times 12 months a year
    np.testing.assert_allclose(out["l_s"].iloc[1:], 24.0 / 500.0, rtol=1e-12)


OPTION_MESSAGES = [
    ({"cape_window": 0}, r"^cape_window must be >= 1, got 0$"),
    ({"cape_min_periods": 0}, r"^cape_min_periods must be >= 1, got 0$"),
    ({"inflation_window": 0}, r"^inflation_window must be >= 1, got 0$"),
    ({"shift_months": 0}, r"^shift_months must be >= 1, got 0$"),
    ({"drain_months": 0}, r"^drain_months must be >= 1, got 0$"),
    ({"carry_months": -1}, r"^carry_months must be >= 0, got -1$"),
    ({"balance_sheet_divisor": -1.0}, r"^balance_sheet_divisor must be >= 0\.0, got -1\.0$"),
    ({"balance_sheet_divisor": 0.0}, r"^balance_sheet_divisor must be > 0, got 0\.0$"),
    ({"cape_min_periods": 13}, r"^cape_min_periods=13 is larger than cape_window=12$"),
    (
        {"cape_window": 37, "cape_min_periods": 1},
        r"^cape_window=37 is longer than the data \(36 observations\)$",
    ),
    (
        {"cape_window": 36, "cape_min_periods": 1},
        r"^cape_window=36 needs at least 37 months of shiller data; got 36$",
    ),
    (
        {"inflation_window": 36},
        r"^inflation_window=36 looks back further than the data allows \(36 rows",
    ),
    ({"shift_months": 36}, r"^shift_months=36 looks back further than the data allows \(36 rows"),
    ({"drain_months": 36}, r"^drain_months=36 looks back further than the data allows \(36 rows"),
]


@pytest.mark.parametrize(("change", "pattern"), OPTION_MESSAGES)
def test_option_checks_name_the_option(change: dict[str, object], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        _toy_inputs(**change)


def test_option_type_errors_name_the_option() -> None:
    for option in (
        "cape_window",
        "cape_min_periods",
        "inflation_window",
        "shift_months",
        "drain_months",
        "carry_months",
    ):
        with pytest.raises(TypeError, match=rf"^{option} must be an integer, got float$"):
            _toy_inputs(**{option: 1.5})
    with pytest.raises(TypeError, match=r"^balance_sheet_divisor must be a real number, got str$"):
        _toy_inputs(balance_sheet_divisor="x")


def test_no_month_with_a_cape_and_a_real_yield() -> None:
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    early = pd.Series(3.0, index=pd.bdate_range("2019-01-01", "2019-06-30"))  # 2019-01..06 only
    with pytest.raises(
        InputError,
        match=r"^no month has both a CAPE \(cape_window=12, cape_min_periods=12\) and a real "
        r"yield \(inflation_window=12, with gs10 or long_rate\) in the 36 months of shiller: "
        r"shorten the windows or give longer data$",
    ):
        _toy_inputs(shiller=sh.drop(columns="gs10"), long_rate=early)


def test_bundled_sources_fill_in_for_missing_arguments() -> None:
    from divergence.datasets import load_fred

    toy = _toy()
    sh, bal, base = toy["shiller"], toy["balance"], toy["base"]
    assert isinstance(sh, pd.DataFrame)
    assert isinstance(bal, pd.Series) and isinstance(base, pd.Series)
    fred = load_fred(["WALCL", "M2SL"])
    walcl, m2 = fred["WALCL"].dropna(), fred["M2SL"].dropna()
    opts = {k: v for k, v in TOY_OPTIONS.items() if k != "balance_sheet_divisor"}
    # balance sheet from FRED, user base: the same numbers as passing WALCL by hand
    a = inputs(sh, None, base, toy["caps"], **opts)  # type: ignore[arg-type]
    a_ref = inputs(sh, walcl, base, toy["caps"], **opts)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a, a_ref)
    assert a.attrs["sources"]["l_s"] == (
        "-12-month change of FRED WALCL (USD mn, last weekly level of the month) / 1000, "
        "over user base (last observation of the month) 12 months earlier"
    )
    # user balance sheet, base from FRED
    b = inputs(sh, bal, None, toy["caps"], **opts)  # type: ignore[arg-type]
    b_ref = inputs(sh, bal, m2, toy["caps"], **opts)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(b, b_ref)
    assert b.attrs["sources"]["l_s"] == (
        "-12-month change of user balance_sheet (last observation of the month) / 1000, "
        "over FRED M2SL (USD bn) 12 months earlier"
    )


def test_shiller_columns_are_checked_one_by_one() -> None:
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    for col in ("sp_price", "cpi"):
        bad = sh.copy()
        bad.loc[bad.index[3], col] = 0.0
        with pytest.raises(InputError, match=rf"^shiller\['{col}'\] must be strictly positive"):
            _toy_inputs(shiller=bad)
    # earnings and gs10 may be zero or negative (losses, negative yields)
    ok = sh.copy()
    ok.loc[ok.index[3], "gs10"] = -0.5
    ok.loc[ok.index[0], "earnings"] = 0.0
    _toy_inputs(shiller=ok)
    with pytest.raises(InputError, match=r"^shiller dates must be sorted in increasing order$"):
        _toy_inputs(shiller=sh.iloc[[0, 2, 1, *range(3, 36)]])


def test_a_missing_shiller_month_is_a_nan_month() -> None:
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    holey = sh.drop(sh.index[5])  # 2019-06 missing
    out = _toy_inputs(shiller=holey)
    assert out.index.equals(pd.date_range("2019-01-01", periods=36, freq="MS"))
    gap = out["premium_gap"]
    # CAPE needs all 12 earnings of the months before: windows that hold 2019-06 have 11,
    # so 2019-07 .. 2020-06 have no CAPE; from 2020-07 on the 4% yield: 0.05 - 0.04
    assert gap.loc[:"2020-06"].isna().all()
    np.testing.assert_allclose(gap.loc["2020-07":], 0.05 - 0.04, rtol=1e-12)


# --------------------------------------------------------------------------- model arguments
def test_weights_are_checked_one_by_one() -> None:
    for bad in (b"abc", "abc", 5, (1.0, 1.0, 1.0, 1.0)):
        with pytest.raises(
            TypeError, match=r"^weights must be a sequence of three numbers \(w_R, w_C, w_L\)$"
        ):
            DivergenceCost(weights=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^weights\[1\] \(i_c\) must be >= 0\.0, got -1\.0$"):
        DivergenceCost(weights=(1.0, -1.0, 1.0))
    with pytest.raises(
        InputError, match=r"^weights\[2\] \(l_s\) must be a finite number, got nan$"
    ):
        DivergenceCost(weights=(1.0, 1.0, np.nan))
    with pytest.raises(
        TypeError, match=r"^weights\[0\] \(delta_r\) must be a real number, got str$"
    ):
        DivergenceCost(weights=("1", 1.0, 1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^intercept must be a real number, got str$"):
        DivergenceCost(intercept="0")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^interaction must be >= 0\.0, got -0\.5$"):
        DivergenceCost(interaction=-0.5)
    with pytest.raises(TypeError, match=r"^min_periods must be an integer, got float$"):
        DivergenceCost(min_periods=2.0)  # type: ignore[arg-type]
    # zero weights, a negative intercept and min_periods 1 (percentile) are all valid
    m = DivergenceCost(weights=[0, 0, 0], intercept=-2, interaction=0, min_periods=1)  # type: ignore[arg-type]
    assert m.weights == (0.0, 0.0, 0.0) and m.intercept == -2.0 and m.interaction == 0.0
    assert DivergenceCost(scoring="robust_z", min_periods=2).min_periods == 2


# --------------------------------------------------------------------------- alignment
def test_frame_argument_messages() -> None:
    m = DivergenceCost(min_periods=1)
    both = r"^pass either one DataFrame with columns delta_r, i_c, l_s or the three inputs "
    both += r"separately, not both$"
    frame = pd.DataFrame({"delta_r": [2.0, 1.0], "i_c": [1.0, 2.0], "l_s": [1.0, 2.0]})
    with pytest.raises(TypeError, match=both):
        m.evaluate(frame, None, [1.0, 2.0])
    with pytest.raises(TypeError, match=both):
        m.evaluate(frame, [1.0, 2.0], None)
    wide = pd.DataFrame(np.ones((2, 6)), columns=["a", "b", "c", "d", "e", "f"])
    with pytest.raises(
        InputError,
        match=r"^the inputs frame has none of the columns \['delta_r', 'i_c', 'l_s'\] "
        r"\(it has 'a', 'b', 'c', 'd', 'e'\)$",
    ):
        m.evaluate(wide)
    # a frame without l_s: that input is None (an error with weight 1, fine with weight 0)
    two = frame.drop(columns="l_s")
    with pytest.raises(InputError, match=r"^l_s is None but its weight is 1\.0"):
        m.evaluate(two)
    m0 = DivergenceCost(weights=(1.0, 1.0, 0.0), min_periods=1, link="identity")
    # percentile scores: delta_r [2, 1] -> 2p - 1 = [1, 0], signed -[1, 0]; i_c [1, 2] -> [1, 1]
    np.testing.assert_allclose(m0.evaluate(two), [0.0, 1.0], atol=1e-15)
    assert np.isnan(DivergenceCost(min_periods=1).scores(two)["l_s"]).all()


def test_alignment_messages() -> None:
    m = DivergenceCost(min_periods=2)
    with pytest.raises(
        InputError,
        match=r"^arrays without an index cannot be aligned unless they have the same length; "
        r"got delta_r 10, i_c 12, l_s 10 rows \(pass pandas Series to align them on their "
        r"dates\)$",
    ):
        m.evaluate(np.ones(10), np.ones(12), np.ones(10))
    for dup_first in (True, False):
        a = pd.Series(1.0, index=[0, 1, 2])
        b = pd.Series(1.0, index=[0, 1, 1, 3])
        args = (b, a) if dup_first else (a, b)
        name = "delta_r" if dup_first else "i_c"
        with pytest.raises(
            InputError,
            match=rf"^{name} has duplicate index labels \(e\.g\. 1\); inputs with different "
            r"indexes are aligned on their labels, which must then be unique$",
        ):
            DivergenceCost(weights=(1.0, 1.0, 0.0), min_periods=2).evaluate(*args, None)
    s = pd.Series(np.arange(5.0), index=[0, 1, 2, 3, 4])
    t = pd.Series(np.arange(5.0), index=[2, 3, 4, 5, 6])
    with pytest.raises(
        InputError,
        match=r"^arrays are taken by position and must have one value per row of the pandas "
        r"inputs' \(joined\) index, 7 rows; got l_s 5$",
    ):
        m.evaluate(s, t, np.ones(5))
    with pytest.raises(InputError, match=r"index, 5 rows; got i_c 4, l_s 3$"):
        m.evaluate(s, np.ones(4), np.ones(3))


def test_outer_join_by_hand() -> None:
    # delta_r on 0..3, i_c on 2..5: the union 0..5; identity link, weights (0, 1, 0) so only
    # i_c counts: its percentile scores over its own rows [3, 1, 2, 4] -> 2p - 1 with
    # p = 1, 1/2, 2/3, 1
    dr = pd.Series([1.0, 2.0, 3.0, 4.0], index=[0, 1, 2, 3])
    ic = pd.Series([3.0, 1.0, 2.0, 4.0], index=[2, 3, 4, 5])
    m = DivergenceCost(weights=(0.0, 1.0, 0.0), min_periods=1, link="identity")
    out = m.evaluate(dr, ic, None)
    assert out.index.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(out.to_numpy(), [np.nan, np.nan, 1.0, 0.0, 1.0 / 3.0, 1.0])
    sc = m.scores(dr, ic, None)
    np.testing.assert_allclose(sc["delta_r"].to_numpy(), [-1.0, -1.0, -1.0, -1.0, np.nan, np.nan])
    # an array with the joined length (6) is taken by position; its weight is 0
    np.testing.assert_allclose(m.evaluate(dr, ic, np.arange(6.0)).to_numpy(), out.to_numpy())


# --------------------------------------------------------------------------- calibrate
def _separated(seed: int, n: int, cut: float, flip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Raw l_s and a 0/1 target that its percentile score separates at ``cut``.

    ``flip``: the row whose score is nearest the cut gets the other label (quasi-separation).
    """
    x = np.random.default_rng(seed).normal(size=n)
    s = np.array(_pct_scores(list(x)))
    y = (s > cut).astype(float)
    if flip:
        i = int(np.argmin(np.abs(s - cut)))
        y[i] = 1.0 - y[i]
    return x, y


def test_calibrate_logit_failures_are_input_errors() -> None:
    x, y = _separated(1, 60, 0.3, flip=True)
    with pytest.raises(
        InputError,
        match=r"^the logistic fit on the scores \['l_s'\] did not converge on the 60 usable "
        r"rows \(after min_periods\); use more rows or link=",
    ):
        DivergenceCost.calibrate({"l_s": x}, y, min_periods=1)
    x, y = _separated(4, 60, 0.3, flip=True)
    with pytest.raises(
        InputError,
        match=r"^the scores \['l_s'\] separate target 0 from 1 perfectly on the 60 usable rows "
        r"\(after min_periods\), so the logistic fit has no finite maximum; use more rows, a "
        r"smaller min_periods or link=",
    ):
        DivergenceCost.calibrate({"l_s": x}, y, min_periods=1)


def test_calibrate_logit_failure_advises_a_valid_link() -> None:
    # the advice names link='identity', an option calibrate accepts (it named 'linear' before)
    x, y = _separated(1, 60, 0.3, flip=True)
    with pytest.raises(InputError, match=r"link='identity'"):
        DivergenceCost.calibrate({"l_s": x}, y, min_periods=1)


def test_calibrate_on_separated_data_leaks_no_warning() -> None:
    # statsmodels' 'overflow encountered in exp' leaked out before the InputError
    x, y = _separated(0, 40, 0.0, flip=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError):
            DivergenceCost.calibrate({"l_s": x}, y, min_periods=1)


def test_calibrate_component_messages() -> None:
    x = np.linspace(0.0, 1.0, 20)
    y = np.r_[np.zeros(10), np.ones(10)]
    with pytest.raises(
        InputError,
        match=r"^components is empty; give at least one of \['delta_r', 'i_c', 'l_s'\]$",
    ):
        DivergenceCost.calibrate({}, y)
    with pytest.raises(
        InputError,
        match=r"^components has unknown column 'vix'; expected a subset of "
        r"\['delta_r', 'i_c', 'l_s'\]$",
    ):
        DivergenceCost.calibrate({"delta_r": x, "vix": x}, y)
    with pytest.raises(InputError, match=r"^components\['i_c'\] has 1 infinite value"):
        DivergenceCost.calibrate({"i_c": np.r_[x[:-1], np.inf]}, y, min_periods=2)
    with pytest.raises(InputError, match=r"^components\['delta_r'\] must be 1-D"):
        DivergenceCost.calibrate({"delta_r": np.ones((20, 2))}, y, min_periods=2)
    with pytest.raises(InputError, match=r"^target must be 1-D"):
        DivergenceCost.calibrate({"delta_r": x}, np.ones((20, 2)), min_periods=2)
    # components are matched row by row (no outer join): different indexes are refused
    a = pd.Series(x, index=range(20))
    b = pd.Series(x, index=range(1, 21))
    with pytest.raises(InputError, match=r"^components\['delta_r'\] and components\['i_c'\]"):
        DivergenceCost.calibrate({"delta_r": a, "i_c": b}, y, min_periods=2)
    with pytest.raises(
        InputError,
        match=r"^only 2 rows have a target and every score; need at least 3 \(the first "
        r"min_periods=19 rows have no score\)$",
    ):
        DivergenceCost.calibrate({"i_c": x}, y, link="identity", min_periods=19)


def test_fit_table_columns_are_float_whatever_the_result_holds() -> None:
    # every term non-zero, so the join leaves no NaN that would make a column float anyway
    res = SimpleNamespace(
        params=[1, 2, 3, 4, 5],
        bse=[1, 1, 2, 2, 3],
        tvalues=[1, 2, 1, 2, 1],
        pvalues=[1, 0, 1, 0, 1],
        model=SimpleNamespace(),
    )
    m = DivergenceCost(weights=(2.0, 3.0, 4.0), intercept=1.0, interaction=5.0, fit_result=res)
    table = m._fit_table()
    assert table.index.tolist() == ["const", "delta_r", "i_c", "l_s", "interaction"]
    assert table["std_err"].tolist() == [1.0, 1.0, 2.0, 2.0, 3.0]
    assert table["t"].tolist() == [1.0, 2.0, 1.0, 2.0, 1.0]
    assert (table.dtypes == np.float64).all()


def test_summary_of_a_result_without_covariance_type_or_r_squared() -> None:
    res = SimpleNamespace(nobs=10.0, llf=-3.0, model=SimpleNamespace(), rsquared=0.5)
    m = DivergenceCost(fit_result=res)
    assert m.summary().settings.to_dict() == {
        "Link": "logistic",
        "Scoring": "percentile",
        "Min periods": "36",
        "Calibrated": "yes",
        "Model": "SimpleNamespace",
        "Observations": "10",
        "Covariance": "n/a",
        "Log-likelihood": "-3",
        "R²": "0.5",
    }
    assert repr(m).endswith(", calibrated: SimpleNamespace on 10 rows, R² 0.5)")
    bare = DivergenceCost(fit_result=SimpleNamespace(nobs=4, llf=-1.0, model=SimpleNamespace()))
    settings = bare.summary().settings.to_dict()
    assert "R²" not in settings and "Pseudo R² (McFadden)" not in settings
    assert repr(bare).endswith(", calibrated: SimpleNamespace on 4 rows)")


def test_calibrate_turns_only_the_fit_warnings_into_errors() -> None:
    # with other warnings ignored by the caller, the overflow statsmodels meets on separated
    # data stays a warning (ignored); only its convergence warning becomes the InputError
    x, y = _separated(0, 40, 0.0, flip=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError, match=r"^the logistic fit on the scores \['l_s'\] did"):
            DivergenceCost.calibrate({"l_s": x}, y, min_periods=1)


def test_calibrate_picks_the_best_feasible_subset() -> None:
    # Reference: every subset of {i_c, l_s} fitted by statsmodels OLS on scores computed by
    # the loop above; fits with a negative weight dropped; the highest log-likelihood kept.
    # This data set (seed 10): the joint fit gives i_c a negative weight, i_c alone fits
    # worse than l_s alone by about 0.5 in log-likelihood, so l_s alone is the answer.
    import itertools

    rng = np.random.default_rng(10)
    n = 30
    a = rng.normal(size=n)
    b = a + 0.3 * rng.normal(size=n)
    sa, sb = np.array(_pct_scores(list(a))), np.array(_pct_scores(list(b)))
    y = 1.0 * sb - 0.3 * sa + 0.8 * rng.normal(size=n)
    regs = {"i_c": sa, "l_s": sb}
    best: tuple[float, tuple[str, ...], np.ndarray] | None = None
    for r in (2, 1, 0):
        for sub in itertools.combinations(["i_c", "l_s"], r):
            res = sm.OLS(y, np.column_stack([np.ones(n)] + [regs[k] for k in sub])).fit()
            if (res.params[1:] < 0).any():
                continue
            if best is None or res.llf > best[0]:
                best = (float(res.llf), sub, np.asarray(res.params))
    assert best is not None and best[1] == ("l_s",)
    fit = DivergenceCost.calibrate({"i_c": a, "l_s": b}, y, link="identity", min_periods=1)
    assert fit.weights[1] == 0.0
    assert fit.weights[2] == pytest.approx(best[2][1], rel=1e-9)
    assert fit.intercept == pytest.approx(best[2][0], rel=1e-9)


def test_calibrate_keeps_a_weight_fitted_at_zero() -> None:
    # y is orthogonal to the centred score of x (built so), so the OLS slope is 0 up to
    # rounding: the one-regressor fit is feasible and its log-likelihood equals that of the
    # intercept-only fit, which is tried later and does not replace it
    x = [4.0, 1.0, 3.0, 2.0, 5.0, 0.5, 6.0, 2.5, 1.5, 7.0]
    s = np.array(_pct_scores(x))
    r = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0])
    sc = s - s.mean()
    y = r - sc * (sc @ r) / (sc @ sc)
    assert abs(sc @ (y - y.mean())) < 1e-12
    fit = DivergenceCost.calibrate({"i_c": x}, y, link="identity", min_periods=1)
    assert len(np.asarray(fit.fit_result.params)) == 2
    assert fit.weights[1] == pytest.approx(0.0, abs=1e-12)
    assert fit.intercept == pytest.approx(float(np.mean(y)), rel=1e-12)
    assert any(line.startswith("i_c ") for line in (fit.fit_summary or "").splitlines())


# --------------------------------------------------------------------------- scoring kernels
def test_scoring_kernels_name_their_argument() -> None:
    from divergence.cost import expanding_percentile, expanding_robust_z

    for f in (expanding_percentile, expanding_robust_z):
        with pytest.raises(InputError, match=r"^x must be 1-D or 2-D, got a 3-D input"):
            f(np.ones((3, 3, 3)))
        with pytest.raises(InputError, match=r"^x has 1 infinite value"):
            f(np.r_[np.ones(30), np.inf])
        with pytest.raises(TypeError, match=r"^x must be array-like of numbers, got a string"):
            f("abc")
    with pytest.raises(TypeError, match=r"^min_periods must be an integer, got float$"):
        expanding_robust_z(np.ones(30), min_periods=2.0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^min_periods must be >= 1, got 0$"):
        expanding_percentile(np.ones(30), min_periods=0)


def test_default_shiller_source_and_no_carry() -> None:
    toy = _toy()
    out = inputs(None, toy["balance"], toy["base"], toy["caps"], carry_months=0)  # type: ignore[arg-type]
    assert out.attrs["sources"]["premium_gap"] == (
        "Shiller ie_data (load_shiller): sp_price, earnings, cpi, gs10 (percent)"
    )
    assert out.attrs["sources"]["i_c"] == "user caps panel; last in month, carried <= 0 months"
    # no carry: I_C only in the two months with a caps row (3.5 in 2020-01, 5.5 in 2020-03)
    ic = out["i_c"].dropna()
    assert ic.index.tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-03-01")]
    np.testing.assert_allclose(ic.to_numpy(), [3.5, 5.5], rtol=1e-15)


def test_options_are_checked_before_the_data() -> None:
    sh = _toy()["shiller"]
    assert isinstance(sh, pd.DataFrame)
    for option in ("inflation_window", "shift_months", "drain_months"):
        with pytest.raises(InputError, match=rf"^{option} must be >= 1, got 0$"):
            _toy_inputs(shiller=sh.to_numpy(), **{option: 0})


def test_a_balance_sheet_too_large_for_its_divisor() -> None:
    bal = _toy()["balance"]
    assert isinstance(bal, pd.Series)
    big = bal * 0.0 + 1e100  # finite, but 2e100 after dividing by 0.5
    with pytest.raises(
        InputError,
        match=r"^balance_sheet / balance_sheet_divisor exceeds 1e\+100: "
        r"balance_sheet_divisor=0\.5 is too small for these units$",
    ):
        _toy_inputs(balance_sheet=big, balance_sheet_divisor=0.5)
    # exactly 1e100 (the largest accepted value) is fine: a constant level drains nothing
    out = _toy_inputs(balance_sheet=big, balance_sheet_divisor=1.0)
    np.testing.assert_array_equal(out["l_s"].loc["2020-01":].to_numpy(), 0.0)


def test_no_common_month_message() -> None:
    base = _toy()["base"]
    assert isinstance(base, pd.Series)
    with pytest.raises(InputError, match=r"^balance_sheet and base have no month in common$"):
        _toy_inputs(base=base.shift(100, freq="D").iloc[-2:])


def test_default_i_c_source() -> None:
    out = _toy_inputs(i_c=None, carry_months=2)
    assert out.attrs["sources"]["i_c"] == (
        "S&P 500 market-cap snapshots (load_sp500_market_caps), chain-linked by the daily "
        "implied caps (load_sp500_daily_market_caps); last in month, carried <= 2 months"
    )


def test_output_months_run_from_the_earliest_source() -> None:
    # one I_C observation two years before the Shiller data: the output starts in its month,
    # every month in between is a row, and the value is carried three months only
    ic = pd.Series([3.5], index=pd.to_datetime(["2017-01-15"]))
    out = _toy_inputs(i_c=ic)
    assert out.index.equals(pd.date_range("2017-01-01", "2021-12-01", freq="MS", name="date"))
    np.testing.assert_array_equal(out["i_c"].loc["2017-01":"2017-04"].to_numpy(), 3.5)
    assert out["i_c"].loc["2017-05":].isna().all()
    assert out["premium_gap"].loc[:"2018-12"].isna().all()


def test_scoring_kernels_refuse_unsorted_dates() -> None:
    from divergence.cost import expanding_percentile, expanding_robust_z

    x = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2020-02-01", "2020-01-01", "2020-03-01"]))
    for f in (expanding_percentile, expanding_robust_z):
        with pytest.raises(InputError, match=r"^x dates are not in increasing order"):
            f(x, min_periods=2)
