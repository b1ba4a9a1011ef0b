// STRATA_TRY(expr): the value of a Result, or, when it holds an Error,
// return that Error from the enclosing function.
//
//     auto vm = STRATA_TRY(kvm.create_vm());   // kvm::Vm, not Result<kvm::Vm>
//     STRATA_TRY(vcpu.set_registers(regs));    // Result<void>: nothing to keep
//
// Why a macro: a lesson is a list of calls, each of which may fail, and
// C++ has no operator for "or return the error". Spelling each out as
// `auto x = f(); if (!x) return std::unexpected(x.error());` doubled every
// step's length and buried the calls the step teaches. Like SerenityOS's
// TRY, it is a GNU statement expression (`({ ... })`), which GCC and Clang
// (Emscripten too) accept; `__extension__` keeps -Wpedantic quiet. An lvalue
// Result is copied from, a temporary moved from.
//
// Its own header rather than error.hpp: only code that reads as a list of
// calls (the lessons) uses it, and everything includes error.hpp.
#pragma once

#include <expected>
#include <utility>

#include "engine/error.hpp"

#define STRATA_TRY(...)                                                                              \
    __extension__({                                                                                  \
        auto&& strata_try_result_ = (__VA_ARGS__);                                                   \
        if (!strata_try_result_)                                                                     \
            return std::unexpected(std::forward<decltype(strata_try_result_)>(strata_try_result_).error()); \
        std::forward<decltype(strata_try_result_)>(strata_try_result_).value();                      \
    })
