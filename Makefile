# Two commands a newcomer needs:  make lab  |  make test
# Both set up everything first (once), then do their job. See README.md.

PYTHON ?= python3
VENV   ?= .venv
export VENV  # scripts/preflight.py checks that it runs in this environment
BIN    := $(VENV)/bin
# Offline unless the learner asks for the Hub (TUTORIAL_USE_HUB=1; see README, "Offline or Hub").
export HF_HUB_OFFLINE ?= $(if $(filter 1 true yes on,$(TUTORIAL_USE_HUB)),0,1)

.PHONY: lab test variants check prepare notebooks wheelhouse clean colab-check

# Containers often run as root, which Jupyter refuses by default.
lab: prepare
	$(BIN)/jupyter lab --notebook-dir=notebooks \
	    $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The tests always run offline, whatever the shell says.
# PYTEST_ARGS picks tests, e.g. "tests notebooks/00_start_here.ipynb" (.ci/run's second Python).
test: prepare
	env -u TUTORIAL_USE_HUB HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-run every notebook as other machines would: one core, other CPU kernels, a busy CPU (for maintainers
# and CI; 10 to 14 minutes a variant on 2 cores). VARIANTS="one-core onednn-off" for some; see scripts/nbval_variants.py.
variants: prepare
	env -u TUTORIAL_USE_HUB HF_HUB_OFFLINE=1 $(BIN)/python scripts/nbval_variants.py $(VARIANTS)

# Is this machine ready for a workshop? Looks only, changes nothing; under a minute (docs/workshop.md).
check:
	@$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) scripts/preflight.py

# Build the offline checkpoints (quick when they are up to date).
prepare: $(VENV)/.installed
	$(BIN)/python -m zoo

# Stamp the shared parts (badges, Colab cell, links, tables), then re-run every notebook top to
# bottom in a fresh kernel and save its outputs (for maintainers). NB=notebooks/05_tokenizers.ipynb for one.
NB ?= notebooks/[0-9]*.ipynb
notebooks: prepare
	$(BIN)/python scripts/stamp_notebooks.py
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False $(NB)

# The environment, rebuilt only when the pins change. The Python check comes first, so a wrong Python
# stops `make` before anything is installed (the range is also in pyproject.toml and scripts/preflight.py).
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else \
	    "Python %d.%d found; the pinned packages (TensorFlow 2.20, torch 2.13) need Python 3.10-3.13.\n" \
	    "Install one (python.org, your package manager, or: pyenv install 3.12), then run: make PYTHON=python3.12 lab" % v)'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned packages into $(VENV) (about 2 minutes the first time) ..."
	$(BIN)/python -m pip install -qq --upgrade pip
	$(call cpu_torch,$(BIN)/python,install)
	$(BIN)/python -m pip install -qq -r requirements.txt
	$(BIN)/python -m pip install -qq --no-deps -e .
	@# No "get notified about news?" pop-up and no update check in a classroom (JupyterLab's site-wide defaults).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' \
	    > $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# The Colab path, run as a learner runs it, in a Colab-like virtualenv (for maintainers, not part of `make test`):
# notebook 00 twice (first run, restart, second run), then 06. The virtualenv is built once (Python 3.13 with
# Colab's versions from scripts/colab/runtime.txt, ~5 GB, gitignored) and reset to those versions at every check.
# COLAB_CHECK_ARGS="--imported transformers" checks the restart path instead (00 only).
COLAB_VENV   := .colab-venv
COLAB_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python) python3.13)
colab-check: $(COLAB_VENV)/.built
	$(COLAB_VENV)/bin/python scripts/colab_check.py $(COLAB_CHECK_ARGS)

$(COLAB_VENV)/.built: scripts/colab/runtime.txt
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	@echo "Building $(COLAB_VENV) with Colab's versions (the first time: ~5 GB of downloads, as Colab's torch has CUDA) ..."
	$(COLAB_VENV)/bin/python -m pip install -q -r scripts/colab/runtime.txt
	$(COLAB_VENV)/bin/python scripts/colab_check.py --record
	touch $@

# On Linux, the registry's torch is the CUDA build: with its nvidia wheels and triton, 2.7 GB to download,
# none of it used by this series. PyTorch's own index has the CPU build (0.19 GB); take
# torch from there, without its dependencies (those come from requirements.txt, like everything else),
# when that index answers within a few seconds, and from the registry otherwise (a network that reaches
# only the registry, a room with a wheelhouse). TORCH_INDEX= (empty) always takes the registry's torch.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_PIN   := $(shell sed -n 's/^\(torch==[^ ]*\).*/\1/p' requirements.txt)
# $(call cpu_torch,PYTHON,PIP COMMAND): fetch the CPU build with that pip command (install, download -d DIR).
define cpu_torch
@if [ "$$(uname -s)" != Linux ] || [ -z "$(TORCH_INDEX)" ]; then :; \
elif timeout 10 $(1) -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/torch/", timeout=5)' \
	    "$(TORCH_INDEX)" 2>/dev/null; then \
	echo "torch: the CPU build, from $(TORCH_INDEX)"; \
	$(1) -m pip $(2) -qq --no-deps --index-url "$(TORCH_INDEX)" "$(TORCH_PIN)" \
	    || echo "torch: the CPU build could not be fetched; the package registry's torch instead"; \
else \
	echo "torch: $(TORCH_INDEX) did not answer; torch comes from the package registry (PyPI's is the CUDA build)"; \
fi
endef

# Every package file for this platform and Python, for a room without internet (docs/workshop.md).
wheelhouse:
	$(call cpu_torch,$(PYTHON),download -d wheelhouse)
	$(PYTHON) -m pip download -q -d wheelhouse --find-links wheelhouse pip setuptools wheel -r requirements.txt

clean:
	rm -rf $(VENV) checkpoints .cache
