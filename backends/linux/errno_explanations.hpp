// Why a call failed, and what to do about it, chosen by the scenario that
// produced the failure: the call, its errno and what it was given (a mount
// of "proc" fails with EPERM for another reason than a bind mount does).
// One table; each row names its scenario, so a test can reach every row
// and check that "why" and "what to do" say different things.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/trace_event.hpp"

namespace strata::linux {

// A failed call as backends/linux records it.
struct FailedCall {
    std::string syscall;                 // "mount", "clone3", "write uid_map", "cgroup write", ...
    int error = 0;                       // errno
    std::vector<engine::EventArg> args;  // decoded, as recorded ("type" = "proc")
};

struct Explanation {
    std::string why;         // the cause, for the trace and the error
    std::string what_to_do;  // the change that makes the call succeed
};

struct ExplanationRule {
    std::string scenario;                  // "mount-proc-foreign-pid-namespace": stable, for tests
    std::vector<std::string> syscalls;     // any of; a name ending in '*' matches by prefix
    std::vector<int> errors;                          // any of
    std::function<bool(const FailedCall&)> applies;  // empty: always, for this call and errno
    Explanation text;
};

// In order: the first rule that matches a failed call explains it.
const std::vector<ExplanationRule>& explanation_rules();

// The explanation of `call`: the first matching rule, else a generic one
// for the errno (its what_to_do may be empty when there is nothing general
// to say).
Explanation explain_failure(const FailedCall& call);

}  // namespace strata::linux
