// HelperProcess: one of strata's own helper programs (strata-idle-vm),
// started with a pipe on its stdin and one on its stdout, so strata can
// tell it when to go and read what it reports, line by line. Destroying it
// kills and reaps the program; the helper also asks the kernel to kill it
// if strata dies (PR_SET_PDEATHSIG), so it never outlives strata.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "backends/linux/child_process.hpp"
#include "backends/linux/traced.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

class HelperProcess {
public:
    // posix_spawn of argv, recorded as a process event touching `layers`.
    static Result<HelperProcess> spawn(Recorder& recorder, const std::vector<std::string>& argv,
                                       std::vector<LayerId> layers);

    pid_t pid() const { return process_.pid(); }
    Result<void> send(std::string_view bytes);
    // The next line the helper writes (without '\n'); an error on EOF or
    // when nothing comes within `timeout`.
    Result<std::string> read_line(std::chrono::milliseconds timeout);

private:
    HelperProcess(pid_t pid, sys::Fd in, sys::Fd out, std::string name)
        : process_(pid), in_(std::move(in)), out_(std::move(out)), name_(std::move(name)) {}
    ChildProcess process_;
    sys::Fd in_, out_;  // its stdin (we write), its stdout (we read)
    std::string name_;
    std::string pending_;
};

}  // namespace strata::linux
