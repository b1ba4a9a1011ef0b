// Runs a container lesson for a test, as root in this process or as an
// unprivileged user in a forked child (setresuid to nobody), and brings
// back what the test asserts on: the outcome, the recorded call sequence,
// each step's layer check, the facts, and any leaked host resource.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace strata::tests {

struct LessonRun {
    bool ok = false;
    std::string error;                        // Error::describe() + hint of the failing step
    std::vector<std::string> events;          // names, in order
    std::vector<std::string> failed_events;   // names of events with an errno
    std::vector<std::string> layer_problems;  // "step 2: missing mounts"
    std::map<std::string, std::string> values;
    std::map<std::string, std::vector<std::vector<std::string>>> tables;
    std::vector<std::string> leaks;           // seen by the process that ran the lesson
    std::string console;
    int steps = 0;
    int uid = -1;                             // who ran it

    bool has_event(const std::string& prefix) const;
    // Index of the first event starting with prefix at or after `from`, or -1.
    int index_of(const std::string& prefix, int from = 0) const;
    std::string value(const std::string& key) const;
};

enum class RunAs { root, nobody };

// Runs every step of lesson `id`. RunAs::nobody forks, drops to uid/gid
// 65534 and runs there, reporting through a pipe.
LessonRun run_lesson(const std::string& id, RunAs who);

// The run succeeded, touched exactly the layers its steps declare, and
// left nothing behind (Catch2 assertions, each problem named).
void check_clean(const LessonRun& run);

}  // namespace strata::tests
