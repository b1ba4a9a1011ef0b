// Running another program as a child and taking what it prints, for a
// lesson that shows a second process at work: vm/snapshot restores its
// snapshot in a new strata process and shows that process's output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::linux {

struct CapturedRun {
    int wait_status = 0;   // as waitpid() gave it (describe_wait_status)
    bool exited_ok = false;  // exited with status 0
    std::string out, err;  // its standard output and error, each at most the limit
    std::chrono::nanoseconds took{};
};

// fork + execv(argv[0], argv) with stdin from /dev/null and both outputs
// captured. The child dies with strata (PR_SET_PDEATHSIG) and is killed
// after `timeout`; either way it is reaped before this returns. Recorded
// as a process event (by default of the VMM through the host's scheduler), named by
// `shown` ("strata snapshot resume FILE"): the same from run to run, while
// the full command line, with its paths, goes in the event's arguments.
engine::Result<CapturedRun> run_captured(engine::Recorder& recorder, const std::vector<std::string>& argv,
                                         const std::string& shown, std::chrono::milliseconds timeout,
                                         std::size_t output_limit = 1 << 20,
                                         std::vector<engine::LayerId> layers = {engine::LayerId::vmm,
                                                                                engine::LayerId::processes});

}  // namespace strata::linux
