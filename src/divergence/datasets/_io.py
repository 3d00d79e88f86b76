"""Reading bundled files and attaching provenance (private)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

from divergence.datasets._registry import REGISTRY

__all__ = ["read_csv", "with_provenance"]


def read_csv(key: str, *, file: str | None = None, **kwargs: Any) -> pd.DataFrame:
    """Read the bundled (gzip) CSV registered under ``key`` (or ``file`` of that entry)."""
    info = REGISTRY[key]
    ref = resources.files("divergence.datasets").joinpath("data", file or info.file)
    with resources.as_file(ref) as path:
        frame: pd.DataFrame = pd.read_csv(path, compression="gzip", **kwargs)
        return frame


def with_provenance(frame: pd.DataFrame, key: str, *, source_extra: str = "") -> pd.DataFrame:
    """Attach ``attrs['source']``, ``attrs['license']`` and ``attrs['title']``."""
    info = REGISTRY[key]
    frame.attrs["source"] = info.source + source_extra
    frame.attrs["license"] = info.license
    frame.attrs["title"] = info.title
    if info.notes:
        frame.attrs["notes"] = info.notes
    return frame
