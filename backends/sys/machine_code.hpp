// Running a routine handed over as machine-code bytes in this process: map
// a private copy, make it executable, call it with the System V calling
// convention as `uint64_t routine(uint64_t)`, unmap it. compare/guest-speed
// runs the compute_loop guest's routine this way natively and inside a
// container (by the agent, a clone of strata: so system calls only, no
// allocation), next to the very same bytes inside the VM.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>

#include <sys/mman.h>

namespace strata::sys {

struct MachineCodeRun {
    std::uint64_t result = 0;
    std::int64_t nanos = 0;  // CLOCK_MONOTONIC around the call alone
    int error = 0;           // errno of mmap or mprotect; 0 when it ran
};

inline MachineCodeRun run_machine_code(const std::uint8_t* code, std::size_t length, std::uint64_t argument) {
    MachineCodeRun run;
    const std::size_t size = (length + 4095) & ~std::size_t(4095);
    void* page = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        run.error = errno;
        return run;
    }
    std::memcpy(page, code, length);
    // Never writable and executable at once.
    if (::mprotect(page, size, PROT_READ | PROT_EXEC) != 0) {
        run.error = errno;
        ::munmap(page, size);
        return run;
    }
    auto* routine = reinterpret_cast<std::uint64_t (*)(std::uint64_t)>(page);
    timespec t0{}, t1{};
    ::clock_gettime(CLOCK_MONOTONIC, &t0);
    run.result = routine(argument);
    ::clock_gettime(CLOCK_MONOTONIC, &t1);
    run.nanos = (t1.tv_sec - t0.tv_sec) * 1'000'000'000LL + (t1.tv_nsec - t0.tv_nsec);
    ::munmap(page, size);
    return run;
}

}  // namespace strata::sys
