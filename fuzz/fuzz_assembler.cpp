// Fuzzes the assembler (engine/assembler.hpp): learners type guest code in
// the window's editor and in challenge answers, so any text must give
// either bytes or an error naming the line — never a crash, a hang or a
// partial result. The first byte picks the CPU mode. Beyond "no crash":
// the lines' sizes add up to the bytes, each line starts where the one
// before ended, and nothing exceeds the size limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/assembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    using strata::engine::CpuMode;
    constexpr CpuMode modes[] = {CpuMode::real16, CpuMode::protected32, CpuMode::long64};
    const CpuMode mode = modes[data[0] % 3];
    const std::uint64_t address = mode == CpuMode::real16 ? 0x1000 : 0x100000;
    const std::string_view source(reinterpret_cast<const char*>(data) + 1, size - 1);

    auto assembly = strata::engine::assemble(source, address, mode);
    if (!assembly) {
        if (assembly.error().message.empty()) std::abort();
        return 0;
    }
    if (assembly->bytes.size() > strata::engine::kMaxAssembledBytes) std::abort();
    std::uint64_t next = address;
    std::size_t total = 0;
    for (const auto& line : assembly->lines) {
        if (line.size > 0 && line.address != next) std::abort();
        next = line.address + line.size;
        total += line.size;
    }
    if (total != assembly->bytes.size()) std::abort();
    return 0;
}
