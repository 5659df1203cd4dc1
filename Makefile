# The entry points people type. Every target installs first (a no-op when nothing changed):
# running the course needs only the runtime dependencies; testing and linting add the `test`
# extra (pytest, playwright, ruff, mypy, ...), which is most of the download.
VENV   := .venv
PY     := $(VENV)/bin/python
# One stamp per install: the test stamp also stands for the runtime one (the test extra
# installs the runtime dependencies too), so `make test` after `make run` adds the extra.
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
VAULT  ?= notes
OUT    ?= site
# Where `make run` / `make dev` serve the course and the demo API (`make run PORT=8091 API_PORT=8001`).
PORT     ?= 8080
API_PORT ?= 8000

.PHONY: install install-run run test site api dev check lint bench clean

# Everything, for working on coursegen itself (what `make test` and `make lint` need).
install: $(TEST_STAMP)

install-run: $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml
	@test -x $(PY) || { echo "Creating the virtual environment in $(VENV)/"; python3 -m venv $(VENV); }
	@echo "Installing what running the course needs into $(VENV)/ (pip is quiet; this takes a while the first time)..."
	$(PIP) -e .
	@touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml
	@test -x $(PY) || { echo "Creating the virtual environment in $(VENV)/"; python3 -m venv $(VENV); }
	@echo "Installing coursegen and its test tools (pytest, playwright, ruff, mypy) into $(VENV)/ (pip is quiet; this takes a while the first time)..."
	$(PIP) -e '.[test]'
	@touch $(RUN_STAMP) $(TEST_STAMP)

# The same as `make dev`: what a newcomer types first.
run: dev

test: install
	$(PY) -m pytest

site: install-run
	$(VENV)/bin/coursegen build $(VAULT) -o $(OUT)

api: install-run
	$(VENV)/bin/uvicorn demo_api.main:app --host 127.0.0.1 --port $(API_PORT)

dev: install-run
	$(VENV)/bin/coursegen dev $(VAULT) -o $(OUT) --port $(PORT) --api-port $(API_PORT)

check: install-run
	$(VENV)/bin/coursegen check $(VAULT)

lint: install
	$(VENV)/bin/ruff check generator demo_api course_app tests
	$(VENV)/bin/mypy

bench: install
	$(PY) tests/bench/run.py

clean:
	rm -rf $(VENV) .coursegen-cache .pytest_cache .mypy_cache .ruff_cache test-artifacts
	@# Only a site coursegen wrote (it holds .coursegen-site), never one with a .git in it; its
	@# dot-files (the placeholder .gitignore) stay, so the folder is ready for the next build.
	@if [ -f '$(OUT)/.coursegen-site' ] && [ -z "$$(find '$(OUT)' -name .git -print)" ]; then \
	  find '$(OUT)' -mindepth 1 -maxdepth 1 \( ! -name '.*' -o -name .coursegen-site \) \
	    -exec rm -rf {} +; \
	elif [ -n "$$(find '$(OUT)' -mindepth 1 -maxdepth 1 ! -name '.*' -print 2>/dev/null)" ]; then \
	  echo "make clean: left '$(OUT)' alone: coursegen did not write it (no .coursegen-site), or a .git is in it"; \
	fi
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
