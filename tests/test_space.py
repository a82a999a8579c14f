"""The Gradio Space of notebook 09 starts on its own (`python app.py`), answers, and stops cleanly.

The app is pointed at the offline sentiment checkpoint through REVIEWS_MODEL, so this test does
not depend on notebook 08 having been run.
"""

import os
import re
import subprocess
import sys
import time

import pytest

from utils import REPO_ROOT
from utils.hub import CHECKPOINTS_DIR
from utils.loopback import free_port, listening, wait_until_free

SPACE_DIR = REPO_ROOT / "spaces" / "reviews-sentiment"
MODEL = CHECKPOINTS_DIR / "sentiment-minilm-reviews"
START_TIMEOUT = 180  # seconds: importing TensorFlow and loading the model on a busy 2-core CPU


def test_space_readme_has_the_metadata_a_space_needs():
    text = (SPACE_DIR / "README.md").read_text(encoding="utf-8")
    front_matter = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert front_matter, "README.md must start with a YAML block between --- lines"
    fields = dict(line.split(": ", 1) for line in front_matter.group(1).splitlines())
    for key in ["title", "emoji", "sdk", "sdk_version", "app_file", "license"]:
        assert fields.get(key), f"README.md front matter misses {key!r}"
    assert fields["sdk"] == "gradio"
    assert fields["app_file"] == "app.py" and (SPACE_DIR / "app.py").is_file()


def test_space_pins_agree_with_the_course():
    def pins(path):
        lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
        return dict(line.split("==") for line in lines if "==" in line)

    course, space = pins(REPO_ROOT / "requirements.txt"), pins(SPACE_DIR / "requirements.txt")
    assert space, "the Space's requirements.txt pins nothing"
    for package, version in space.items():
        assert course.get(package) == version, f"{package}: Space pins {version}, course {course.get(package)}"
    readme = (SPACE_DIR / "README.md").read_text(encoding="utf-8")
    assert f"sdk_version: {course['gradio']}\n" in readme, "README sdk_version must match the gradio pin"


@pytest.mark.skipif(not (MODEL / "config.json").is_file(), reason="offline checkpoint missing: run `make prepare`")
def test_app_starts_alone_answers_and_leaves_nothing_behind(tmp_path):
    from gradio_client import Client

    port = free_port()
    env = {
        **os.environ,
        "REVIEWS_MODEL": str(MODEL),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("TF_USE_LEGACY_KERAS", None)  # app.py must set it itself, as it would in a Space
    log = (tmp_path / "app.log").open("w")
    # Started from another folder: app.py must not depend on the working directory.
    process = subprocess.Popen(
        [sys.executable, str(SPACE_DIR / "app.py")], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + START_TIMEOUT
        while not listening(port):
            assert process.poll() is None, "app.py exited:\n" + (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, "app.py did not listen in time:\n" + (tmp_path / "app.log").read_text()
            time.sleep(0.5)
        client = Client(url, verbose=False)
        try:
            positive = client.predict("Wonderful hotel, friendly staff, I loved every minute.", api_name="/predict")
            negative = client.predict("Terrible food, rude waiter, never again.", api_name="/predict")
        finally:
            client.close()
        assert positive["label"] == "POSITIVE", positive
        assert negative["label"] == "NEGATIVE", negative
        assert {c["label"] for c in positive["confidences"]} == {"POSITIVE", "NEGATIVE"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()
    assert process.returncode is not None, "app.py is still running"
    assert wait_until_free(port), f"port {port} is still in use after app.py ended"
