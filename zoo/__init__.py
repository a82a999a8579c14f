"""Builds the offline stand-in checkpoints that `utils.hub.checkpoint` points to.

Run with `python -m zoo` (or `make prepare`) for all of them, `python -m zoo FOLDER` for one; a notebook
builds a missing one on first use. Each recipe builds one folder under `checkpoints/` and is rebuilt
only when it is missing or its inputs changed. To add a stand-in: write a module with `FOLDER`, `INPUTS`,
`PACKAGES` and `build(out_dir)` (plus `NEEDS`, the folders it starts from), list it in `RECIPES` and
`BUILD_TIME` below, and map its Hub id to the folder in `utils.hub.STAND_INS`.
"""

from zoo import gpt2, minilm, sentiment

# folder under checkpoints/ -> recipe module, in build order (a recipe's NEEDS come before it)
RECIPES = {recipe.FOLDER: recipe for recipe in (minilm, sentiment, gpt2)}

# What a learner waits the first time a notebook asks for the folder (2 CPU cores, with what it NEEDS; measured).
# Kept here, not in the recipes: a recipe's source is in its fingerprint, and a new estimate is no reason to rebuild.
BUILD_TIME = {
    minilm.FOLDER: "about 15 seconds",
    sentiment.FOLDER: "about 3 minutes",
    gpt2.FOLDER: "about 2 minutes",
}


def with_prerequisites(folders: list[str]) -> list[str]:
    """`folders` and every folder they start from (their recipes' NEEDS), in build order."""
    wanted, todo = set(), list(folders)
    while todo:
        folder = todo.pop()
        if folder not in wanted:
            wanted.add(folder)
            todo.extend(getattr(RECIPES[folder], "NEEDS", []))
    return [folder for folder in RECIPES if folder in wanted]
