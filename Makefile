# Two commands set everything up on a machine with only python3: `make build` and `make test`.
# Every other target forwards to the invoke task of the same name in tasks.py (`make publish`, …).
PYTHON ?= python3
VENV := .venv
# The stamp's name holds requirements.txt's checksum: a changed file has no stamp yet, so .venv is made
# again; an unchanged one with a new time (a checkout, a restored CI cache) keeps it.
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

# A failed task has said what went wrong, in Swedish, for editors, and make must then end with status 1
# and say nothing more: GNU make prints "make: *** [Makefile:…] Error 1" after every failed recipe and
# ends with status 2, and interrupting make instead (exit 130) aborts the caller's shell and scripts
# (`make check; echo …`, loops). Under --question make runs only the recipe lines marked +, and when a
# target still has an unmarked line to run it exits with status 1 and prints nothing (both documented:
# "Instead of Executing Recipes" in make's manual). So every recipe line here is marked +; a task that
# fails records it in FAILED and its line exits 0; the goal's own recipe is then one unmarked line, which
# make does not run but counts: status 1. A task that succeeds leaves that recipe empty: status 0.
MAKEFLAGS += --question --no-print-directory
# make's own process id (the parent of $(shell)'s shell): two makes in one checkout keep apart.
FAILED := .cache/make/failed-$(shell echo $$PPID)
# The task gets none of this make's flags (a --question would reach a make that pip or npm might run).
TASK_ENV := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL

.DEFAULT_GOAL := build
.PHONY: venv
venv: $(STAMP)

$(STAMP):
	+rm -f $(VENV)/.installed-*
	+$(TASK_ENV) $(PYTHON) -m venv $(VENV)
	+$(TASK_ENV) $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	+touch $@

# The quality gates' tools (vnu-jar, axe-core) from package-lock.json into node_modules/, the way .venv is
# made: again only when the lock file changes. Without npm, or offline, the tests that need them skip
# locally and name what is missing; under CI=true a failed install stops the run.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Java comes from the system.
# (A copy of the project without package-lock.json, as some tests make, simply has no such step.)
NPM_STAMP := $(if $(wildcard package-lock.json),node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1))

ifneq ($(NPM_STAMP),)
$(NPM_STAMP):
	+@if command -v npm >/dev/null 2>&1; then \
	  $(TASK_ENV) npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@ \
	  || { echo "npm ci misslyckades: test som behöver node_modules/ hoppas över" >&2; [ "$$CI" != true ]; }; \
	fi
endif

# `make test` also installs the npm tools first.
task-test: $(NPM_STAMP)

# Keep make from trying to rebuild its own inputs through the catch-all rules below.
Makefile requirements.txt package-lock.json: ;

# Run the task; on failure record it (see the top) and exit 0, so that make prints nothing.
task-%: $(STAMP)
	+@trap "exit 0" INT; rm -f $(FAILED); $(TASK_ENV) $(VENV)/bin/python -m invoke $* || { mkdir -p $(dir $(FAILED)) && touch $(FAILED); }

# Expanded once the task has run: one line that make counts and does not run (status 1) if it failed.
%: task-%
	$(if $(wildcard $(FAILED)),$(shell rm -f $(FAILED))@exit 1)
