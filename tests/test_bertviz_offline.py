"""utils/bertviz_offline.py: bertviz's views as one self-contained output that fetches nothing.

That the output really draws, in JupyterLab with the network blocked, is tests/test_browser.py's job.
"""

import hashlib
import importlib.metadata
import re
import sys

import bertviz
import numpy as np
import pytest
import torch
from IPython.display import HTML

from utils import REPO_ROOT, bertviz_offline
from utils.environment import quiet_start

TOKENS = ["[CLS]", "the", "</script>", "<!--", "[SEP]"]  # two that would end or confuse an inline <script>


@pytest.fixture
def attention():
    rng = np.random.default_rng(0)
    return tuple(torch.from_numpy(rng.dirichlet(np.ones(5), size=(1, 2, 5))) for _ in range(3))


@pytest.fixture
def originals(monkeypatch):
    """bertviz's own functions; bertviz is put back as it was after the test."""
    views = {}
    for name in bertviz_offline.VIEWS:
        module = sys.modules[f"bertviz.{name}"]
        view = getattr(module, name)
        views[name] = getattr(view, "__wrapped__", view)
        for owner in (module, bertviz):
            monkeypatch.setattr(owner, name, views[name])
    return views


def test_the_pinned_bertviz_is_the_version_the_module_was_written_for():
    assert importlib.metadata.version("bertviz") == bertviz_offline.BERTVIZ_VERSION
    pin = re.search(r"^bertviz==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.M)
    assert pin and pin[1] == bertviz_offline.BERTVIZ_VERSION


def test_install_wraps_both_import_paths_once_and_keeps_bertviz_signature(originals):
    assert bertviz_offline.install() and bertviz_offline.install()  # idempotent
    import inspect

    from bertviz import head_view, model_view
    from bertviz.model_view import model_view as model_view_from_module

    for name, view in [("head_view", head_view), ("model_view", model_view)]:
        assert view.draws_offline and view.__wrapped__ is originals[name]  # one layer of wrapping, not two
        assert inspect.signature(view) == inspect.signature(originals[name])
        assert view.__doc__ == originals[name].__doc__
    assert model_view_from_module is model_view


def test_setup_installs_it(originals):
    quiet_start()
    assert bertviz.head_view.draws_offline and bertviz.model_view.draws_offline


@pytest.mark.parametrize("name", bertviz_offline.VIEWS)
def test_the_view_is_one_html_output_that_loads_nothing_and_sets_no_global(originals, attention, name, monkeypatch):
    bertviz_offline.install()
    shown = []
    monkeypatch.setattr(bertviz_offline, "display", shown.append)
    assert getattr(bertviz, name)(attention, TOKENS) is None  # html_action="view", as learners call it
    assert len(shown) == 1 and isinstance(shown[0], HTML)  # one text/html output, not three
    html = shown[0].data
    assert "<script src" not in html and "require.js" not in html
    assert html.count("<script>") == 1 and html.count("</script>") == 1 and html.endswith("</script>\n")
    assert "<!--" not in html
    assert '"<\\/script>"' in html and '"<\\!--"' in html  # the tokens, escaped, still read as themselves in JS
    script = html[html.index("<script>"):]
    assert script.startswith("<script>\n(function () {") and script.rstrip().endswith("})();\n</script>")
    assert "var define, module, exports, require, requirejs, libraries = {};" in script  # all local
    assert "d3js.org v5.7.0" in script and "jQuery v3.7.1" in script
    root = re.search(r'<div id="(bertviz-[0-9a-f]{32})"', html)[1]
    assert f'var root = "{root}"' in script


def test_return_gives_the_same_self_contained_html(originals, attention):
    bertviz_offline.install()
    html = bertviz.head_view(attention, TOKENS, html_action="return").data
    assert "<script src" not in html and "jQuery v3.7.1" in html


def test_bertviz_errors_are_bertviz_own(originals, attention):
    bertviz_offline.install()
    with pytest.raises(ValueError, match="'html_action' parameter must be"):
        bertviz.head_view(attention, TOKENS, html_action="save")
    with pytest.raises(ValueError, match="'tokens' is required"):
        bertviz.model_view(attention)


def test_html_it_was_not_written_for_is_refused(originals, attention):
    html = originals["head_view"](attention, TOKENS, html_action="return").data
    bertviz_offline.offline_html(html)
    elsewhere = html.replace("cdnjs.cloudflare.com/ajax/libs/require.js", "cdn.jsdelivr.net/npm/requirejs")
    for changed in [elsewhere, html.replace("requirejs(", "require("), html[:-20]]:
        with pytest.raises(RuntimeError, match="not what utils/bertviz_offline.py was written for"):
            bertviz_offline.offline_html(changed)


def test_another_bertviz_version_is_left_alone_with_a_warning(originals, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.5.0")
    with pytest.warns(UserWarning, match="written for bertviz 1.4.1, found 1.5.0"):
        assert bertviz_offline.install() is False
    assert bertviz.head_view is originals["head_view"]


def test_vendored_libraries_are_the_npm_files_the_readme_names_with_their_licences():
    vendor = bertviz_offline.VENDOR
    readme = (vendor / "README.md").read_text()
    for file in bertviz_offline.LIBRARIES.values():
        digest = hashlib.sha256((vendor / file).read_bytes()).hexdigest()
        assert f"{digest}  {file}" in readme
    assert "Mike Bostock" in (vendor / "d3-5.7.0.LICENSE").read_text()
    assert "OpenJS Foundation" in (vendor / "jquery-3.7.1.LICENSE.txt").read_text()
