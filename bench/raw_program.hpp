// The raw floors (bench/raw_*.c) are separate programs that print one JSON
// object per line; both benchmarks run them and read their lines the same way.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

namespace strata::bench {

// Runs `program RUNS` and returns what it printed; a non-zero exit is an error.
engine::Result<std::string> run_raw_program(const std::string& program, int runs);

struct JsonLine {
    int number;  // 1-based, for error messages
    nlohmann::json value;
};
// Every non-empty line of `text` as a JSON object; `source` names the
// output in the error for a line that is not one.
engine::Result<std::vector<JsonLine>> json_object_lines(const std::string& text, const std::string& source);

}  // namespace strata::bench
