# The entry points people type. Every target installs first (a no-op when nothing changed).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
VAULT  ?= notes
OUT    ?= site
# Where `make run` / `make dev` serve the course and the demo API (`make run PORT=8091 API_PORT=8001`).
PORT     ?= 8080
API_PORT ?= 8000

.PHONY: install run test site api dev check lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: install
	$(MAKE) --no-print-directory dev

test: install
	$(PY) -m pytest

site: install
	$(VENV)/bin/coursegen build $(VAULT) -o $(OUT)

api: install
	$(VENV)/bin/uvicorn demo_api.main:app --host 127.0.0.1 --port $(API_PORT)

dev: install
	$(VENV)/bin/coursegen dev $(VAULT) -o $(OUT) --port $(PORT) --api-port $(API_PORT)

check: install
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
