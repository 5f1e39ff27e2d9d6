# Two commands set everything up on a machine with only python3: `make build` and `make test`.
# Every other target forwards to the invoke task of the same name in tasks.py (`make publish`, …).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

.DEFAULT_GOAL := build
.PHONY: venv
venv: $(STAMP)

$(STAMP): requirements.txt
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The quality gates' tools (vnu-jar, axe-core) from package-lock.json into node_modules/, the way .venv is
# made: again only when the lock file changes. Without npm, or offline, the tests that need them skip
# locally and name what is missing; under CI=true a failed install stops the run.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Java comes from the system.
# (A copy of the project without package-lock.json, as some tests make, simply has no such step.)
NPM_STAMP := $(if $(wildcard package-lock.json),node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1))

ifneq ($(NPM_STAMP),)
$(NPM_STAMP): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@ \
	  || { echo "npm ci misslyckades: test som behöver node_modules/ hoppas över" >&2; [ "$$CI" != true ]; }; \
	fi
endif

.PHONY: test
test: $(STAMP) $(NPM_STAMP)
	@$(VENV)/bin/invoke $@

# Keep make from trying to rebuild its own inputs through the catch-all rule below.
Makefile requirements.txt package-lock.json: ;

# A failed task has said what went wrong (in Swedish, for editors); make's own "make: *** [Makefile:…]
# Error 1" would only add noise after it. GNU make always prints that line for a failed recipe, unless
# make itself is interrupted: so a failed task interrupts make, which exits quietly with status 130.
# The short sleep keeps the recipe running until make has taken the signal (else make may find no
# child to wait for, and say so).
%: $(STAMP)
	@$(VENV)/bin/invoke $@ || { kill -INT $$PPID; sleep 0.2; }
