# Kommunkompassen as code. `make help` lists the targets.
#
# Everything runs inside .venv, which the first target creates from
# requirements.txt (the one place where Python packages are pinned).
#
# A value given on the command line (MUNICIPALITY, YEAR, BASE, SPHINXOPTS, a
# path...) is data, never code. Two rules keep it so:
# - make keeps its text exactly as given (the loop below), so a `$(...)` in it
#   is not expanded by make;
# - recipes read every variable from the environment, quoted ("$$VENV"), and
#   never as $(VAR): make would paste the text into the command line, where
#   the shell would run quotes, backticks, `$(...)` and `;` in it.
#   SPHINXOPTS and the TeX lists are lists of words: they are used unquoted
#   under `set -f`, so the shell splits them into words but expands nothing.

$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),\
  $(eval override $(v) := $$(value $(v)))))

PYTHON      ?= python3
VENV        ?= .venv
SPHINXOPTS  ?=
BUILDDIR    ?= _build
SOURCEDIR   ?= .
LOCALES     ?= _ext/kompass/locales

# Debian packages for the PDF (see ../shared/ENV.md for why each is needed).
TEX_PACKAGES ?= texlive-latex-recommended texlive-fonts-recommended \
	texlive-latex-extra texlive-lang-european tex-gyre fonts-texgyre latexmk poppler-utils
TEX_FILES    ?= fncychap.sty tgtermes.sty swedish.ldf texgyreheros-regular.otf

export PYTHON VENV SPHINXOPTS BUILDDIR SOURCEDIR LOCALES TEX_PACKAGES TEX_FILES \
	MUNICIPALITY YEAR BASE CHROMIUM REPORT RECORD PROFILE

# The one place make itself uses a path: the stamp of an installed .venv.
VENV_STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv html latexpdf latex text check test lint tex-deps browser-deps clean \
	scores diff new live locales site preview pdf bench

help:
	@echo "Kommunkompassen – make targets"
	@echo "  make html       the website in $$BUILDDIR/html"
	@echo "  make latexpdf   the PDFs in $$BUILDDIR/latex (installs TeX when run as root)"
	@echo "  make pdf        one report's PDF alone: make pdf REPORT=karlskrona-2022"
	@echo "  make site       the site as published: $$BUILDDIR/html with its PDFs and score data"
	@echo "  make preview    a pull request's preview: the site and the PDFs of the reports changed since BASE"
	@echo "  make check      a clean, strict build: fails on any warning, lists each as file:line"
	@echo "  make test       the test suite (pytest)"
	@echo "  make lint       ruff and mypy over _ext and tests (settings in pyproject.toml)"
	@echo "  make scores     every evaluation as $$BUILDDIR/scores/scores.json and .csv"
	@echo "  make diff       score changes against BASE=<git revision> (default: merge base with main), as Markdown"
	@echo "  make new        a new evaluation: make new MUNICIPALITY=Lund YEAR=2026"
	@echo "  make live       live preview: edit a report, the browser reloads (http://127.0.0.1:8000)"
	@echo "  make locales    update the label catalogues (_ext/kompass/locales) from the code"
	@echo "  make text       plain-text output in $$BUILDDIR/text"
	@echo "  make bench      build times against plain Sphinx for N=300 evaluations (see BENCHMARKS.md)"
	@echo "  make clean      removes $$BUILDDIR"
	@echo "  make venv       (re)creates the Python environment in $$VENV"

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt
	@test -x "$$VENV/bin/python" || "$$PYTHON" -m venv "$$VENV" || { \
	  echo "Cannot create a virtual environment. On Debian: apt-get install -y python3-venv"; \
	  exit 1; }
	"$$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch "$$VENV/.installed"

tex-deps:
	@set -f; missing=""; \
	for f in $$TEX_FILES; do kpsewhich "$$f" >/dev/null 2>&1 || missing="$$missing $$f"; done; \
	for c in latexmk pdflatex pdftotext; do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "TeX for the PDF is missing:$$missing"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $$TEX_PACKAGES; \
	else \
	  echo "Install it with:"; \
	  echo "  sudo apt-get install -y --no-install-recommends $$TEX_PACKAGES"; \
	  exit 1; \
	fi

html text latex: $(VENV_STAMP)
	set -f; "$$VENV/bin/sphinx-build" -M $@ "$$SOURCEDIR" "$$BUILDDIR" $$SPHINXOPTS

latexpdf: $(VENV_STAMP) tex-deps
	set -f; "$$VENV/bin/sphinx-build" -M latexpdf "$$SOURCEDIR" "$$BUILDDIR" $$SPHINXOPTS
	@ls -1 "$$BUILDDIR"/latex/*.pdf | grep -v '/kompass-'

# One report's PDF alone: make pdf REPORT=karlskrona-2022 (the LaTeX of every
# document is written, then only that one is compiled).
pdf: $(VENV_STAMP) tex-deps
	@case "$$REPORT" in ''|*[!a-z0-9-]*) \
	  echo "Usage: make pdf REPORT=<folder of the report, e.g. karlskrona-2022>" >&2; exit 2;; esac
	set -f; "$$VENV/bin/sphinx-build" -M latex "$$SOURCEDIR" "$$BUILDDIR" $$SPHINXOPTS
	@test -f "$$BUILDDIR/latex/$$REPORT.tex" || { \
	  echo "make pdf: no report $$REPORT (see the folders in reports/)" >&2; exit 2; }
	make -C "$$BUILDDIR/latex" -- "$$REPORT.pdf"
	@echo "$$BUILDDIR/latex/$$REPORT.pdf"

# A clean, strict build (fresh environment, every warning fatal but all of them
# reported) as a pull request's CI runs it.
check: $(VENV_STAMP)
	@set -f; out="$$BUILDDIR/check"; rm -rf "$$out" && mkdir -p "$$out"; \
	if "$$VENV/bin/sphinx-build" -b html -E -a -W --keep-going -q \
	     -w "$$out/warnings.txt" "$$SOURCEDIR" "$$out/html" $$SPHINXOPTS; then \
	  echo "check: no warnings"; \
	else \
	  echo; echo "check FAILED; every warning, as file:line:"; \
	  cat "$$out/warnings.txt"; exit 1; \
	fi

# The browser tests need Chromium: installed as root, else the exact install line.
test: $(VENV_STAMP) browser-deps
	"$$VENV/bin/python" -m pytest tests

# Lint and type checks, settings in pyproject.toml. The code is laid out by
# hand (not by `ruff format`), so there is no format check.
lint: $(VENV_STAMP)
	"$$VENV/bin/ruff" check _ext tests
	"$$VENV/bin/mypy" _ext tests

# The site as published: pages, score data (data/), and every PDF the pages
# link, copied into $BUILDDIR/html/pdf/ (fails if a linked PDF is missing).
site: html latexpdf
	@PYTHONPATH=_ext "$$VENV/bin/python" -m kompass.publish site \
	  --latex "$$BUILDDIR/latex" --html "$$BUILDDIR/html"

# A pull request's preview: the site, and the PDFs of the reports changed since
# BASE (default: the merge base with main), said in $BUILDDIR/preview.md. BASE
# reaches git as an argument read from the environment, never as shell text.
preview: html latex tex-deps
	@BASE="$${BASE:-$$(git merge-base HEAD main 2>/dev/null || git merge-base HEAD origin/main)}"; \
	PYTHONPATH=_ext "$$VENV/bin/python" -m kompass.publish preview "--base=$$BASE" \
	  --latex "$$BUILDDIR/latex" --html "$$BUILDDIR/html" --summary "$$BUILDDIR/preview.md"

scores: $(VENV_STAMP)
	set -f; "$$VENV/bin/sphinx-build" -b scores -q "$$SOURCEDIR" "$$BUILDDIR/scores" $$SPHINXOPTS
	@echo "$$BUILDDIR/scores/scores.json $$BUILDDIR/scores/scores.csv"

# exec: Python itself gets make's signals and removes its worktree on Ctrl-C.
diff: $(VENV_STAMP)
	@set --; if [ -n "$$BASE" ]; then set -- "--base=$$BASE"; fi; \
	export PYTHONPATH=_ext; exec "$$VENV/bin/python" -m kompass.diff "$$@"

new: $(VENV_STAMP)
	@if [ -z "$$MUNICIPALITY" ] || [ -z "$$YEAR" ]; then \
	  echo "Usage: make new MUNICIPALITY=<kommun> YEAR=<år>" >&2; exit 2; fi
	@case "$$YEAR" in [12][0-9][0-9][0-9]) ;; *) \
	  echo "make new: YEAR must be a year such as 2026" >&2; exit 2;; esac
	@PYTHONPATH=_ext "$$VENV/bin/python" -m kompass.new \
	  "--municipality=$$MUNICIPALITY" "--year=$$YEAR"

live: $(VENV_STAMP)
	set -f; "$$VENV/bin/sphinx-autobuild" "$$SOURCEDIR" "$$BUILDDIR/live" \
	  --host 127.0.0.1 --port 8000 --ignore "$$BUILDDIR/*" --ignore "$$VENV/*" \
	  --ignore "tests/*" --ignore ".git/*" $$SPHINXOPTS

# Build times of N generated evaluations against a plain Sphinx baseline, written
# to $BUILDDIR/bench (BENCHMARKS.md says what is measured). Variables: N, RUNS
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
CITE ?= yes
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
	@set --; if [ -n "$$RECORD" ]; then set -- "$$@" --record; fi; \
	if [ -n "$$PROFILE" ]; then set -- "$$@" --profile; fi; \
	"$$VENV/bin/python" tests/benchmark.py -n "$$BENCH_N" --runs "$$BENCH_RUNS" \
	  --pdf "$$BENCH_PDF" --pdf-runs "$$BENCH_PDF_RUNS" --full-runs "$$BENCH_FULL_RUNS" \
	  --seed "$$BENCH_SEED" --citations "$$BENCH_CITE" --only "$$BENCH_ONLY" \
	  --out "$$BENCH_OUT" "$$@"

# Reader-facing labels: extract them from the code, merge into each language's
# .po (translate the new entries there), and compile the .mo files; also the
# project's Swedish for Sphinx's and the theme's labels (locales/sv).
locales: $(VENV_STAMP)
	"$$VENV/bin/pybabel" -q extract -k _ --no-location --sort-output --project kompass \
	  -o "$$BUILDDIR/kompass.pot" _ext/kompass
	"$$VENV/bin/pybabel" -q update --ignore-obsolete --ignore-pot-creation-date \
	  -i "$$BUILDDIR/kompass.pot" -d "$$LOCALES" -D kompass
	"$$VENV/bin/pybabel" -q compile -d "$$LOCALES" -D kompass
	"$$VENV/bin/pybabel" -q compile -d locales -D sphinx

# Headless Chromium for the browser test (Debian's package; never a download).
browser-deps:
	@if command -v "$${CHROMIUM:-chromium}" >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends chromium fonts-dejavu-core; \
	else \
	  echo "Chromium is missing. Install it with:"; \
	  echo "  sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core"; \
	  exit 1; \
	fi

clean:
	rm -rf "$$BUILDDIR"
