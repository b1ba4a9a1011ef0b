// Checks every compare lesson test makes: the run succeeded, each step lit
// exactly its declared layers, and the host is as it was.
#pragma once

#include <catch2/catch.hpp>

#include "tests/compare/lesson_run.hpp"

#define CHECK_COMPARE_RUN_CLEAN(run)                                      \
    do {                                                                  \
        INFO((run).error);                                                \
        REQUIRE((run).ok);                                                \
        for (const auto& problem_ : (run).layer_problems) UNSCOPED_INFO(problem_); \
        CHECK((run).layer_problems.empty());                              \
        for (const auto& leak_ : (run).leaks) UNSCOPED_INFO(leak_);       \
        CHECK((run).leaks.empty());                                       \
    } while (false)
