// Restoring a snapshot in a second strata process, as vm/snapshot shows:
// `strata snapshot resume FILE --json` runs as a child, and its one JSON
// line says what it did (app/cli/cmd_snapshot.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::lessons::vm {

// The strata program: this process's own executable when it is strata,
// otherwise a `strata` next to it (the test programs sit beside it).
engine::Result<std::string> strata_program();

struct ResumedElsewhere {
    long pid = 0;
    double validate_ms = 0, restore_ms = 0, run_ms = 0;
    std::vector<std::string> restore_calls;  // the ioctls it made to restore, in order
    std::string console;                     // what tinyos printed in that process
    std::string stopped_at;
    bool ok = false;
};

engine::Result<ResumedElsewhere> resume_in_new_process(engine::Recorder& recorder, const std::filesystem::path& file);

}  // namespace strata::lessons::vm
