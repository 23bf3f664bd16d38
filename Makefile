# Two commands do everything on a fresh Debian machine (as root):
#   make run   - install what is needed, then run the main job on the Viborg dossier
#   make test  - install what is needed, then run the whole test suite
# Both are idempotent: installation is redone only when its inputs change.

VENV    := .venv
STAMP   := $(VENV)/.installed
DOSSIER := agreements/viborg-2017-2021

.PHONY: run test install lint bench serve clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh scripts/debian-packages.txt
	sh scripts/bootstrap.sh
	touch $@

run: $(STAMP)
	$(VENV)/bin/aftale build $(DOSSIER)

serve: $(STAMP)
	$(VENV)/bin/aftale serve agreements

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check checker tests benchmarks
	$(VENV)/bin/ruff format --check checker tests benchmarks

bench: $(STAMP)
	sh benchmarks/validate.sh
	sh benchmarks/check.sh
	sh benchmarks/build.sh
	sh benchmarks/sign.sh
	sh benchmarks/audit.sh
	$(VENV)/bin/python benchmarks/serve.py
	$(VENV)/bin/python benchmarks/budgets.py

clean:
	rm -rf $(VENV) generated/*/ .pytest_cache
