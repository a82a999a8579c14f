"""Stand-in for Colab's `google.colab` package, for `make colab-check` only (copied into .colab-venv).

The course's first cell asks one thing of Colab: is `google.colab` imported? Colab's kernel imports it
at start, and with it NumPy, Pillow, IPython and traitlets (google/colab/__init__.py and _reprs.py in
googlecolab/colabtools), so those count as "already imported" when the cell decides whether to restart.
"""

import IPython  # noqa: F401
import numpy  # noqa: F401
import PIL  # noqa: F401
import traitlets  # noqa: F401

__version__ = "stand-in"
