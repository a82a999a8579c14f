"""Linux with torch from PyPI: its triton must not crash TensorFlow (tensorflow/tensorflow#124205).

These machines install torch's CPU build, which has no triton; a learner's Linux machine gets PyPI's
torch, which brings triton 3.7.1. Imported after TensorFlow 2.20, triton kills the interpreter (SIGSEGV,
exit code 139). This test puts that triton on the path of a fresh interpreter and runs what every
notebook does: setup(), a TF model load and a pipeline.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from utils import REPO_ROOT

TRITON = "triton==3.7.1"  # what torch 2.13.0 from PyPI requires on Linux x86-64
# Downloaded once (about 200 MB) per Python version, kept out of git (.gitignore) and out of the venv.
CACHE = REPO_ROOT / ".cache" / f"{TRITON.replace('==', '-')}-py{sys.version_info[0]}{sys.version_info[1]}"


def installed_triton() -> Path | None:
    """The folder holding the venv's own triton when it is that version (PyPI's torch brought it)."""
    try:
        if version("triton") == TRITON.split("==")[1]:
            return Path(importlib.util.find_spec("triton").origin).parents[1]
    except PackageNotFoundError:
        pass
    return None


@pytest.fixture(scope="module")
def triton_dir():
    if installed_triton():
        return installed_triton()
    if not (CACHE / "triton").is_dir():
        partial = CACHE.with_name(CACHE.name + ".partial")  # renamed when complete: no half-installed cache
        shutil.rmtree(partial, ignore_errors=True)
        pip = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(partial), TRITON],
            capture_output=True, text=True, timeout=600,
        )
        if pip.returncode != 0:
            reason = (pip.stderr.strip().splitlines() or ["no output"])[-1]
            if os.environ.get("CI"):  # CI reaches the package registry: a failed download is a failure there
                pytest.fail(f"pip could not install {TRITON}: {reason}")
            pytest.skip(f"{TRITON} not available here (no wheel for this platform, or no network): {reason}")
        partial.rename(CACHE)
    return CACHE


def test_the_downloaded_triton_crashes_when_imported_after_tensorflow(triton_dir):
    """The upstream bug itself: proves the test below runs where the crash is real (and notices an upstream fix)."""
    result = subprocess.run(
        [sys.executable, "-c", "import tensorflow; import triton"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(triton_dir), "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == -11, "tensorflow/tensorflow#124205 looks fixed: setup() may stop importing triton"


def test_setup_model_and_pipeline_run_with_pypis_triton(triton_dir):
    code = """
        import sys
        from utils.environment import setup
        setup()
        from transformers import AutoTokenizer, TFAutoModelForSequenceClassification, pipeline
        from utils.hub import checkpoint

        name = checkpoint("distilbert-base-uncased-finetuned-sst-2-english", quiet=True)
        model = TFAutoModelForSequenceClassification.from_pretrained(name)
        classifier = pipeline("sentiment-analysis", model=model, tokenizer=AutoTokenizer.from_pretrained(name))
        print(classifier("The battery lasts all day and the screen is gorgeous.")[0]["label"])
        print(sys.modules["triton"].__version__, sys.modules["triton"].__file__)
    """
    environment = {**os.environ, "PYTHONPATH": str(triton_dir), "HF_HUB_OFFLINE": "1"}
    environment.pop("TUTORIAL_USE_HUB", None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=environment, timeout=300,
    )
    assert result.returncode == 0, f"exit code {result.returncode}\n{result.stderr[-3000:]}"
    label, triton = result.stdout.splitlines()[-2:]
    assert label == "POSITIVE"
    assert triton.startswith(f"{TRITON.split('==')[1]} {triton_dir}"), "the test must run with the downloaded triton"


def test_tensorflow_imported_before_setup_gets_a_clear_error_not_a_crash(triton_dir):
    code = """
        import tensorflow
        from utils.environment import setup
        setup()
    """
    environment = {**os.environ, "PYTHONPATH": str(triton_dir), "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=environment, timeout=300,
    )
    assert result.returncode == 1, f"exit code {result.returncode}\n{result.stderr[-3000:]}"
    assert "Restart the kernel and run the setup cell first" in result.stderr.splitlines()[-1]
