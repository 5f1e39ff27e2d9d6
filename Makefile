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

# Keep make from trying to rebuild its own inputs through the catch-all rule below.
Makefile requirements.txt: ;

%: $(STAMP)
	@$(VENV)/bin/invoke $@
