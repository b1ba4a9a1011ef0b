# Thin wrapper around CMake: every target first makes sure the Debian
# packages are there, then configures and builds into build/.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build run test package clean

all: build

deps:
	@scripts/install-deps.sh $(DEPS_FLAGS)

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run.sh $(BUILD_DIR)

test: DEPS_FLAGS = --test
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The Debian package for lab machines (docs/INSTRUCTOR.md):
# $(BUILD_DIR)/strata_<version>_<arch>.deb
package: DEPS_FLAGS = --package
package: build
	@cd $(BUILD_DIR) && cpack -G DEB

clean:
	rm -rf $(BUILD_DIR)
