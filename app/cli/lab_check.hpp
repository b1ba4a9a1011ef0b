// `strata lab check`: the headless, autograder-friendly exercise checker.
#pragma once

#include <string>
#include <vector>

namespace strata::cli {

struct LabCheckRequest {
    std::vector<std::string> lessons;       // empty: the lessons the answers file names
    std::string answers_file;
    std::vector<std::string> answer_flags;  // "[LESSON:]EXERCISE=VALUE"
    std::vector<std::string> only;          // exercise ids to check (empty: all)
    std::string student;                    // for ${student}; else the file's, the progress's, the login's
    bool json = false;
    bool force_replay = false;  // predictions against the shipped recording; nothing runs live
    bool live_only = false;     // never use a recording
    bool save_progress = false; // record the runs and attempts in the learner's progress
};

int run_lab_check(const LabCheckRequest& request);

}  // namespace strata::cli
