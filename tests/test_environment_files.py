"""requirements.txt is the one list of pins; environment.yml and the installed .venv agree with it."""

import re
from importlib.metadata import version

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from utils import REPO_ROOT as ROOT


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
