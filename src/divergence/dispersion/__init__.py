"""Dispersion (placeholder, replaced below)."""

from divergence.dispersion._vix import (
    bracketing_expiries,
    constant_maturity_variance,
    implied_forward,
    model_free_variance,
    model_free_variance_panel,
)

__all__ = [
    "bracketing_expiries",
    "constant_maturity_variance",
    "implied_forward",
    "model_free_variance",
    "model_free_variance_panel",
]
