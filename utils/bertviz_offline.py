"""bertviz's ``head_view`` and ``model_view`` drawn with no network: one self-contained output, no globals.

Why this module exists: bertviz 1.4.1 writes a ``<script src>`` that loads require.js from a CDN, then
JavaScript that asks require.js for d3 5.7.0 and jQuery from cdnjs. JupyterLab 4 has no require.js of
its own, and a classroom (or a machine that reaches only package registries) has no CDN: the views stay
empty, an empty "Layer:" selector (bertviz issues #26, #53, #63).

What it does: ``setup()`` (utils/environment.py) calls ``install()``, which wraps the two functions
learners import, ``from bertviz import head_view, model_view``; the calls and their arguments stay
bertviz's own. The wrapper asks bertviz for its HTML through its public ``html_action="return"``, drops
the require.js tag and puts bertviz's JavaScript, unchanged, inside one function together with d3 and
jQuery, vendored in utils/vendor/ (with their licences; README.md there says where they come from). In
that function, local ``require`` / ``requirejs`` hand bertviz the two libraries, and local ``module`` /
``exports`` / ``define`` make the libraries load as CommonJS modules, so nothing lands on ``window``
(no ``d3``, ``$``, ``jQuery`` or ``require``) and nothing on the page is fetched. The result is a single
``text/html`` output whose script draws once its element is in the page: JupyterLab, Notebook 7 and
classic Notebook, VS Code and Colab all run scripts of trusted HTML outputs (each output of a cell you
run is trusted). About 300 KB per view; notebook 07 shows two.

Written for bertviz 1.4.1 (``BERTVIZ_VERSION``); with another version ``install()`` changes nothing and
warns, and ``offline_html`` refuses HTML it does not recognise rather than emit something broken.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import inspect
import json
import re
import sys
import warnings
from pathlib import Path

from IPython.display import HTML, display

BERTVIZ_VERSION = "1.4.1"
VIEWS = ("head_view", "model_view")
VENDOR = Path(__file__).resolve().parent / "vendor"
# The names bertviz's JavaScript asks require.js for, and the files that provide them.
LIBRARIES = {"jquery": "jquery-3.7.1.slim.min.js", "d3": "d3-5.7.0.min.js"}

_REQUIRE_JS_TAG = re.compile(r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^"]+"></script>')
_SCRIPT = re.compile(r'\n<script type="text/javascript">\n(?P<js>.*)\n</script>\n\Z', re.S)
_ROOT_ID = re.compile(r'<div id="(bertviz-[0-9a-f]+)"')
_BERTVIZ_JS_MARKERS = ("require.config(", "requirejs(['jquery', 'd3']")


def install() -> bool:
    """Make ``bertviz.head_view`` and ``bertviz.model_view`` draw with no network; safe to call again.

    Returns True when the two views draw offline after the call, False when bertviz is not installed
    or is not the version this module was written for (then it warns and leaves bertviz as it is).
    """
    if importlib.util.find_spec("bertviz") is None:
        return False
    version = importlib.metadata.version("bertviz")
    if version != BERTVIZ_VERSION:
        warnings.warn(f"utils/bertviz_offline.py was written for bertviz {BERTVIZ_VERSION}, found {version}: "
                      "bertviz's views are left as they are (they need internet to draw)", stacklevel=2)
        return False
    import bertviz

    for name in VIEWS:
        module = sys.modules[f"bertviz.{name}"]  # `bertviz.head_view` is the function, not the module
        view = getattr(module, name)
        if not getattr(view, "draws_offline", False):
            view = _drawing_offline(view)
        setattr(module, name, view)  # `from bertviz.head_view import head_view`
        setattr(bertviz, name, view)  # `from bertviz import head_view`
    return True


def _drawing_offline(view):
    signature = inspect.signature(view)

    @functools.wraps(view)
    def draw(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        action = arguments.get("html_action", "view")
        if action not in ("view", "return"):
            return view(*args, **kwargs)  # bertviz's own error message
        arguments["html_action"] = "return"
        html = HTML(offline_html(view(**arguments).data))
        if action == "return":
            return html
        display(html)

    draw.draws_offline = True
    return draw


def offline_html(bertviz_html: str) -> str:
    """Turn what bertviz returns with ``html_action="return"`` into one self-contained HTML fragment."""
    page, loaders = _REQUIRE_JS_TAG.subn("", bertviz_html)
    script, root = _SCRIPT.search(page), _ROOT_ID.search(page)
    if loaders != 1 or script is None or root is None or not all(m in script["js"] for m in _BERTVIZ_JS_MARKERS):
        raise RuntimeError(f"bertviz's HTML is not what utils/bertviz_offline.py was written for (bertviz "
                           f"{BERTVIZ_VERSION}); pin bertviz=={BERTVIZ_VERSION} or update that module")
    return page[:script.start()] + "\n<script>\n" + _self_contained(script["js"], root[1]) + "\n</script>\n"


def _self_contained(bertviz_js: str, root_id: str) -> str:
    libraries = "".join(
        f"module = {{exports: {{}}}}; exports = module.exports;\n{_library(name)}\n"
        f";libraries[{name!r}] = module.exports;\n" for name in LIBRARIES
    )
    js = f"""(function () {{
// bertviz without a network (utils/bertviz_offline.py): its libraries, then its own code, in this function only.
var define, module, exports, require, requirejs, libraries = {{}};
{libraries}module = exports = undefined;
require = {{config: function () {{}}}};  // bertviz's CDN paths: not needed, the libraries are above
requirejs = function (names, draw) {{  // draw once bertviz's element is in the page (some front ends add it later)
  var root = {json.dumps(root_id)}, tries = 0;
  (function whenInPage() {{
    if (document.getElementById(root)) draw.apply(null, names.map(function (name) {{ return libraries[name]; }}));
    else if (++tries < 600) setTimeout(whenInPage, 50);
  }})();
}};
{bertviz_js}
}})();"""
    # Inside a <script> element, "</script" ends it and "<!--" can confuse the parser: escape both
    # (in JavaScript strings, regular expressions and comments, "<\/" and "<\!" read as "</" and "<!").
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I).replace("<!--", "<\\!--")


@functools.cache
def _library(name: str) -> str:
    return (VENDOR / LIBRARIES[name]).read_text(encoding="utf-8")

