"""requirements.txt is the one list of pins; environment.yml and the installed .venv agree with it.

The pins support Python 3.10-3.13, and every place that states the range says the same.
"""

import os
import re
import shutil
import subprocess
from importlib.metadata import metadata, version
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from utils import REPO_ROOT as ROOT

SUPPORTED = ["3.10", "3.11", "3.12", "3.13"]


def pinned_requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier  # exactly one, and it must be ==
            assert specifier.operator == "==", f"{line!r} must pin an exact version with =="
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def test_every_requirement_is_pinned_exactly():
    pins = pinned_requirements()
    assert {"tensorflow", "tf-keras", "transformers", "torch", "bertviz", "nbval"} <= set(pins)


def test_tensorflow_and_tf_keras_share_a_minor_version():
    pins = pinned_requirements()
    assert pins["tensorflow"].split(".")[:2] == pins["tf-keras"].split(".")[:2]


def test_transformers_still_has_tf_classes():
    assert int(pinned_requirements()["transformers"].split(".")[0]) < 5


def test_environment_yml_installs_requirements_txt_and_nothing_else():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    (pip_section,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert "-r requirements.txt" in pip_section
    assert {re.split(r"[=<> ]", d)[0] for d in conda} == {"python", "pip"}
    assert all(line.startswith(("-r ", "-e ")) for line in pip_section)


def test_the_environment_matches_the_pins():
    for name, pinned in pinned_requirements().items():
        installed = version(name).split("+")[0]  # torch's CPU wheel is 2.13.0+cpu
        assert installed == pinned, f"{name}: installed {installed}, requirements.txt pins {pinned}"


def test_every_pin_supports_every_supported_python():
    for name in pinned_requirements():
        requires = SpecifierSet(metadata(name).get("Requires-Python") or "")
        refused = [python for python in SUPPORTED if not requires.contains(f"{python}.0")]
        assert not refused, f"{name} {version(name)} requires Python {requires}: not {', '.join(refused)}"


def test_the_python_range_is_stated_the_same_everywhere():
    (requires,) = re.findall(r'^requires-python = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    requires = SpecifierSet(requires)  # (tomllib is not in Python 3.10)
    assert [python for python in ["3.9", *SUPPORTED, "3.14"] if requires.contains(f"{python}.0")] == SUPPORTED
    low, high = SUPPORTED[0].replace(".", ", "), SUPPORTED[-1].replace(".", ", ")
    for checker in ["Makefile", "scripts/preflight.py"]:
        text = (ROOT / checker).read_text()
        assert f"({low}) <= " in text and f" <= ({high})" in text and "3.10-3.13" in text, checker
    stated = {path: (ROOT / path).read_text() for path in ["README.md", "docs/workshop.md", "docs/instructor_notes.md"]}
    notebook = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    stated["00_start_here.ipynb"] = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for path, text in stated.items():
        assert "3.10–3.13" in text or "3.10-3.13" in text, f"{path} does not state Python 3.10–3.13"
        assert not re.search(r"3\.9\s*[–-]", text), f"{path} still states a range from 3.9"


def unsupported_pythons() -> list[str]:
    """Interpreters on this machine that a learner may well have but the pins refuse: 3.8, 3.9, 3.14+."""
    candidates = [shutil.which(f"python{minor}") for minor in ["3.14", "3.9", "3.8"]]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))  # pyenv here has 3.9 and 3.8
    candidates += sorted((str(path) for path in pyenv.glob("versions/3.*/bin/python")), reverse=True)
    found = []
    for python in filter(None, candidates):
        result = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                                capture_output=True, text=True)
        if result.returncode == 0:
            minor = tuple(map(int, result.stdout.split()))
            if (3, 8) <= minor <= (3, 9) or minor >= (3, 14):
                found.append(python)
    return found


def test_make_stops_on_an_unsupported_python_before_installing_anything(tmp_path):
    pythons = unsupported_pythons()
    if not pythons:
        pytest.skip("no Python outside 3.10-3.13 on this machine to try")
    for name in ["Makefile", "requirements.txt", "pyproject.toml"]:
        shutil.copy(ROOT / name, tmp_path)
    result = subprocess.run(["make", "-C", str(tmp_path), f"PYTHON={pythons[0]}", "prepare"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert not (tmp_path / ".venv").exists(), "make created the environment with an unsupported Python"
    assert "need Python 3.10-3.13" in result.stderr and "make PYTHON=python3.12 lab" in result.stderr, result.stderr
    assert "pyenv install" in result.stderr  # says how to get a supported one
