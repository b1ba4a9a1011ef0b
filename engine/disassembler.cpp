#include "engine/disassembler.hpp"

#include <Zydis/Zydis.h>

namespace strata::engine {

namespace {

struct ModeInfo {
    ZydisMachineMode machine;
    ZydisStackWidth stack;
    std::uint64_t ip_mask;  // IP wraps at 16 bits in real mode
};

ModeInfo mode_info(CpuMode mode) {
    switch (mode) {
        case CpuMode::real16: return {ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16, 0xffff};
        case CpuMode::protected32: return {ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32, 0xffffffff};
        case CpuMode::long64: return {ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64, ~std::uint64_t{0}};
    }
    return {ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64, ~std::uint64_t{0}};
}

bool flag(std::uint64_t rflags, int bit) { return (rflags >> bit) & 1; }

}  // namespace

std::optional<Instruction> disassemble_one(std::span<const std::uint8_t> bytes, std::uint64_t address, CpuMode mode) {
    const auto info = mode_info(mode);
    ZydisDecoder decoder;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&decoder, info.machine, info.stack))) return std::nullopt;
    ZydisDecodedInstruction decoded;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, bytes.data(), bytes.size(), &decoded, operands)))
        return std::nullopt;

    ZydisFormatter formatter;
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_ATT);
    char text[256];
    if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&formatter, &decoded, operands, decoded.operand_count_visible,
                                                      text, sizeof text, address, ZYAN_NULL)))
        return std::nullopt;

    Instruction out;
    out.address = address;
    out.length = decoded.length;
    out.bytes.assign(bytes.begin(), bytes.begin() + decoded.length);
    out.mnemonic = ZydisMnemonicGetString(decoded.mnemonic);
    out.text = text;
    const auto category = decoded.meta.category;
    const bool branch = category == ZYDIS_CATEGORY_COND_BR || category == ZYDIS_CATEGORY_UNCOND_BR ||
                        category == ZYDIS_CATEGORY_CALL;
    if (branch && (decoded.attributes & ZYDIS_ATTRIB_IS_RELATIVE)) {
        for (std::uint8_t i = 0; i < decoded.operand_count_visible; ++i) {
            if (operands[i].type != ZYDIS_OPERAND_TYPE_IMMEDIATE) continue;
            ZyanU64 target = 0;
            if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&decoded, &operands[i], address, &target)))
                out.branch_target = target & info.ip_mask;
        }
    }
    out.conditional = category == ZYDIS_CATEGORY_COND_BR;
    out.ends_flow = category == ZYDIS_CATEGORY_RET || (branch && !out.branch_target) ||
                    decoded.mnemonic == ZYDIS_MNEMONIC_HLT || decoded.mnemonic == ZYDIS_MNEMONIC_IRET ||
                    decoded.mnemonic == ZYDIS_MNEMONIC_IRETD || decoded.mnemonic == ZYDIS_MNEMONIC_IRETQ;
    return out;
}

std::vector<Instruction> disassemble(std::span<const std::uint8_t> bytes, std::uint64_t address, CpuMode mode,
                                     std::size_t max_count) {
    std::vector<Instruction> out;
    std::size_t offset = 0;
    while (offset < bytes.size() && out.size() < max_count) {
        auto one = disassemble_one(bytes.subspan(offset), address + offset, mode);
        if (!one) break;
        offset += one->length;
        out.push_back(std::move(*one));
    }
    return out;
}

std::optional<std::uint64_t> predict_next(const Instruction& i, std::uint64_t rflags, std::uint64_t rcx) {
    if (i.mnemonic == "hlt") return std::nullopt;  // waits; resumes at next_address() only on an interrupt
    if (!i.branch_target) return i.ends_flow ? std::nullopt : std::optional(i.next_address());
    if (!i.conditional) return i.branch_target;
    const bool cf = flag(rflags, 0), pf = flag(rflags, 2), zf = flag(rflags, 6), sf = flag(rflags, 7),
               of = flag(rflags, 11);
    const std::string& m = i.mnemonic;
    bool taken;
    if (m == "jo") taken = of;
    else if (m == "jno") taken = !of;
    else if (m == "jb") taken = cf;
    else if (m == "jnb") taken = !cf;
    else if (m == "jz") taken = zf;
    else if (m == "jnz") taken = !zf;
    else if (m == "jbe") taken = cf || zf;
    else if (m == "jnbe") taken = !cf && !zf;
    else if (m == "js") taken = sf;
    else if (m == "jns") taken = !sf;
    else if (m == "jp") taken = pf;
    else if (m == "jnp") taken = !pf;
    else if (m == "jl") taken = sf != of;
    else if (m == "jnl") taken = sf == of;
    else if (m == "jle") taken = zf || sf != of;
    else if (m == "jnle") taken = !zf && sf == of;
    // loop decrements CX first (the operand size decides how much of RCX:
    // the 16-bit forms are what real-mode code uses).
    else if (m == "loop") taken = ((rcx - 1) & 0xffff) != 0;
    else if (m == "loope") taken = ((rcx - 1) & 0xffff) != 0 && zf;
    else if (m == "loopne") taken = ((rcx - 1) & 0xffff) != 0 && !zf;
    else if (m == "jcxz") taken = (rcx & 0xffff) == 0;
    else if (m == "jecxz") taken = (rcx & 0xffffffff) == 0;
    else if (m == "jrcxz") taken = rcx == 0;
    else return std::nullopt;
    return taken ? *i.branch_target : i.next_address();
}

}  // namespace strata::engine
