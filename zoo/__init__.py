"""Builds the offline stand-in checkpoints that `utils.hub.checkpoint` points to.

Run with `python -m zoo` (or `make prepare`). Each recipe builds one folder under
`checkpoints/` and is rebuilt only when it is missing or its inputs changed.
To add a stand-in: write a module with `INPUTS` and `build(out_dir)`, list it in
`RECIPES` below, and map its Hub id to the folder in `utils.hub.STAND_INS`.
"""

from zoo import gpt2, minilm, sentiment

# folder under checkpoints/ -> recipe module; order matters (later recipes may start from earlier ones)
RECIPES = {
    "all-MiniLM-L6-v2": minilm,
    "sentiment-minilm-reviews": sentiment,
    "gpt2-tiny-reviews": gpt2,
}
