// CHECK_NO_LEAKS(before): fails the test with each leaked resource named.
#pragma once

#include <catch2/catch.hpp>

#include "tests/support/host_state.hpp"

#define CHECK_NO_LEAKS(before)                                                        \
    do {                                                                              \
        const auto strata_leaks_ = ::strata::tests::leaks_between(                    \
            (before), ::strata::tests::HostState::capture());                         \
        for (const auto& strata_leak_ : strata_leaks_) UNSCOPED_INFO(strata_leak_);   \
        CHECK(strata_leaks_.empty());                                                 \
    } while (false)
