"""Helpers shared by the notebooks: set-up, checkpoints, plots and checks.

Importing this package is cheap: nothing here imports TensorFlow until a helper needs it.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# The one place the repository's address is written; scripts/stamp_notebooks.py copies it into the notebooks.
REPO_URL = "https://github.com/transformers-tf-course/transformers-tf-course"

# What notebooks create (a fine-tuned model, a saved dataset): ignored by git, safe to delete.
OUTPUTS_DIR = REPO_ROOT / "outputs"
