"""Hub mode (TUTORIAL_USE_HUB=1), tested offline against a Hub on loopback (tests/fake_hub.py).

The loopback Hub serves the stand-ins laid out as the real repositories (tests/hub_repos.py). Each run starts
from an empty HF_HOME, so every file really comes through the Hub protocol, and its processes may connect to
loopback only (tests/loopback_only/sitecustomize.py). What is checked is what a learner sees: no error, no
stderr, and a one-line note wherever the Hub lacks something.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import hub_repos  # tests/hub_repos.py
import ipykernel.kernelspec
import nbformat
import pytest
from fake_hub import FakeHub  # tests/fake_hub.py
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from utils import REPO_ROOT
from utils.hub import CHECKPOINTS_DIR, STAND_INS
from utils.loopback import port_is_free
from zoo.fingerprints import build_if_stale

TESTS = Path(__file__).parent
NOTEBOOKS = REPO_ROOT / "notebooks"
pytestmark = pytest.mark.skipif(
    not all((CHECKPOINTS_DIR / folder / "config.json").is_file() for folder in hub_repos.FOLDERS),
    reason="offline checkpoints missing: run `make prepare`")


@pytest.fixture(scope="session")
def loopback_hub():
    """The loopback Hub, for the whole session; its repositories are rebuilt only when a stand-in changes."""
    out_dir = TESTS / "artifacts" / "hub-repos"  # ignored by git
    build_if_stale(hub_repos, out_dir)
    with FakeHub(hub_repos.served(out_dir)) as hub:
        yield hub
    assert port_is_free(hub.port), "the loopback Hub still listens after stop()"


@pytest.fixture
def hub(loopback_hub):
    loopback_hub.requests.clear()
    return loopback_hub


@pytest.fixture
def hub_env(hub, tmp_path) -> dict[str, str]:
    """A learner's shell in Hub mode, with an empty Hugging Face cache and the Hub at hub.url."""
    # Nothing of this machine's Hugging Face settings (a cache elsewhere, offline flags, a token) leaks in.
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HF_", "TRANSFORMERS_"))}
    env.update({
        "TUTORIAL_USE_HUB": "1",
        "HF_HUB_OFFLINE": "0",  # setup() sets it too; here it also holds before setup()
        "HF_ENDPOINT": hub.url,
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS / "loopback_only"), os.environ.get("PYTHONPATH")])),
        "BLOCKED_CONNECTIONS_LOG": str(tmp_path / "blocked-connections.log"),
    })
    return env


def no_connection_was_blocked(env: dict[str, str]) -> None:
    log = Path(env["BLOCKED_CONNECTIONS_LOG"])
    assert not log.exists(), f"tried to reach beyond loopback: {log.read_text()}"


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def last_json_line(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def downloaded(hub: FakeHub) -> set[str]:
    return {path for method, path, status in hub.requests if method == "GET" and status == 200}


# --- The protocol: what huggingface_hub relies on -------------------------------------------------------------

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def fetch(url: str, method: str = "GET"):
    try:
        with DIRECT.open(urllib.request.Request(url, method=method)) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_files_come_with_commit_etag_and_size_at_any_revision(hub):
    for revision in ["main", "714eb0f"]:  # a pipeline's pinned short revision
        status, headers, body = fetch(f"{hub.url}/distilbert/distilbert-base-uncased-finetuned-sst-2-english"
                                      f"/resolve/{revision}/config.json")
        assert status == 200 and json.loads(body)["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"}
        assert len(headers["X-Repo-Commit"]) == 40 and headers["ETag"].strip('"')
        assert int(headers["Content-Length"]) == len(body)
    status, headers, body = fetch(f"{hub.url}/gpt2/resolve/main/model.safetensors", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1_000_000


def test_unknown_repositories_and_missing_files_get_the_hubs_errors(hub):
    status, headers, _ = fetch(f"{hub.url}/bert-base-uncasd/resolve/main/config.json")
    assert (status, headers["X-Error-Code"]) == (404, "RepoNotFound")
    status, headers, _ = fetch(f"{hub.url}/api/models/bert-base-uncasd")
    assert (status, headers["X-Error-Code"]) == (404, "RepoNotFound")
    status, headers, _ = fetch(f"{hub.url}/api/datasets/nyu-mll/glue")  # no datasets here
    assert (status, headers["X-Error-Code"]) == (404, "RepoNotFound")
    status, headers, _ = fetch(f"{hub.url}/bert-base-uncased/resolve/main/pytorch_model.bin", method="HEAD")
    assert (status, headers["X-Error-Code"]) == (404, "EntryNotFound")


def test_model_info_and_tree_list_the_files_of_a_real_repository_layout(hub):
    layout = {
        "bert-base-uncased": {"config.json", "model.safetensors", "tf_model.h5", "tokenizer.json",
                              "tokenizer_config.json", "vocab.txt"},
        "distilbert-base-uncased-finetuned-sst-2-english": {"config.json", "model.safetensors", "tf_model.h5",
                                                            "tokenizer.json", "tokenizer_config.json", "vocab.txt"},
        "gpt2": {"config.json", "generation_config.json", "merges.txt", "vocab.json", "tokenizer.json",
                 "model.safetensors", "tf_model.h5"},
    }
    for repo_id, files in layout.items():
        info = json.loads(fetch(f"{hub.url}/api/models/{repo_id}/revision/main")[2])
        assert info["id"] == repo_id and len(info["sha"]) == 40
        assert files <= {sibling["rfilename"] for sibling in info["siblings"]}
        tree = json.loads(fetch(f"{hub.url}/api/models/{repo_id}/tree/main?recursive=True")[2])
        assert {item["path"] for item in tree} == {sibling["rfilename"] for sibling in info["siblings"]}
        weights = next(item for item in tree if item["path"] == "model.safetensors")
        assert weights["lfs"]["oid"] == weights["oid"] and weights["size"] > 0
    status, headers, _ = fetch(f"{hub.url}/api/models/gpt2/tree/main/additional_chat_templates")
    assert (status, headers["X-Error-Code"]) == (404, "EntryNotFound")


def test_weights_are_pytorch_format_safetensors(hub):
    from safetensors import safe_open

    for repo in {hub.repos[name] for name in STAND_INS}:
        with safe_open(repo.files["model.safetensors"], framework="np") as archive:
            assert archive.metadata().get("format") == "pt"


def test_processes_of_these_tests_can_reach_loopback_only(hub, hub_env):
    result = run_python(f"""
        import socket
        import urllib.request

        print(urllib.request.urlopen("{hub.url}/api/models/gpt2").status)
        for address in [("10.255.255.1", 80), ("2001:db8::1", 443)]:  # addresses, so no DNS lookup either
            try:
                socket.create_connection(address, timeout=1)
            except ConnectionRefusedError as error:
                print(error)
    """, hub_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["200", "the tests allow loopback connections only, not 10.255.255.1:80",
                                          "the tests allow loopback connections only, not 2001:db8::1:443"]
    assert Path(hub_env["BLOCKED_CONNECTIONS_LOG"]).read_text() == "10.255.255.1:80\n2001:db8::1:443\n"


# --- What a learner runs -----------------------------------------------------------------------------------------

ARTICLE = """
    from utils.environment import setup

    setup()
    import json

    import numpy as np
    from transformers import AutoTokenizer, TFAutoModel, pipeline

    from utils.hub import CHECKPOINTS_DIR

    # The local stand-ins, which the loopback Hub serves, answer first (loaded first: the .h5 loader matches
    # layers by name, and a second model in one process gets other names). The Hub's answers must agree.
    text = "Hugging Face is creating a tool that democratizes AI."
    local = {name: str(CHECKPOINTS_DIR / name) for name in ["sentiment-minilm-reviews", "all-MiniLM-L6-v2",
                                                            "gpt2-tiny-reviews"]}
    local_sentiment = pipeline("sentiment-analysis", model=local["sentiment-minilm-reviews"], framework="tf")(text)
    local_model = TFAutoModel.from_pretrained(local["all-MiniLM-L6-v2"])
    local_generator = pipeline("text-generation", model=local["gpt2-tiny-reviews"], framework="tf")
    local_generated = local_generator("The hotel", max_new_tokens=12, do_sample=False)[0]["generated_text"]

    classifier = pipeline("sentiment-analysis", framework="tf")  # the task's default model
    tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
    model = TFAutoModel.from_pretrained("bert-base-uncased")
    generator = pipeline("text-generation", model="gpt2", framework="tf")

    inputs = tokenizer(text, return_tensors="tf")
    hidden = model(inputs).last_hidden_state.numpy()
    print(json.dumps({
        "sentiment": classifier(text)[0],
        "local sentiment": local_sentiment[0],
        "tokens": tokenizer.tokenize(text),
        "hidden shape": hidden.shape,
        "hidden difference": float(np.abs(hidden - local_model(inputs).last_hidden_state.numpy()).max()),
        "generated": generator("The hotel", max_new_tokens=12, do_sample=False)[0]["generated_text"],
        "local generated": local_generated,
    }))
"""


def test_the_articles_calls_work_in_hub_mode_without_a_word_on_stderr(hub, hub_env):
    result = run_python(ARTICLE, hub_env)
    answers = last_json_line(result)
    assert result.stderr == ""
    assert "Hub mode" in result.stdout and "Offline:" not in result.stdout

    assert answers["sentiment"]["label"] == answers["local sentiment"]["label"] == "POSITIVE"
    assert answers["sentiment"]["score"] == pytest.approx(answers["local sentiment"]["score"], abs=1e-4)
    assert answers["tokens"][:4] == ["hugging", "face", "is", "creating"]
    assert answers["hidden shape"] == [1, 13, 384] and answers["hidden difference"] < 1e-4
    assert answers["generated"] == answers["local generated"] and answers["generated"].startswith("The hotel")

    # Every weight came from the Hub's PyTorch-format file (the path of transformers#40028), none from its cache.
    files = downloaded(hub)
    for repo in ["distilbert/distilbert-base-uncased-finetuned-sst-2-english", "bert-base-uncased", "gpt2"]:
        assert any(path.startswith(f"/{repo}/resolve/") and path.endswith("/model.safetensors") for path in files)
    assert not any(path.endswith("/tf_model.h5") for path in files)
    no_connection_was_blocked(hub_env)


MISTAKES = """
    from utils.environment import setup

    setup()
    import json

    from huggingface_hub import hf_hub_download
    from transformers import GenerationConfig, TFAutoModel

    from utils.hub import checkpoint

    messages = {}
    for name, load in {
        "unknown repo": lambda: TFAutoModel.from_pretrained("bert-base-uncasd"),
        "missing file": lambda: GenerationConfig.from_pretrained("bert-base-uncased"),  # an encoder: none
        "hub download": lambda: hf_hub_download("gpt2", "pytorch_model.bin"),
        "hub repo": lambda: hf_hub_download("bert-base-uncasd", "config.json"),
        "checkpoint": lambda: checkpoint("bert-base-uncasd"),
    }.items():
        try:
            load()
        except Exception as error:
            messages[name] = f"{type(error).__name__}: {error}"
    print(json.dumps(messages))
"""


def test_unknown_repositories_and_missing_files_give_a_learner_clear_messages(hub, hub_env):
    result = run_python(MISTAKES, hub_env)
    messages = last_json_line(result)
    assert result.stderr == ""
    assert messages["unknown repo"].startswith(
        "OSError: bert-base-uncasd is not a local folder and is not a valid model identifier")
    assert messages["missing file"].startswith(
        "OSError: bert-base-uncased does not appear to have a file named generation_config.json")
    assert messages["hub download"].startswith("EntryNotFoundError: 404 Client Error")
    assert f"Entry Not Found for url: {hub.url}/gpt2/resolve/main/pytorch_model.bin" in messages["hub download"]
    assert messages["hub repo"].startswith("RepositoryNotFoundError: 404 Client Error")
    assert messages["checkpoint"].startswith("ValueError: No checkpoint is set up for 'bert-base-uncasd'")
    assert ("HEAD", "/bert-base-uncasd/resolve/main/config.json", 404) in hub.requests  # asked the Hub, no guess
    no_connection_was_blocked(hub_env)


# --- The notebooks, in Hub mode ----------------------------------------------------------------------------------

class CurrentEnvironmentKernel(KernelSpecManager):
    """The notebooks' kernel runs in this interpreter, as nbval's --nbval-current-env does for `make test`."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                      **ipykernel.kernelspec.get_kernel_dict())


# What each notebook must print in Hub mode where the loopback Hub lacks a model or a dataset: one line each.
PIPELINE_DEFAULTS = {  # notebook 06, section 6: the default TF model of each task
    "fill-mask": "distilbert/distilroberta-base",
    "ner": "dbmdz/bert-large-cased-finetuned-conll03-english",
    "question-answering": "distilbert/distilbert-base-cased-distilled-squad",
    "summarization": "google-t5/t5-small",
    "translation_en_to_fr": "google-t5/t5-base",
    "zero-shot-classification": "FacebookAI/roberta-large-mnli",
}
MISSING_NOTES = {
    "04_decoder_and_encoder_decoder.ipynb": ["t5-small: skipped, t5-small is not a local folder and is not a valid "
                                             "model identifier"],
    "06_pipelines.ipynb": [f"{task}: skipped, {model} is not a local folder and is not a valid model identifier"
                           for task, model in PIPELINE_DEFAULTS.items()],
    "08_fine_tuning_with_keras.ipynb": ["SST-2 (nyu-mll/glue) is not available (DatasetNotFoundError): "
                                        "this run keeps the bundled reviews"],
}
HUB_NOTEBOOKS = ["00_start_here.ipynb", "03_transformer_block_and_parallelism.ipynb",
                 "04_decoder_and_encoder_decoder.ipynb", "05_tokenizers.ipynb", "06_pipelines.ipynb",
                 "07_loading_models_with_tfautomodel.ipynb", "08_fine_tuning_with_keras.ipynb",
                 "09_sharing_models_datasets_spaces.ipynb", "10_scaling_up.ipynb"]
# Notebook 04 trains its own models; in Hub mode it asks the Hub for t5-small only. Notebook 09 shares 08's
# classifier; without a token it pushes nothing and asks only for the repository it would have pushed.
ONLY_ASKS_FOR = {"04_decoder_and_encoder_decoder.ipynb": "t5-small",
                 "09_sharing_models_datasets_spaces.ipynb": "your-username/reviews-classifier"}


@pytest.mark.parametrize("name", HUB_NOTEBOOKS)
def test_notebook_runs_in_hub_mode_with_no_error_and_no_stderr(name, hub, hub_env):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    kernel = AsyncKernelManager(kernel_spec_manager=CurrentEnvironmentKernel())
    client = NotebookClient(notebook, km=kernel, timeout=900, resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    client.execute(env=hub_env, cleanup_kc=True)  # raises at the first error; shuts the kernel down either way
    print(f"{name} in Hub mode: {time.perf_counter() - started:.0f} s")
    executed = TESTS / "artifacts" / "hub-mode" / name  # to read what a learner sees in Hub mode
    executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, executed)

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    stderr = [(cell.source[:80], output.text) for cell in code for output in cell.outputs
              if output.output_type == "stream" and output.name == "stderr"]
    assert not stderr, stderr
    printed = "".join(output.get("text", "") for cell in code for output in cell.outputs)
    assert "Hub mode: real checkpoints" in printed and "Offline:" not in printed
    lines = printed.splitlines()
    for note in MISSING_NOTES.get(name, []):
        assert any(line.startswith(note) for line in lines), f"no line says: {note}"
    if name in ONLY_ASKS_FOR:
        assert any(ONLY_ASKS_FOR[name] in path for _, path, _ in hub.requests), "the loopback Hub was never asked"
    else:
        assert downloaded(hub), "nothing came from the loopback Hub"
    no_connection_was_blocked(hub_env)
