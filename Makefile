# The two commands a newcomer needs: `make run` and `make test`. Each creates its own virtualenv.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The services pass of `make test` (PostgreSQL + Redis); CI sets REQUIRE_SERVICES=1 so a missing
# service fails the run instead of skipping it.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shop
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lock lint test-sqlite test-services test-parallel browser-deps messages bench-storefront bench-api bench-checkout bench-search-relevance bench-search-latency bench-search-indexing bench-recommender bench-routes bench-chatbot bench-dashboard bench-segments bench-recommender-movielens bench-recommender-session bench-listing-db bench-storefront-cpu clean

# What `make run`, `make test` and CI install: every package pinned, with hashes (runtime and dev
# tools; requirements/base.txt is the runtime part, for the Docker image). Refreshed from
# pyproject.toml by `make lock`.
LOCK := requirements/dev.txt

$(STAMP): $(LOCK) pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
		echo "The lock files do not hold what pyproject.toml asks for: refresh them with 'make lock'."; exit 1; }
	@touch $@

## lock: refresh the lock files from pyproject.toml (keeps the current pins where they still fit;
## `make lock LOCK_ARGS=--upgrade` moves everything to the newest releases allowed)
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_ARGS)
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) --extra dev -o requirements/dev.txt
	$(UV_COMPILE) --constraint requirements/dev.txt -o requirements/base.txt

## run: set everything up, seed a demo shop if empty, serve it with a Celery worker and beat
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py alipay_dev_keys --if-missing
	$(BIN)/python manage.py seed_demo --if-empty --size small
	$(BIN)/python manage.py train_recommender --if-missing
	$(BIN)/python manage.py rebuild_search_index --if-empty
	@$(BIN)/python manage.py shop_info
	HOST=$(HOST) $(BIN)/honcho -f Procfile start --port $(PORT)

## test: lint, migrations, deploy checks, then the suite on SQLite and on PostgreSQL + Redis
# The two passes use different databases, brokers, Redis keys and var/ folders (trained models,
# the training lock, the sandbox's trade book, media), so they run side by side, one per core;
# each pass's output is printed whole when it ends.
test: $(STAMP) browser-deps lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-services

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=shop.settings.production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=shop.example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite (embedded default) =="
	env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL -u CELERY_BROKER_URL SHOP_TEST_PASS=embedded \
		SHOP_VAR_DIR=$(CURDIR)/var/test-embedded $(BIN)/pytest $(PYTEST_ARGS)

test-services: $(STAMP)
	@if $(BIN)/python scripts/services_up.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		echo "== test suite on PostgreSQL + Redis =="; \
		DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SHOP_TEST_PASS=services \
			SHOP_VAR_DIR=$(CURDIR)/var/test-services $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$REQUIRE_SERVICES" = "1" ]; then \
		echo "== PostgreSQL or Redis not usable (above), and REQUIRE_SERVICES=1: failing =="; exit 1; \
	else \
		echo "== PostgreSQL or Redis not usable (above): services pass skipped (CI runs it with REQUIRE_SERVICES=1) =="; \
	fi

## test-parallel: two short services-pass runs at once, each with its own test database and Redis keys
test-parallel: $(STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SHOP_TEST_PASS=services $(BIN)/python scripts/parallel_test_runs.py

## browser-deps: Debian's Chromium (and CJK fonts for screenshots) for the Playwright tests
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "cjk"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium and fonts-noto-cjk for browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo "Browser tests need Debian's Chromium: sudo apt-get install chromium fonts-noto-cjk"; \
		fi; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
		if command -v npm >/dev/null; then \
			echo "Installing axe-core (package-lock.json) for the accessibility tests..."; \
			npm ci --no-audit --no-fund --silent; \
		else \
			echo "The accessibility tests need Node.js and npm for axe-core (package.json)"; \
		fi; \
	fi

## messages: refresh and compile the Chinese translations
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

## bench-storefront: seed 100,000 products on PostgreSQL and load-test the storefront
bench-storefront: $(STAMP)
	$(BIN)/python benchmarks/storefront.py

## bench-storefront-cpu: CPU per storefront request in one process (steadier than req/s on a loaded machine)
bench-storefront-cpu: $(STAMP)
	$(BIN)/python benchmarks/storefront_cpu.py

## bench-listing-db: database time per listing URL of the storefront benchmark's set (target under 20 ms)
bench-listing-db: $(STAMP)
	$(BIN)/python benchmarks/listing_db.py

## bench-api: product list and product detail endpoints vs the HTML pages they mirror (req/s, p95)
bench-api: $(STAMP)
	$(BIN)/python benchmarks/api.py

## bench-checkout: concurrent checkouts on PostgreSQL (orders/s and latency)
bench-checkout: $(STAMP)
	$(BIN)/python benchmarks/checkout.py

## bench-search-relevance: NDCG@10 and MRR of a labelled query set, per search backend
bench-search-relevance: $(STAMP)
	$(BIN)/python benchmarks/search_relevance.py

## bench-search-latency: p50/p95 search latency with facets at 100,000 products (SQLite, PostgreSQL)
bench-search-latency: $(STAMP)
	$(BIN)/python benchmarks/search_latency.py

## bench-search-indexing: what Chinese segmentation and pinyin cost the index (after bench-search-latency)
bench-search-indexing: $(STAMP)
	$(BIN)/python benchmarks/search_indexing.py

## bench-recommender: retrain time by stage vs implicit's bare fit, ALS vs popularity, slot overhead
bench-recommender: $(STAMP)
	$(BIN)/python benchmarks/recommender.py

## bench-chatbot: intent accuracy/macro-F1 per language on the test set against baselines, training time, classify latency
bench-chatbot: $(STAMP)
	$(BIN)/python benchmarks/chatbot.py
	@echo "== the same on a second set written from the shopper's side (benchmarks/data/chatbot_shoppers.jsonl) =="
	$(BIN)/python benchmarks/chatbot.py --test benchmarks/data/chatbot_shoppers.jsonl --repeat 1
	$(BIN)/python benchmarks/support_dialogue.py --classifier live

## bench-dashboard: the staff dashboard's p50/p95 on the large demo shop, operator and merchant staff, cached and not
bench-dashboard: $(STAMP)
	$(BIN)/python benchmarks/dashboard.py

## bench-segments: compute_segments on the large demo shop (PostgreSQL) and on CDNOW (time, segments, holdout error)
bench-segments: $(STAMP)
	$(BIN)/python benchmarks/segments.py

## bench-recommender-movielens: ALS vs popularity on MovieLens-100k, log ending 1998 / now / two years ago
bench-recommender-movielens: $(STAMP)
	$(BIN)/python benchmarks/recommender_movielens.py

## bench-recommender-session: session re-rank on MovieLens-100k, next-item NDCG@10 with and without
bench-recommender-session: $(STAMP)
	$(BIN)/python benchmarks/recommender_session.py

## bench-routes: route planning, PyVRP vs OR-Tools vs nearest neighbour, generated days and CVRPLIB
bench-routes: $(STAMP)
	$(BIN)/python benchmarks/routes.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
