# reactortrack: `make demo`, `make test`, `make bench`. Each target installs what it needs on a fresh Debian
# machine (run as root); set NO_INSTALL=1 to skip installing.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(abspath $(VENV))/bin/python
SWIFT ?= swift
TSAN_SCRATCH := .build-tsan
# The command is built with the Swift runtime linked in (--static-swift-stdlib): it starts in about 5 ms rather
# than 8, which is a tenth of a 10 MB summary, and runs without the toolchain's libraries. Its own build folder
# keeps the other release products (the examples, the benchmarks) built as a user's app would be.
CLI_SCRATCH := .build-cli
CLI := $(CLI_SCRATCH)/release/reactortrack
# The libFuzzer target (Fuzz/ReadAndDraw), built with the address sanitizer in its own folder.
FUZZ_SCRATCH := .build-fuzz
FUZZ := $(FUZZ_SCRATCH)/debug/reactortrack-fuzz
FUZZ_SECONDS ?= 600

.PHONY: all deps swift-deps system-deps browser-deps python-deps cli demo test test-debug test-tsan test-browser test-otlp test-docs perf-build perf-check perf-baseline test-shapes fuzz fuzz-build test-fuzz bench otel-example otel-check clean

all: test

swift-deps:
	@command -v $(SWIFT) >/dev/null || { echo "error: Swift 6.1+ must be on PATH (https://swift.org/install)"; exit 1; }

# Cairo (the renderer's drawing library) and pkg-config, from Debian's packages.
system-deps:
	@if ! pkg-config --exists cairo 2>/dev/null; then \
	  if [ -n "$(NO_INSTALL)" ]; then echo "error: libcairo2-dev is missing (apt-get install -y libcairo2-dev)"; exit 1; fi; \
	  apt-get update -qq && apt-get install -y -qq libcairo2-dev pkg-config >/dev/null; \
	fi

# Chromium and its driver, from Debian's packages: the HTML report's browser tests and its bench row.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ -n "$(NO_INSTALL)" ]; then echo "error: chromium and chromium-driver are missing (apt-get install -y chromium chromium-driver)"; exit 1; fi; \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# eliot and eliot-tree (the real Python tools) check that our logs are valid Eliot logs; twisted is the peer
# `make bench` measures our Deferred against; selenium drives Chromium in the HTML report's tests;
# opentelemetry-proto decodes what `export` sends, with the official schema.
python-deps:
	@if [ ! -f $(VENV)/.ready ] || ! $(VENV)/bin/python -c 'import twisted, eliot, eliottree, selenium, opentelemetry.proto' 2>/dev/null; then \
	  if ! python3 -m venv $(VENV) >/dev/null 2>&1; then \
	    [ -n "$(NO_INSTALL)" ] || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }; \
	    rm -rf $(VENV); python3 -m venv $(VENV); \
	  fi; \
	  $(VENV)/bin/pip install -q --disable-pip-version-check eliot eliot-tree twisted selenium opentelemetry-proto && touch $(VENV)/.ready; \
	fi

deps: swift-deps system-deps browser-deps python-deps

# The main job: the seed example runs under the monitor and writes mon.out; the echo-service example (20
# concurrent requests on 127.0.0.1) writes echo-service.out.
cli: swift-deps system-deps
	$(SWIFT) build -c release --product reactortrack --static-swift-stdlib --scratch-path $(CLI_SCRATCH)

demo: cli
	$(SWIFT) build -c release --product seed-example
	$(SWIFT) build -c release --product echo-service-example
	$(SWIFT) build -c release --product pipeline-example
	$(SWIFT) build -c release --product flight-recorder-example
	.build/release/seed-example mon.out
	.build/release/echo-service-example echo-service.out
	.build/release/pipeline-example pipeline.out
	$(CLI) render mon.out -o chain.svg
	$(CLI) render mon.out -o chain.png
	$(CLI) render echo-service.out --view overview -o echo-service-overview.png
	$(CLI) render echo-service.out --task '#8' -o echo-service-timeout.png
	$(CLI) render pipeline.out -o pipeline.png
	$(CLI) render mon.out echo-service.out pipeline.out -o report.html
	rm -rf flight-records && .build/release/flight-recorder-example flight-records 2
	$(CLI) tree flight-records/flight-*-unhandled_error.out --failed --color never
	$(CLI) summary echo-service.out
	@echo
	@echo "Wrote: mon.out, echo-service.out, pipeline.out (Eliot logs), chain.svg and chain.png (the seed chain),"
	@echo "       echo-service-overview.png (20 requests), echo-service-timeout.png (the timed-out request),"
	@echo "       pipeline.png (actions and their chains in one log), report.html (all three logs: open it in a"
	@echo "       browser, step through with n/p), flight-records/ (the flight recorder's records of a service"
	@echo "       in trouble: one per trigger, and final.out). Try: $(CLI) tree pipeline.out"

test: deps test-fuzz test-debug test-browser test-otlp test-docs test-top perf-check test-shapes test-tsan

test-debug:
	REACTORTRACK_PYTHON=$(PYTHON) $(SWIFT) test

# The HTML report in a real browser (headless Chromium through selenium), on the debug products `swift test`
# built: the seed and echo-service examples' logs, a hostile log; writes screenshots to .build/browser-tests.
test-browser:
	$(SWIFT) build --product reactortrack
	$(SWIFT) build --product seed-example
	$(SWIFT) build --product echo-service-example
	mkdir -p .build/browser-tests
	.build/debug/seed-example .build/browser-tests/mon.out >/dev/null
	.build/debug/echo-service-example .build/browser-tests/echo-service.out >/dev/null
	REACTORTRACK_SEED_LOG=.build/browser-tests/mon.out REACTORTRACK_ECHO_LOG=.build/browser-tests/echo-service.out \
	  $(PYTHON) Tests/Browser/test_report.py .build/debug/reactortrack .build/browser-tests

# `export` to a loopback OTLP/HTTP receiver and to OTLP JSON, and the live spans of examples/live-spans (through
# swift-distributed-tracing), decoded with the official schema and checked against the logs themselves.
test-otlp:
	$(SWIFT) build --product reactortrack
	$(SWIFT) build --product live-spans-example
	$(PYTHON) Tests/OTLP/test_otlp.py .build/debug/reactortrack --live .build/debug/live-spans-example \
	  Tests/Fixtures/mon.out Tests/Fixtures/echo-service.out Tests/Fixtures/twisted-eliot.log \
	  Tests/Fixtures/generated.log Tests/Fixtures/waiting.out Tests/Fixtures/concurrent-clients.log \
	  Tests/Fixtures/dropped.out Tests/Fixtures/reactor-track.log Tests/Fixtures/reactor-track-chained.log

# Every command line README.md and docs/ show, run against the examples' logs (and a loopback OTLP receiver);
# every option they name checked against the command's --help, every `make` target they name against this file.
test-docs:
	$(SWIFT) build --product reactortrack
	$(SWIFT) build --product seed-example
	$(SWIFT) build --product echo-service-example
	$(SWIFT) build --product pipeline-example
	$(SWIFT) build --product stuck-service-example
	$(PYTHON) Tests/Docs/test_documented_commands.py .build/debug/reactortrack --examples .build/debug

# `top` on a real terminal (a pseudo-terminal of 80x24, Python's pty): the list, the detail, filter, sort, rewind,
# a growing and a rotated log, pause, the terminal restored after q, SIGTERM and --fail-on; then following
# examples/stuck-service while it streams.
test-top:
	$(SWIFT) build --product reactortrack
	$(SWIFT) build --product stuck-service-example
	$(PYTHON) Tests/Top/test_top_screen.py .build/debug/reactortrack .build/debug/stuck-service-example

# Every command (the four renders, tree, summary, summary --json, both exports, top --once) on every log shape of issue #22
# (scripts/make_shapes.py: lines and fan-outs of each link kind, huge chains and tasks, many open actions and
# Deferreds, deep nesting, the original format's long lines), with the release command, at a size that keeps the
# stage short: any signal, a run over 60 s or one over 256 MB fails. `SHAPES_SIZE=100000` for the issue's sizes.
# Then linear time where it was quadratic (the report and the Chrome trace of a fan-out's hub walked all its runs
# for each link; a long task with lines out of order scanned every message of it for each line, to find
# duplicates): instructions at 2,000 at most 2.3 times those at 1,000.
SHAPES_SIZE ?= 2000
test-shapes: cli
	python3 Tests/Shapes/run_shapes.py --cli $(CLI) --size $(SHAPES_SIZE) --timeout 60 --rss 256
	python3 Tests/Shapes/run_shapes.py --cli $(CLI) --linear 1000 --shapes fanout-chained fanout-waited --commands html chrome
	python3 Tests/Shapes/run_shapes.py --cli $(CLI) --linear 1000 --shapes huge-chain-unordered --commands summary tree

# The whole suite again under the thread sanitizer, in its own build folder.
test-tsan:
	REACTORTRACK_PYTHON=$(PYTHON) REACTORTRACK_TSAN=1 $(SWIFT) test --sanitize=thread --scratch-path $(TSAN_SCRATCH)

fuzz-build: swift-deps system-deps
	REACTORTRACK_FUZZ=1 $(SWIFT) build --product reactortrack-fuzz --scratch-path $(FUZZ_SCRATCH) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

# `make fuzz FUZZ_SECONDS=3600`: libFuzzer drives bytes through reading, grouping, the chain model, summaries,
# the terminal tree, the layout and the SVG writer. The corpus grows in .fuzz-corpus/; a crash is written here as
# crash-*: add it under Fuzz/Corpus/ as a regression input once fixed.
fuzz: fuzz-build
	mkdir -p .fuzz-corpus
	$(FUZZ) .fuzz-corpus Fuzz/Corpus -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=20 -rss_limit_mb=3000

# In `make test`: every corpus input once, then a 30-second burst from the corpus.
test-fuzz: fuzz-build
	$(FUZZ) -timeout=20 Fuzz/Corpus/*
	rm -rf $(FUZZ_SCRATCH)/burst && mkdir -p $(FUZZ_SCRATCH)/burst
	$(FUZZ) $(FUZZ_SCRATCH)/burst Fuzz/Corpus -max_total_time=30 -max_len=16384 -timeout=20 -rss_limit_mb=3000

# The regression gate: instruction counts (valgrind's callgrind), which noise on a shared machine cannot move, of
# a tracked and an untracked chain, summary and tree of a 10 MB log, the overview render, the streamed Chrome
# export and the streamed HTML report, against
# bench/perf-baseline.json; more than 3% off fails. A self-test shows a 5% slowdown failing. `make perf-baseline`
# rewrites the baseline: say why in the commit that changes it. The two programs it runs are built beside the
# command, with its flags, so they share its release build of the library instead of making another.
perf-build: cli
	@command -v valgrind >/dev/null || [ -n "$(NO_INSTALL)" ] || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
	$(SWIFT) build -c release --product MonitorBenchmarks --static-swift-stdlib --scratch-path $(CLI_SCRATCH)
	$(SWIFT) build -c release --product LogGenerator --static-swift-stdlib --scratch-path $(CLI_SCRATCH)

perf-check: perf-build
	python3 scripts/perf_check.py --cli $(CLI) --bench-dir $(CLI_SCRATCH)/release
	python3 scripts/perf_check.py --cli $(CLI) --bench-dir $(CLI_SCRATCH)/release --self-test

perf-baseline: perf-build
	python3 scripts/perf_check.py --cli $(CLI) --bench-dir $(CLI_SCRATCH)/release --update

# Our benchmarks beside Twisted, SwiftNIO, Eliot and eliot-tree, alternating, as one table plus
# bench/results.json (see bench/README.md). GNU time gives the file commands' peak memory; simdjson
# (libsimdjson-dev), DuckDB (PyPI duckdb) and jq are the parse floors the file rows are measured against.
bench: cli browser-deps python-deps
	@command -v /usr/bin/time >/dev/null || [ -n "$(NO_INSTALL)" ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
	@{ [ -f /usr/include/simdjson.h ] && command -v jq >/dev/null; } || [ -n "$(NO_INSTALL)" ] || { apt-get update -qq && apt-get install -y -qq libsimdjson-dev jq >/dev/null; }
	@$(PYTHON) -c 'import duckdb' 2>/dev/null || [ -n "$(NO_INSTALL)" ] || $(VENV)/bin/pip install -q --disable-pip-version-check duckdb
	$(SWIFT) build -c release --product DeferBenchmarks
	$(SWIFT) build -c release --product EventLogBenchmarks
	$(SWIFT) build -c release --product MonitorBenchmarks
	python3 bench/run.py --cli $(CLI)

# The swift-otel example (examples/otel-service), in its own build folder: swift-otel's first build takes several
# minutes, so neither `make test` nor the library builds it. Run it against any OTLP/HTTP collector on :4318.
otel-example: swift-deps
	REACTORTRACK_OTEL=1 $(SWIFT) build --product otel-service-example --scratch-path .build-otel

# Which of swift-otel's OTLP/HTTP encodings reaches a collector intact (protobuf must; JSON is reported).
otel-check: otel-example python-deps
	$(PYTHON) Tests/OTLP/check_otel_example.py .build-otel/debug/otel-service-example

clean:
	rm -rf .build .build-otel $(TSAN_SCRATCH) $(CLI_SCRATCH) $(FUZZ_SCRATCH) .fuzz-corpus $(VENV)
