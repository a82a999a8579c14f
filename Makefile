# Two commands a newcomer needs:  make lab  |  make test
# Both set up everything first (once), then do their job. See README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Offline unless the learner asks for the Hub (TUTORIAL_USE_HUB=1; see README, "Offline or Hub").
export HF_HUB_OFFLINE ?= $(if $(filter 1 true yes on,$(TUTORIAL_USE_HUB)),0,1)

.PHONY: lab test check prepare notebooks wheelhouse clean colab-check

# Containers often run as root, which Jupyter refuses by default.
lab: prepare
	$(BIN)/jupyter lab --notebook-dir=notebooks \
	    $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The tests always run offline, whatever the shell says.
test: prepare
	env -u TUTORIAL_USE_HUB HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

# Is this machine ready for a workshop? Looks only, changes nothing; under a minute (docs/workshop.md).
check:
	@$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) scripts/preflight.py

# Build the offline checkpoints (quick when they are up to date).
prepare: $(VENV)/.installed
	$(BIN)/python -m zoo

# Stamp the shared parts (badges, Colab cell, links, tables), then re-run every notebook top to
# bottom in a fresh kernel and save its outputs (for maintainers). NB=notebooks/04_tokenizers.ipynb for one.
NB ?= notebooks/[0-9]*.ipynb
notebooks: prepare
	$(BIN)/python scripts/stamp_notebooks.py
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False $(NB)

# The environment, rebuilt only when the pins change.
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 9) <= v <= (3, 13) else \
	    f"Python {v[0]}.{v[1]} found; TensorFlow 2.20 needs Python 3.9-3.13. Run: make PYTHON=python3.11 ...")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned packages into $(VENV) (about 2 minutes the first time) ..."
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -r requirements.txt
	$(BIN)/python -m pip install -qq --no-deps -e .
	@# No "get notified about news?" pop-up and no update check in a classroom (JupyterLab's site-wide defaults).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' \
	    > $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# The Colab path, run as a learner runs it, in a Colab-like virtualenv (for maintainers, not part of `make test`):
# notebook 00 twice (first run, restart, second run), then 05. The virtualenv is built once (Python 3.13 with
# Colab's versions from scripts/colab/runtime.txt, ~5 GB, gitignored) and reset to those versions at every check.
COLAB_VENV   := .colab-venv
COLAB_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python) python3.13)
colab-check: $(COLAB_VENV)/.built
	$(COLAB_VENV)/bin/python scripts/colab_check.py

$(COLAB_VENV)/.built: scripts/colab/runtime.txt
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	@echo "Building $(COLAB_VENV) with Colab's versions (the first time: ~5 GB of downloads, as Colab's torch has CUDA) ..."
	$(COLAB_VENV)/bin/python -m pip install -q -r scripts/colab/runtime.txt
	$(COLAB_VENV)/bin/python scripts/colab_check.py --record
	touch $@

# Every package file for this platform and Python, for a room without internet (docs/workshop.md).
wheelhouse:
	$(PYTHON) -m pip download -q -d wheelhouse pip setuptools wheel -r requirements.txt

clean:
	rm -rf $(VENV) checkpoints
