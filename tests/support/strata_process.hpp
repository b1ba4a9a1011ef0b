// StrataProcess: the strata program run as a learner runs it in a terminal,
// with the test playing the terminal: it reads what strata prints, types
// at its prompts and sends the signals a terminal or `kill` would.
//
// strata gets a process group of its own (a terminal's foreground job), so
// a Ctrl-C can be sent as the terminal sends it, to the whole group: strata
// and the agents it cloned. Its output (stdout and stderr) and input are
// pipes; XDG_STATE_HOME is a scratch directory, so no learner's progress
// file is touched. Destroying it kills the group and reaps strata.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "backends/linux/temp_dir.hpp"
#include "tests/support/host_state.hpp"

namespace strata::tests {

class StrataProcess {
public:
    // REQUIREs that it started.
    StrataProcess(const std::string& program, const std::vector<std::string>& args,
                  const std::filesystem::path& state_home);
    ~StrataProcess();
    StrataProcess(const StrataProcess&) = delete;
    StrataProcess& operator=(const StrataProcess&) = delete;

    pid_t pid() const { return pid_; }
    // Reads until `text` has been printed `count` times in all; false when
    // the output ends or the time is up first.
    bool wait_for(const std::string& text, int count, std::chrono::milliseconds timeout);
    // Types a line at strata's prompt.
    void type(const std::string& line);
    // Presses Enter at each of the first n - 1 times `prompt` is printed
    // and waits for the n-th; false when it does not come in time.
    bool reach_prompt(const std::string& prompt, int n, std::chrono::milliseconds timeout);
    // The terminal's Ctrl-C (to the process group) or kill(1) (to strata).
    void signal(int signo, bool whole_group);
    // Stops reading strata's output, as a pager that was quit does
    // (`strata run … | less`): strata's next write meets a closed pipe.
    void close_output();
    // Reads the rest of the output and reaps strata: its wait status, or
    // nothing when it did not exit in time (it is then killed).
    std::optional<int> wait(std::chrono::milliseconds timeout);
    const std::string& output() const { return output_; }

private:
    bool read_some(std::chrono::milliseconds timeout);  // false at the end of the output or on timeout

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    bool ended_ = false;
    std::string output_;
};

// Waits for strata to exit (REQUIRE) and CHECKs that it exited, not killed
// by a signal, with `status`; on failure the test shows strata's output.
void check_exit_status(StrataProcess& strata, int status, std::chrono::milliseconds timeout);

// strata's program next to the running test binary (build/bin/strata).
std::string strata_next_to_tests();

// Makes this process the child subreaper for its lifetime: a descendant
// strata left behind becomes our child when strata exits, so the leak
// check, which lists our children, sees it. Then reaps what it adopted.
class Subreaper {
public:
    Subreaper();
    ~Subreaper();
    Subreaper(const Subreaper&) = delete;
    Subreaper& operator=(const Subreaper&) = delete;
};

// What a test of strata as a program sets up first, in this order: a
// scratch state home for strata's progress, this process as subreaper,
// and the host's state to compare with at the end (CHECK_NO_LEAKS).
struct StrataScene {
    StrataScene();  // REQUIREs
    linux::TempDir state_home;
    Subreaper subreaper;
    HostState before;
    // strata (the program next to the tests) with `args` and this state home.
    std::unique_ptr<StrataProcess> start(const std::vector<std::string>& args) const;
};

}  // namespace strata::tests
