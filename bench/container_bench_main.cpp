// strata-bench-container [RUNS] [--json]: the container start benchmark on
// its own (the CLI's `strata bench container` calls the same function).
#include <cstdlib>
#include <cstring>

#include "bench/container_bench.hpp"

int main(int argc, char** argv) {
    int runs = 50;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0) json = true;
        else runs = std::atoi(argv[i]);
    }
    return strata::bench::run_container_bench(runs > 0 ? runs : 50, json);
}
