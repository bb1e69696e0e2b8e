# udplab: the two commands a new machine needs are `make run` and `make test`.
# Everything else they need (Debian packages) is installed by `make deps`.

SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?=
PREFIX      ?= /usr/local
DESTDIR     ?=

# Debian packages the build and the tests need (systemd-container: the system tests boot systemd
# in systemd-nspawn; python3: their raw varlink calls; python3-venv: the .venv of `make venv`;
# sockperf: its client against --reply sockperf; strace: a test compares the counters with it;
# openssh-server: the udplabctl -H tests run their own sshd on 127.0.0.1, never the system's;
# prometheus: the server and promtool that scrape and check udplabd's /metrics, run by the tests
# themselves on a free port, not as a service; socat: the README's relay consumers and producer,
# which a test runs as the README shows them).
APT_PACKAGES := libsystemd-dev liburing-dev pkg-config systemd systemd-container python3 python3-venv sockperf ethtool \
    strace openssh-server prometheus socat
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release run test lint format docs clean bench-control internals starvation bench venv bench-venv

all: build

## deps: install the Debian packages udplab builds against (only those missing). openssh-server is
## there for its sshd binary (the -H tests run their own): where deps installs it, the ssh service
## Debian enables with it is disabled and stopped again, so no sshd listens on the host's port 22.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	    case " $$missing " in *" openssh-server "*) \
	        if [ -d /run/systemd/system ]; then $(SUDO) systemctl disable --now ssh.service ssh.socket 2>/dev/null || true; \
	        else $(SUDO) update-rc.d ssh disable 2>/dev/null || true; fi ;; \
	    esac; \
	fi

# A target may import only the targets it names in Package.swift (SwiftPM otherwise lets a
# Swift module already built for another target be imported): docs/architecture.md, Layers.
IMPORT_CHECK := --explicit-target-dependency-import-check error

## build: compile everything (debug).
build: deps
	$(SWIFT) build -c $(CONFIG) $(IMPORT_CHECK) $(BUILD_FLAGS)

## release: compile optimised binaries.
release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

## run: the daemon in the foreground on packaging/udplabd.toml (one echo engine, reactor-edge,
## 127.0.0.1:2000), with a development control socket and state directory under ./run (never the
## system's /run/udplabd.sock and /var/lib/udplabd, also as root); Ctrl-C stops it. Drive it from
## another terminal with UDPLAB_SOCKET=$PWD/run/udplabd.sock .build/debug/udplabctl (it prints how).
RUN_DIR ?= $(CURDIR)/run
run: build
	@mkdir -p $(RUN_DIR)/state
	@echo "==> make run: a development daemon: control socket $(RUN_DIR)/udplabd.sock, state $(RUN_DIR)/state"
	@echo "==>   (not the system's /run/udplabd.sock or /var/lib/udplabd). In another terminal:"
	@echo "==>   export UDPLAB_SOCKET=$(RUN_DIR)/udplabd.sock; $(CURDIR)/.build/$(CONFIG)/udplabctl status"
	$(SWIFT) run -c $(CONFIG) udplabd --config packaging/udplabd.toml --socket $(RUN_DIR)/udplabd.sock \
	    --state-dir $(RUN_DIR)/state --log-target console

## venv: a Python virtual environment in .venv (git-ignored) with the PyPI varlink client, which
## a test uses to drive udplabd as a third-party varlink client would.
VARLINK_PY := varlink==31.0.0
venv: .venv/.installed

.venv/.installed: | deps
	python3 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check $(VARLINK_PY)
	touch $@

## bench-venv: a Python virtual environment in .venv-bench (git-ignored) with matplotlib from PyPI,
## which bench/plot.py draws make bench's plots (docs/benchmarks/*.svg) with.
MATPLOTLIB_PY := matplotlib==3.11.2
bench-venv: .venv-bench/.installed-$(MATPLOTLIB_PY)

.venv-bench/.installed-$(MATPLOTLIB_PY): | deps
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check $(MATPLOTLIB_PY)
	touch $@

## test: install what is needed, build, check formatting, run every test: unit and integration
## tests (swift test), static checks of the systemd units, and the system tests under a real
## systemd in systemd-nspawn (these need root; without it they say so and skip).
test: deps lint venv
	$(SWIFT) build --build-tests $(IMPORT_CHECK) $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)
	packaging/check-units.sh
	Tests/System/run.sh

## lint: check formatting and style rules (swift format, bundled with the toolchain).
lint:
	$(SWIFT) format lint --strict -r Sources Tests Benchmarks Package.swift

## docs: rewrite the generated parts of the docs from the option and backend tables
## (Sources/Protocol/Model/EngineOption+Table.swift, Backend.swift): the README's and
## docs/protocol.md's option tables, the man pages' option lists and packaging/io.udplab.varlink.
## A test fails while any of them is stale or edited by hand.
docs:
	$(SWIFT) run udplab-docs

## format: rewrite sources in the project's style.
format:
	$(SWIFT) format format -i -r Sources Tests Benchmarks Package.swift

## internals: per-datagram wakeups, syscalls, task and future polls of every backend and
## strategy, measured on live engines → the table in docs/internals.md.
internals: release
	bench/internals.sh

## starvation: the starvation experiment (issue 15): one relay loop, one of its two sockets
## flooded, a light flow on the other, for --budget 0, 1, 8, 32, 128 on epoll-level, epoll-edge,
## reactor-edge and mmsg, in interleaved rounds → the starvation tables in docs/internals.md
## (about 6 min; builds only udplab-starvation, in release). STARVATION_FLAGS=--quick: a short
## check (it writes its tables too: run the full one before committing them).
starvation: deps
	bench/starvation.sh $(STARVATION_FLAGS)

## bench-control: Start/Stop round-trip latency through the control socket → docs/control-latency.md.
bench-control: release
	bench/control-latency.sh

## bench: every udplab echo backend against a C reference echo, sockperf's server and SwiftNIO's
## NIOUDPEchoServer: interleaved trials, pinned, saturation, ping-pong RTT, CPU and allocations per
## echo, a sockperf cross-check; in the same trials the fast path (bench/fastpath.sh: GSO trains,
## a veth path between namespaces, --threads 2 --steer cpu) → docs/BENCHMARKS.md (a benchmark
## program, not a test; about 30 min), and its plots → docs/benchmarks/*.svg (bench/plot.py,
## matplotlib in .venv-bench).
## Installs sockperf and perf (for the profiles) when missing. BENCH_FLAGS=--quick: one short
## trial, for development.
bench: release bench-venv
	@missing=""; \
	dpkg-query -W -f='$${Status}' sockperf 2>/dev/null | grep -q "ok installed" || missing="$$missing sockperf"; \
	command -v perf > /dev/null || missing="$$missing linux-perf"; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	bench/run-bench.sh $(BENCH_FLAGS)

# ---- Packaging (packaging/): install, uninstall, deb, check-units --------------------------------
# Installed binaries link the Swift runtime statically (--static-swift-stdlib): they need libc,
# libstdc++ and libsystemd, not the toolchain. They are built in their own scratch directory so
# that `make release` and `make install` do not rebuild each other's objects, with STATIC_FLAGS,
# which make them smaller (measured in docs/architecture.md, Binary sizes; -Osize is not among
# them, it cost some backends' echo rate for 0.7 MB):
#   -use-ld=lld            the toolchain's lld instead of gold, for the next two:
#   -z pack-relative-relocs  RELR: 1.4 MB of relative relocations in 11 KB (needs glibc 2.36,
#                          Debian 12's; the binaries require GLIBC_ABI_DT_RELR, so an older
#                          loader refuses them instead of crashing);
#   --icf=all              one copy of identical functions;
#   --no-export-dynamic    undo the toolchain's -export-dynamic (static-stdlib-args.lnk): it put
#                          every Swift symbol of the packages into .dynsym, which nothing looks up;
#   -disable-autolink-library  TOMLKit's `import Foundation` names Foundation, CoreFoundation and
#                          ICU for the linker. Nothing uses them, and gold never pulls them in,
#                          but lld would resolve FoundationEssentials' duplicated specializations
#                          from libFoundation.a and drag in 50 MB. Unnamed, a Foundation use that
#                          slips in fails this link instead of adding 40 MB.
STATIC_FLAGS   ?= -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
    -Xlinker --icf=all -Xlinker --no-export-dynamic \
    $(foreach library,Foundation CoreFoundation _FoundationICU FoundationInternationalization, \
        -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc $(library))
BINDIR         ?= $(PREFIX)/bin
LIBEXECDIR     ?= $(PREFIX)/libexec
SYSCONFDIR     ?= /etc
DATADIR        ?= $(PREFIX)/share
MANDIR         ?= $(DATADIR)/man
DOCDIR         ?= $(DATADIR)/doc/udplabd
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR    ?= $(PREFIX)/lib/tmpfiles.d
CATALOGDIR     ?= $(PREFIX)/lib/systemd/catalog
VARLINKDIR     ?= $(DATADIR)/varlink
BASHCOMPDIR    ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR     ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR    ?= $(DATADIR)/fish/vendor_completions.d
STATIC_SCRATCH ?= .build/static
STATIC_BIN      = $(STATIC_SCRATCH)/release
# Installed programs are stripped; their symbols and DWARF go to DEBUGDIR/.build-id/, where the
# Swift backtracer, gdb and perf find them by build id (packaging/split-debug.sh; make deb packs
# them as udplabd-dbgsym). Not under PREFIX: debuggers look in /usr/lib/debug.
DEBUGDIR       ?= /usr/lib/debug
# The toolchain's backtracer for statically linked programs (udplabd.service points
# SWIFT_BACKTRACE at its installed copy); empty when the toolchain has none.
BACKTRACER     ?= $(shell f="$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/../libexec/swift/linux/swift-backtrace-static"; [ -x "$$f" ] && echo "$$f")
DEB_VERSION     = $(shell sed -n 's/.*static let productVersion = "\(.*\)".*/\1/p' Sources/Protocol/Control/ControlProtocol.swift)
DEB_DIR        ?= .build/deb
DEB_MAINTAINER ?= udplab maintainers <maintainers@udplab.invalid>

.PHONY: static-release install uninstall deb check-units

## static-release: udplabd and udplabctl, optimised, with the Swift runtime linked in.
static-release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(STATIC_SCRATCH) --product udplabd $(STATIC_FLAGS) $(BUILD_FLAGS)
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(STATIC_SCRATCH) --product udplabctl $(STATIC_FLAGS) $(BUILD_FLAGS)

## install: binaries, units, sysusers.d, catalog, example config, varlink IDL, man pages and
## completions under $(DESTDIR)$(PREFIX) (e.g. make install DESTDIR=/tmp/root PREFIX=/usr).
## Installs no config file: without /etc/udplabd/udplabd.toml the daemon uses its built-in default.
## The empty /etc/udplabd is there so that it belongs to root: systemd 252 would create it for
## ConfigurationDirectory= owned by the service's transient uid.
install: static-release
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/udplabd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(CATALOGDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(VARLINKDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(STATIC_BIN)/udplabd $(STATIC_BIN)/udplabctl $(DESTDIR)$(BINDIR)/
	packaging/split-debug.sh $(DESTDIR)$(DEBUGDIR) $(DESTDIR)$(BINDIR)/udplabd $(DESTDIR)$(BINDIR)/udplabctl
	@if [ -n "$(BACKTRACER)" ]; then \
	    echo "install -m 0755 $(BACKTRACER) $(DESTDIR)$(LIBEXECDIR)/udplabd/swift-backtrace"; \
	    install -d $(DESTDIR)$(LIBEXECDIR)/udplabd && \
	    install -m 0755 $(BACKTRACER) $(DESTDIR)$(LIBEXECDIR)/udplabd/swift-backtrace && \
	    strip --strip-all $(DESTDIR)$(LIBEXECDIR)/udplabd/swift-backtrace; \
	else \
	    echo "warning: no swift-backtrace-static in the toolchain: crashes will log no backtrace"; \
	fi
	for unit in udplabd.service udplabd.socket; do \
	    sed -e 's|/usr/bin/udplab|$(BINDIR)/udplab|g' -e 's|/usr/libexec/udplabd/|$(LIBEXECDIR)/udplabd/|g' \
	        packaging/$$unit > $(DESTDIR)$(SYSTEMDUNITDIR)/$$unit && chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$unit; \
	done
	install -m 0644 packaging/udplabd.sysusers $(DESTDIR)$(SYSUSERSDIR)/udplabd.conf
	install -m 0644 packaging/udplabd.tmpfiles $(DESTDIR)$(TMPFILESDIR)/udplabd.conf
	install -m 0644 packaging/udplabd.catalog $(DESTDIR)$(CATALOGDIR)/udplabd.catalog
	install -m 0644 packaging/udplabd.toml $(DESTDIR)$(DOCDIR)/udplabd.toml.example
	install -m 0644 packaging/io.udplab.varlink $(DESTDIR)$(VARLINKDIR)/io.udplab.varlink
	gzip -9n < packaging/man/udplabd.8 > $(DESTDIR)$(MANDIR)/man8/udplabd.8.gz
	gzip -9n < packaging/man/udplabctl.1 > $(DESTDIR)$(MANDIR)/man1/udplabctl.1.gz
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/udplabd.8.gz $(DESTDIR)$(MANDIR)/man1/udplabctl.1.gz
	for program in udplabd udplabctl; do \
	    $(STATIC_BIN)/$$program --generate-completion-script bash | sed '1{/^#!/d}' > $(DESTDIR)$(BASHCOMPDIR)/$$program && \
	    $(STATIC_BIN)/$$program --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_$$program && \
	    $(STATIC_BIN)/$$program --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/$$program.fish && \
	    chmod 0644 $(DESTDIR)$(BASHCOMPDIR)/$$program $(DESTDIR)$(ZSHCOMPDIR)/_$$program \
	        $(DESTDIR)$(FISHCOMPDIR)/$$program.fish || exit 1; \
	done

## uninstall: remove what install put there (/var/lib/udplabd and a config file stay).
uninstall:
	for program in $(DESTDIR)$(BINDIR)/udplabd $(DESTDIR)$(BINDIR)/udplabctl; do \
	    id=$$(readelf --notes $$program 2> /dev/null | sed -n 's/^ *Build ID: *//p'); \
	    [ -z "$$id" ] && continue; \
	    dir=$(DESTDIR)$(DEBUGDIR)/.build-id/$$(echo $$id | cut -c1-2); \
	    rm -f $$dir/$$(echo $$id | cut -c3-).debug; rmdir $$dir 2> /dev/null || true; \
	done
	rm -f $(DESTDIR)$(BINDIR)/udplabd $(DESTDIR)$(BINDIR)/udplabctl \
	    $(DESTDIR)$(LIBEXECDIR)/udplabd/swift-backtrace \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/udplabd.service $(DESTDIR)$(SYSTEMDUNITDIR)/udplabd.socket \
	    $(DESTDIR)$(SYSUSERSDIR)/udplabd.conf $(DESTDIR)$(CATALOGDIR)/udplabd.catalog \
	    $(DESTDIR)$(DOCDIR)/udplabd.toml.example $(DESTDIR)$(VARLINKDIR)/io.udplab.varlink \
	    $(DESTDIR)$(MANDIR)/man8/udplabd.8.gz $(DESTDIR)$(MANDIR)/man1/udplabctl.1.gz
	for program in udplabd udplabctl; do \
	    rm -f $(DESTDIR)$(BASHCOMPDIR)/$$program $(DESTDIR)$(ZSHCOMPDIR)/_$$program \
	        $(DESTDIR)$(FISHCOMPDIR)/$$program.fish; \
	done
	-rmdir $(DESTDIR)$(LIBEXECDIR)/udplabd $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/udplabd 2>/dev/null

## deb: the udplabd Debian package (dpkg-deb; postinst creates group udplab, updates the journal
## catalog and reloads systemd, never starts the service) → $(DEB_DIR)/udplabd_VERSION_ARCH.deb,
## and beside it udplabd-dbgsym_VERSION_ARCH.deb with the debug files from $(DEBUGDIR).
deb:
	rm -rf $(DEB_DIR)/root
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_DIR))/root PREFIX=/usr
	packaging/deb/build-deb.sh $(DEB_DIR)/root $(DEB_VERSION) \
	    $(DEB_DIR)/udplabd_$(DEB_VERSION)_$(shell dpkg --print-architecture).deb "$(DEB_MAINTAINER)"

## check-units: systemd-analyze verify (any output fails) and security (exposure ≤ 2.0) on the units.
check-units:
	packaging/check-units.sh

clean:
	rm -rf .build .venv .venv-bench
