# Thin wrapper around CMake: every target first makes sure the Debian
# packages are there, then configures and builds into build/.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-sanitize package web clean

all: build

deps:
	@scripts/install-deps.sh $(DEPS_FLAGS)

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only what running needs (the strata_runtime target), not the tests.
run: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target strata_runtime
	@scripts/run.sh $(BUILD_DIR)

test: DEPS_FLAGS = --test
test: build
	@scripts/build-web.sh $(BUILD_DIR)
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The same suites built with AddressSanitizer and UBSan, in a build
# directory of their own (the KVM suite through the QEMU fallback where
# there is no /dev/kvm, as in `make test`). Any report fails its test:
# UBSan halts on the first, LeakSanitizer's reports are real leaks except
# the libraries' own listed in tests/sanitize/lsan.supp. Not run again:
# the fuzz smoke (the fuzzers are sanitizer builds already), the package
# test (a .deb of a sanitizer build is nothing anyone installs) and the
# browser edition's (Emscripten builds that page, not this build).
# Warnings are not errors here: the instrumentation makes GCC 12's flow analysis
# misfire (-Wmaybe-uninitialized inside std::regex), and `make test`
# holds the same code to -Werror without it.
SANITIZE_BUILD_DIR ?= build-sanitize
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp:print_suppressions=0
test-sanitize: DEPS_FLAGS = --test
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD_DIR) -G Ninja -DSTRATA_SANITIZE=ON -DSTRATA_WERROR=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_BUILD_DIR) -j $(JOBS)
	@cd $(SANITIZE_BUILD_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS) \
		-E '^(fuzz_smoke|package_installs_and_runs|web: .*)$$'

# The browser edition (docs/WEB.md): $(BUILD_DIR)/web, static files that
# replay every lesson in any browser. Needs the native strata (for the
# course outline) and Debian's Emscripten.
web: DEPS_FLAGS = --web
web: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target strata
	@scripts/build-web.sh $(BUILD_DIR)

# The Debian package for lab machines (docs/INSTRUCTOR.md):
# $(BUILD_DIR)/strata_<version>_<arch>.deb
package: DEPS_FLAGS = --package
package: build
	@cd $(BUILD_DIR) && cpack -G DEB

clean:
	rm -rf $(BUILD_DIR)
