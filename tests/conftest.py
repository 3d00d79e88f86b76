"""Shared pytest configuration: hypothesis profiles."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)

# statsmodels installs ``warnings.simplefilter("always", ConvergenceWarning)`` (and for its other
# model warnings) when first imported. Imported lazily inside a test, that filter lands in front
# of pytest's ``filterwarnings = error`` and the warning leaks unnoticed. Importing it here, before
# any test starts, puts pytest's per-test "error" filter first, so a statsmodels warning escaping
# a divergence function fails the test like any other warning.
import statsmodels.tools.sm_exceptions  # noqa: E402, F401
