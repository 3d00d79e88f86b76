"""Sphinx configuration for the divergence documentation."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_inventories"))
sys.path.insert(0, str(HERE / "_ext"))  # local extensions: perf_tables, reliability_counts

from make_inventories import write_all  # noqa: E402

import divergence  # noqa: E402

project = "divergence"
author = "The divergence developers"
copyright = "2026, The divergence developers"
version = release = divergence.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # a local MathJax 3 copy (no CDN: the docs are read behind firewalls); it copies the files
    # to _static/mathjax after the build and points mathjax_path at them
    "sphinx-mathjax-offline",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "reliability_counts",  # docs/_ext: counts of the Reliability page, from the test tables
    "perf_tables",  # docs/_ext: tables of the Performance page, from docs/_data/*.json
]

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_inventories",
    "_ext",
    "_data",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
]
html_theme = "pydata_sphinx_theme"
html_title = "divergence"
html_static_path = ["_static"]
html_css_files = ["custom.css"]  # long API titles wrap instead of being clipped
# relative to _static: the copy of sphinx-mathjax-offline (set here too, so no CDN default)
mathjax_path = "mathjax/tex-chtml.js"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# CI has no network: intersphinx reads small offline inventories (see _inventories/).
_inv = write_all()
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", str(_inv["python"])),
    "numpy": ("https://numpy.org/doc/stable/", str(_inv["numpy"])),
    "pandas": ("https://pandas.pydata.org/docs/", str(_inv["pandas"])),
    "scipy": ("https://docs.scipy.org/doc/scipy/", str(_inv["scipy"])),
    "statsmodels": ("https://www.statsmodels.org/stable/", str(_inv["statsmodels"])),
}

# The gallery runs every script in examples/ during the build (stdout and figures captured).
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": (),
    "min_reported_time": 3600,
    # no timing pages: sphinx-gallery's loads jQuery and DataTables from CDNs
    "write_computation_times": False,
}

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.figsize": (7.0, 3.6), "figure.dpi": 110}
plot_pre_code = "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n"
