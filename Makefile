# reactortrack: `make demo`, `make test`, `make bench`. Each target installs what it needs on a fresh Debian
# machine (run as root); set NO_INSTALL=1 to skip installing.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(abspath $(VENV))/bin/python
SWIFT ?= swift
TSAN_SCRATCH := .build-tsan

.PHONY: all deps swift-deps python-deps demo test test-debug test-tsan bench clean

all: test

swift-deps:
	@command -v $(SWIFT) >/dev/null || { echo "error: Swift 6.1+ must be on PATH (https://swift.org/install)"; exit 1; }

# eliot and eliot-tree (the real Python tools) check that our logs are valid Eliot logs.
python-deps:
	@if [ ! -f $(VENV)/.ready ]; then \
	  if ! python3 -m venv $(VENV) >/dev/null 2>&1; then \
	    [ -n "$(NO_INSTALL)" ] || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }; \
	    rm -rf $(VENV); python3 -m venv $(VENV); \
	  fi; \
	  $(VENV)/bin/pip install -q --disable-pip-version-check eliot eliot-tree && touch $(VENV)/.ready; \
	fi

deps: swift-deps python-deps

# The main job: the seed example runs under the monitor and writes mon.out; the echo-service example (20
# concurrent requests on 127.0.0.1) writes echo-service.out.
demo: swift-deps
	$(SWIFT) build -c release --product seed-example
	$(SWIFT) build -c release --product echo-service-example
	.build/release/seed-example mon.out
	.build/release/echo-service-example echo-service.out
	@echo "mon.out: $$(wc -l < mon.out) lines; echo-service.out: $$(wc -l < echo-service.out) lines (Eliot format, see docs/monitor-format.md)"

test: deps test-debug test-tsan

test-debug:
	REACTORTRACK_PYTHON=$(PYTHON) $(SWIFT) test

# The whole suite again under the thread sanitizer, in its own build folder.
test-tsan:
	REACTORTRACK_PYTHON=$(PYTHON) $(SWIFT) test --sanitize=thread --scratch-path $(TSAN_SCRATCH)

bench: swift-deps
	$(SWIFT) build -c release --product DeferBenchmarks
	$(SWIFT) build -c release --product EventLogBenchmarks
	$(SWIFT) build -c release --product MonitorBenchmarks
	.build/release/DeferBenchmarks
	.build/release/MonitorBenchmarks
	.build/release/EventLogBenchmarks

clean:
	rm -rf .build $(TSAN_SCRATCH) $(VENV)
