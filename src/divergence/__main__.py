"""``python -m divergence``: the same command line as the ``divergence`` console script."""

from __future__ import annotations

import sys

from divergence.report import main

if __name__ == "__main__":
    sys.exit(main())
