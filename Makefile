# udplab: the two commands a new machine needs are `make run` and `make test`.
# Everything else they need (Debian packages) is installed by `make deps`.

SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?=
PREFIX      ?= /usr/local
DESTDIR     ?=

# Debian packages the build and the tests need.
APT_PACKAGES := libsystemd-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release run test lint format clean bench-control

all: build

## deps: install the Debian packages udplab builds against (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## build: compile everything (debug).
build: deps
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

## release: compile optimised binaries.
release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

## run: the daemon in the foreground on the embedded default config (one echo engine, reactor-edge,
## 127.0.0.1:2000); drive it with .build/debug/udplabctl from another terminal; Ctrl-C stops it.
run: build
	$(SWIFT) run -c $(CONFIG) udplabd --config packaging/udplabd.toml --log-target console

## test: install what is needed, build, check formatting, run every test.
test: deps lint
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

## lint: check formatting and style rules (swift format, bundled with the toolchain).
lint:
	$(SWIFT) format lint --strict -r Sources Tests Benchmarks Package.swift

## format: rewrite sources in the project's style.
format:
	$(SWIFT) format format -i -r Sources Tests Benchmarks Package.swift

## bench-control: Start/Stop round-trip latency through the control socket → docs/control-latency.md.
bench-control: release
	bench/control-latency.sh

clean:
	rm -rf .build
