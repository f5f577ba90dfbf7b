# Kommunkompassen as code. `make help` lists the targets.
#
# Everything runs inside .venv, which the first target creates from
# requirements.txt (the one place where Python packages are pinned).

PYTHON      ?= python3
VENV        ?= .venv
SPHINXOPTS  ?=
BUILDDIR    ?= _build
SOURCEDIR   := .

VENV_PY     := $(VENV)/bin/python
SPHINXBUILD := $(VENV)/bin/sphinx-build
VENV_STAMP  := $(VENV)/.installed

# Debian packages for the PDF (see ../shared/ENV.md for why each is needed).
TEX_PACKAGES := texlive-latex-recommended texlive-fonts-recommended \
	texlive-latex-extra texlive-lang-european tex-gyre latexmk poppler-utils
TEX_FILES    := fncychap.sty tgtermes.sty swedish.ldf

.DEFAULT_GOAL := help
.PHONY: help venv html latexpdf latex text check test tex-deps browser-deps clean \
	scores diff new live locales bench

help:
	@echo "Kommunkompassen – make targets"
	@echo "  make html       the website in $(BUILDDIR)/html"
	@echo "  make latexpdf   the PDFs in $(BUILDDIR)/latex (installs TeX when run as root)"
	@echo "  make check      a clean, strict build: fails on any warning, lists each as file:line"
	@echo "  make test       the test suite (pytest)"
	@echo "  make scores     every evaluation as $(BUILDDIR)/scores/scores.json and .csv"
	@echo "  make diff       score changes against BASE=<git revision> (default: merge base with main), as Markdown"
	@echo "  make new        a new evaluation: make new MUNICIPALITY=Lund YEAR=2026"
	@echo "  make live       live preview: edit a report, the browser reloads (http://127.0.0.1:8000)"
	@echo "  make locales    update the label catalogues (_ext/kompass/locales) from the code"
	@echo "  make text       plain-text output in $(BUILDDIR)/text"
	@echo "  make bench      build times against plain Sphinx for N=300 evaluations (see BENCHMARKS.md)"
	@echo "  make clean      removes $(BUILDDIR)"
	@echo "  make venv       (re)creates the Python environment in $(VENV)"

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "Cannot create a virtual environment. On Debian: apt-get install -y python3-venv"; \
	  exit 1; }
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

tex-deps:
	@missing=""; \
	for f in $(TEX_FILES); do kpsewhich $$f >/dev/null 2>&1 || missing="$$missing $$f"; done; \
	for c in latexmk pdflatex pdftotext; do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "TeX for the PDF is missing:$$missing"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $(TEX_PACKAGES); \
	else \
	  echo "Install it with:"; \
	  echo "  sudo apt-get install -y --no-install-recommends $(TEX_PACKAGES)"; \
	  exit 1; \
	fi

html text: $(VENV_STAMP)
	$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS)

latex: $(VENV_STAMP)
	$(SPHINXBUILD) -M latex "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS)

latexpdf: $(VENV_STAMP) tex-deps
	$(SPHINXBUILD) -M latexpdf "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS)
	@ls -1 $(BUILDDIR)/latex/*.pdf | grep -v '/kompass-'

# A clean, strict build (fresh environment, every warning fatal but all of them
# reported) as a pull request's CI runs it.
check: $(VENV_STAMP)
	@rm -rf $(BUILDDIR)/check && mkdir -p $(BUILDDIR)/check
	@if $(SPHINXBUILD) -b html -E -a -W --keep-going -q \
	     -w $(BUILDDIR)/check/warnings.txt "$(SOURCEDIR)" $(BUILDDIR)/check/html $(SPHINXOPTS); then \
	  echo "check: no warnings"; \
	else \
	  echo; echo "check FAILED; every warning, as file:line:"; \
	  cat $(BUILDDIR)/check/warnings.txt; exit 1; \
	fi

test: $(VENV_STAMP)
	$(VENV_PY) -m pytest tests

scores: $(VENV_STAMP)
	$(SPHINXBUILD) -b scores -q "$(SOURCEDIR)" $(BUILDDIR)/scores $(SPHINXOPTS)
	@echo "$(BUILDDIR)/scores/scores.json $(BUILDDIR)/scores/scores.csv"

diff: $(VENV_STAMP)
	@PYTHONPATH=_ext $(VENV_PY) -m kompass.diff $(if $(BASE),--base $(BASE))

new: $(VENV_STAMP)
	@test -n "$(MUNICIPALITY)" -a -n "$(YEAR)" || { \
	  echo "Usage: make new MUNICIPALITY=<kommun> YEAR=<år>"; exit 2; }
	@PYTHONPATH=_ext $(VENV_PY) -m kompass.new --municipality "$(MUNICIPALITY)" --year "$(YEAR)"

live: $(VENV_STAMP)
	$(VENV)/bin/sphinx-autobuild "$(SOURCEDIR)" $(BUILDDIR)/live --host 127.0.0.1 --port 8000 \
	  --ignore "$(BUILDDIR)/*" --ignore ".venv/*" --ignore "tests/*" --ignore ".git/*" $(SPHINXOPTS)

# Build times of N generated evaluations against a plain Sphinx baseline, written
# to $(BUILDDIR)/bench (BENCHMARKS.md says what is measured). Variables: N, RUNS
# (median of), FULL_RUNS, PDF (none, all, or K PDFs), PDF_RUNS, SEED, CITE (yes/no: the
# reports' citations), ONLY (cases), RECORD=1 (update BENCHMARKS.md), PROFILE=1
# (cProfile instead). They reach the script through the environment, never as
# shell code.
N    ?= 300
RUNS ?= 3
PDF  ?= 3
FULL_RUNS ?= $(RUNS)
PDF_RUNS ?= 1
SEED ?= 2022
CITE ?= no
bench: export BENCH_N := $(N)
bench: export BENCH_RUNS := $(RUNS)
bench: export BENCH_PDF := $(PDF)
bench: export BENCH_PDF_RUNS := $(PDF_RUNS)
bench: export BENCH_FULL_RUNS := $(FULL_RUNS)
bench: export BENCH_SEED := $(SEED)
bench: export BENCH_ONLY := $(ONLY)
bench: export BENCH_CITE := $(CITE)
bench: export BENCH_OUT := $(BUILDDIR)/bench
bench: $(VENV_STAMP)
	$(VENV_PY) tests/benchmark.py -n "$$BENCH_N" --runs "$$BENCH_RUNS" --pdf "$$BENCH_PDF" \
	  --pdf-runs "$$BENCH_PDF_RUNS" --full-runs "$$BENCH_FULL_RUNS" \
	  --seed "$$BENCH_SEED" --citations "$$BENCH_CITE" --only "$$BENCH_ONLY" --out "$$BENCH_OUT" \
	  $(if $(RECORD),--record) $(if $(PROFILE),--profile)

# Reader-facing labels: extract them from the code, merge into each language's
# .po (translate the new entries there), and compile the .mo files.
LOCALES := _ext/kompass/locales
locales: $(VENV_STAMP)
	$(VENV)/bin/pybabel -q extract -k _ --no-location --sort-output --project kompass \
	  -o $(BUILDDIR)/kompass.pot _ext/kompass
	$(VENV)/bin/pybabel -q update --ignore-obsolete --ignore-pot-creation-date -i $(BUILDDIR)/kompass.pot \
	  -d $(LOCALES) -D kompass
	$(VENV)/bin/pybabel -q compile -d $(LOCALES) -D kompass

# Headless Chromium for the browser test (Debian's package; never a download).
browser-deps:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends chromium fonts-dejavu-core; \
	else \
	  echo "Chromium is missing. Install it with:"; \
	  echo "  sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core"; \
	  exit 1; \
	fi

clean:
	rm -rf $(BUILDDIR)
