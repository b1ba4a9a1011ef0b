// seccomp filters, compiled by strata with libseccomp into the classic BPF
// program the kernel runs on every system call of the filtered process.
// The agent only loads the bytes (it must not allocate; libseccomp does).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/linux/traced.hpp"

namespace strata::linux {

struct CompiledFilter {
    std::vector<std::uint8_t> bpf;  // struct sock_filter[], 8 bytes each
    std::string description;        // "uname -> EPERM, everything else allowed"
};

// Allows every system call except `syscall`, which fails with `errno_value`
// without reaching its implementation. Recorded as one event.
Result<CompiledFilter> compile_errno_filter(Recorder& recorder, const std::string& syscall, int errno_value);

// The BPF program of a libseccomp context (a scmp_filter_ctx) as bytes;
// 0 or a negative errno, as libseccomp reports.
int export_bpf(void* seccomp_ctx, std::vector<std::uint8_t>& bpf);

}  // namespace strata::linux
