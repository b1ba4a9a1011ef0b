#include "engine/assembler.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include <Zydis/Zydis.h>
#include <fmt/format.h>

namespace strata::engine {

namespace {

// One statement of the source: its labels and the rest of its text.
struct Statement {
    int line = 0;
    std::vector<std::string> labels;
    std::string body;  // "mov $0x3f8, %dx", ".asciz \"hi\"", or empty
};

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_symbol_char(char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)));
}

std::unexpected<Error> line_error(int line, std::string message) {
    return plain_error("assemble", fmt::format("line {}: {}", line, message),
                       "one instruction per line, AT&T syntax as in assets/guests/*.S: `movb $'A', %al`");
}

// Splits the text into statements at newlines and ';' (outside quotes),
// dropping '#' comments, and peels off leading labels.
Result<std::vector<Statement>> split_statements(std::string_view source) {
    std::vector<Statement> out;
    int line = 1;
    std::string current;
    char quote = 0;
    auto finish = [&](int at) -> Result<void> {
        Statement st;
        st.line = at;
        std::string rest = trim(current);
        current.clear();
        for (;;) {
            std::size_t i = 0;
            while (i < rest.size() && is_symbol_char(rest[i], i == 0)) ++i;
            if (i == 0 || i >= rest.size() || rest[i] != ':') break;
            st.labels.push_back(rest.substr(0, i));
            rest = trim(std::string_view(rest).substr(i + 1));
        }
        st.body = rest;
        if (!st.labels.empty() || !st.body.empty()) out.push_back(std::move(st));
        return {};
    };
    for (std::size_t i = 0; i < source.size(); ++i) {
        const char c = source[i];
        if (quote) {
            current.push_back(c);
            if (c == '\\' && i + 1 < source.size()) current.push_back(source[++i]);
            else if (c == quote) quote = 0;
            else if (c == '\n') return line_error(line, "a quote is not closed on this line");
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            current.push_back(c);
        } else if (c == '#') {
            while (i + 1 < source.size() && source[i + 1] != '\n') ++i;
        } else if (c == ';' || c == '\n') {
            if (auto r = finish(line); !r) return std::unexpected(r.error());
            if (c == '\n') ++line;
        } else {
            current.push_back(c);
        }
    }
    if (quote) return line_error(line, "a quote is not closed on this line");
    if (auto r = finish(line); !r) return std::unexpected(r.error());
    return out;
}

// Commas separate operands, except inside parentheses or quotes.
std::vector<std::string> split_operands(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            current.push_back(c);
            if (c == '\\' && i + 1 < text.size()) current.push_back(text[++i]);
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth == 0) {
            out.push_back(trim(current));
            current.clear();
            continue;
        }
        current.push_back(c);
    }
    if (!trim(current).empty() || !out.empty()) out.push_back(trim(current));
    return out;
}

// Reads one escaped character of a quoted literal at `s[i]`, advancing i.
char unescape(std::string_view s, std::size_t& i) {
    char c = s[i++];
    if (c != '\\' || i >= s.size()) return c;
    c = s[i++];
    switch (c) {
        case 'n': return '\n';
        case 't': return '\t';
        case 'r': return '\r';
        case '0': return '\0';
        default: return c;  // \\ \' \"
    }
}

// Names -> Zydis enums, built once from Zydis's own string tables.
struct Names {
    std::map<std::string, ZydisMnemonic> mnemonics;
    std::map<std::string, ZydisRegister> registers;
};

const Names& names() {
    static const Names table = [] {
        Names n;
        for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; ++m)
            if (const char* s = ZydisMnemonicGetString(static_cast<ZydisMnemonic>(m))) n.mnemonics[s] = static_cast<ZydisMnemonic>(m);
        for (int r = 1; r <= ZYDIS_REGISTER_MAX_VALUE; ++r)
            if (const char* s = ZydisRegisterGetString(static_cast<ZydisRegister>(r))) n.registers[s] = static_cast<ZydisRegister>(r);
        return n;
    }();
    return table;
}

using Labels = std::map<std::string, std::uint64_t>;

// Label lookup for one pass: this pass's labels first (defined above the
// statement), then the previous pass's guesses (defined below it).
struct Resolver {
    const Labels& current;
    const Labels& previous;
    std::uint64_t here;     // stand-in for a label not seen yet
    bool final_pass;
    bool unresolved = false;

    Result<std::uint64_t> lookup(const std::string& name, int line) {
        if (auto it = current.find(name); it != current.end()) return it->second;
        if (auto it = previous.find(name); it != previous.end()) return it->second;
        if (final_pass) return line_error(line, fmt::format("'{}' is not a label defined anywhere", name));
        unresolved = true;
        return here;
    }
};

// number | 'c' | label, joined by + and -.
Result<std::int64_t> evaluate(std::string_view text, Resolver& labels, int line) {
    std::string s = trim(text);
    if (s.empty()) return line_error(line, "a value is missing");
    std::int64_t total = 0;
    std::size_t i = 0;
    int sign = 1;
    bool want_term = true;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        if (want_term && (c == '-' || c == '+')) {
            sign = c == '-' ? -sign : sign;
            ++i;
            continue;
        }
        if (!want_term) {
            if (c != '+' && c != '-') return line_error(line, fmt::format("cannot read '{}' as a value", s));
            sign = c == '-' ? -1 : 1;
            want_term = true;
            ++i;
            continue;
        }
        std::int64_t term = 0;
        if (c == '\'') {
            ++i;
            if (i >= s.size()) return line_error(line, "an empty character literal");
            term = static_cast<unsigned char>(unescape(s, i));
            if (i >= s.size() || s[i] != '\'') return line_error(line, "a character literal is one character: 'A'");
            ++i;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t end = i;
            while (end < s.size() && std::isalnum(static_cast<unsigned char>(s[end]))) ++end;
            const std::string digits = lower(s.substr(i, end - i));
            int base = 10;
            std::string_view body = digits;
            if (body.starts_with("0x")) base = 16, body.remove_prefix(2);
            else if (body.starts_with("0b")) base = 2, body.remove_prefix(2);
            if (body.empty()) return line_error(line, fmt::format("'{}' is not a number", digits));
            std::uint64_t value = 0;
            for (char d : body) {
                const int v = std::isdigit(static_cast<unsigned char>(d)) ? d - '0' : (d >= 'a' && d <= 'f' ? d - 'a' + 10 : 99);
                if (v >= base) return line_error(line, fmt::format("'{}' is not a number", digits));
                if (value > (~std::uint64_t{0} - v) / base) return line_error(line, fmt::format("{} is too large", digits));
                value = value * base + v;
            }
            term = static_cast<std::int64_t>(value);
            i = end;
        } else if (is_symbol_char(c, true)) {
            std::size_t end = i;
            while (end < s.size() && is_symbol_char(s[end], end == i)) ++end;
            auto address = labels.lookup(s.substr(i, end - i), line);
            if (!address) return std::unexpected(address.error());
            term = static_cast<std::int64_t>(*address);
            i = end;
        } else {
            return line_error(line, fmt::format("cannot read '{}' as a value", s));
        }
        total += sign * term;
        sign = 1;
        want_term = false;
    }
    if (want_term) return line_error(line, fmt::format("'{}' ends where a value should follow", s));
    return total;
}

Result<std::string> quoted_string(std::string_view text, int line) {
    std::string s = trim(text);
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return line_error(line, "a string goes in double quotes");
    std::string out;
    std::size_t i = 1;
    while (i + 1 < s.size()) out.push_back(unescape(s, i));
    return out;
}

// .byte / .word / .ascii / .asciz / .string
Result<std::vector<std::uint8_t>> directive(const std::string& name, const std::vector<std::string>& args,
                                            Resolver& labels, int line) {
    std::vector<std::uint8_t> out;
    if (name == ".ascii" || name == ".asciz" || name == ".string") {
        for (const auto& arg : args) {
            auto text = quoted_string(arg, line);
            if (!text) return std::unexpected(text.error());
            out.insert(out.end(), text->begin(), text->end());
            if (name != ".ascii") out.push_back(0);
        }
        return out;
    }
    const int width = name == ".byte" ? 1 : name == ".word" ? 2 : name == ".long" ? 4 : 0;
    if (width == 0) return line_error(line, fmt::format("unknown directive '{}' (strata knows .byte .word .long .ascii .asciz)", name));
    for (const auto& arg : args) {
        auto value = evaluate(arg, labels, line);
        if (!value) return std::unexpected(value.error());
        const std::int64_t limit = std::int64_t{1} << (8 * width);
        if (*value >= limit || *value < -limit / 2) return line_error(line, fmt::format("{} does not fit in {} byte(s)", *value, width));
        for (int b = 0; b < width; ++b) out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(*value) >> (8 * b)));
    }
    return out;
}

ZydisMachineMode machine_mode(CpuMode mode) {
    switch (mode) {
        case CpuMode::real16: return ZYDIS_MACHINE_MODE_REAL_16;
        case CpuMode::protected32: return ZYDIS_MACHINE_MODE_LEGACY_32;
        case CpuMode::long64: return ZYDIS_MACHINE_MODE_LONG_64;
    }
    return ZYDIS_MACHINE_MODE_LONG_64;
}

Result<ZydisRegister> register_named(std::string_view text, int line) {
    if (!text.starts_with('%')) return line_error(line, fmt::format("'{}' is not a register (registers start with %)", text));
    const auto& regs = names().registers;
    auto it = regs.find(lower(std::string(text.substr(1))));
    if (it == regs.end()) return line_error(line, fmt::format("there is no register '{}'", text));
    return it->second;
}

bool is_branch(std::string_view m) {
    return m.starts_with('j') || m == "call" || m.starts_with("loop");
}

ZydisInstructionAttributes segment_prefix(ZydisRegister seg) {
    switch (seg) {
        case ZYDIS_REGISTER_CS: return ZYDIS_ATTRIB_HAS_SEGMENT_CS;
        case ZYDIS_REGISTER_SS: return ZYDIS_ATTRIB_HAS_SEGMENT_SS;
        case ZYDIS_REGISTER_DS: return ZYDIS_ATTRIB_HAS_SEGMENT_DS;
        case ZYDIS_REGISTER_ES: return ZYDIS_ATTRIB_HAS_SEGMENT_ES;
        case ZYDIS_REGISTER_FS: return ZYDIS_ATTRIB_HAS_SEGMENT_FS;
        case ZYDIS_REGISTER_GS: return ZYDIS_ATTRIB_HAS_SEGMENT_GS;
        default: return 0;
    }
}

// One AT&T operand into an encoder operand. Memory sizes come later.
Result<ZydisEncoderOperand> operand(std::string text, bool branch, bool port_io, ZydisEncoderRequest& request,
                                    Resolver& labels, int line) {
    ZydisEncoderOperand op{};
    if (text.starts_with('*')) text = trim(std::string_view(text).substr(1)), branch = false;  // indirect
    if (text.starts_with('$')) {
        auto value = evaluate(std::string_view(text).substr(1), labels, line);
        if (!value) return std::unexpected(value.error());
        op.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        op.imm.s = *value;
        return op;
    }
    if (port_io && lower(text) == "(%dx)") text = "%dx";  // `out %al, (%dx)`: the port is in dx
    if (text.starts_with('%') && text.find(':') == std::string::npos) {
        auto reg = register_named(text, line);
        if (!reg) return std::unexpected(reg.error());
        op.type = ZYDIS_OPERAND_TYPE_REGISTER;
        op.reg.value = *reg;
        return op;
    }
    if (branch && text.find('(') == std::string::npos) {
        auto target = evaluate(text, labels, line);
        if (!target) return std::unexpected(target.error());
        op.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        op.imm.u = static_cast<std::uint64_t>(*target);
        return op;
    }
    // [%seg:]disp(%base,%index,scale)
    op.type = ZYDIS_OPERAND_TYPE_MEMORY;
    std::string_view rest = text;
    if (rest.starts_with('%')) {
        const auto colon = rest.find(':');
        auto seg = register_named(trim(rest.substr(0, colon)), line);
        if (!seg) return std::unexpected(seg.error());
        request.prefixes |= segment_prefix(*seg);
        rest = rest.substr(colon + 1);
    }
    const auto open = rest.find('(');
    const std::string disp = trim(rest.substr(0, open));
    if (!disp.empty()) {
        auto value = evaluate(disp, labels, line);
        if (!value) return std::unexpected(value.error());
        op.mem.displacement = *value;
    }
    if (open != std::string_view::npos) {
        if (!rest.ends_with(')')) return line_error(line, fmt::format("'{}' is missing its ')'", text));
        const auto parts = split_operands(rest.substr(open + 1, rest.size() - open - 2));
        if (parts.empty() || parts.size() > 3) return line_error(line, fmt::format("cannot read '{}' as a memory operand", text));
        if (!parts[0].empty()) {
            auto base = register_named(parts[0], line);
            if (!base) return std::unexpected(base.error());
            op.mem.base = *base;
        }
        if (parts.size() >= 2) {
            auto index = register_named(parts[1], line);
            if (!index) return std::unexpected(index.error());
            op.mem.index = *index;
            op.mem.scale = 1;
        }
        if (parts.size() == 3) {
            auto scale = evaluate(parts[2], labels, line);
            if (!scale) return std::unexpected(scale.error());
            if (*scale != 1 && *scale != 2 && *scale != 4 && *scale != 8)
                return line_error(line, "the scale of an index is 1, 2, 4 or 8");
            op.mem.scale = static_cast<ZyanU8>(*scale);
        }
    }
    return op;
}

// AT&T mnemonics may carry a size suffix (movb, outw, incl). A name can be
// an instruction of its own and a suffixed one at once (movq is an SSE move
// and a 64-bit mov; lodsb is only itself), so each reading is a candidate
// and the first one the encoder accepts wins.
std::vector<std::pair<ZydisMnemonic, int>> mnemonic_candidates(const std::string& word) {
    std::vector<std::pair<ZydisMnemonic, int>> out;
    const auto& table = names().mnemonics;
    if (auto it = table.find(word); it != table.end()) out.emplace_back(it->second, 0);
    const std::string suffixes = "bwlq";
    if (word.size() > 1 && suffixes.find(word.back()) != std::string::npos)
        if (auto it = table.find(word.substr(0, word.size() - 1)); it != table.end()) {
            const int size = word.back() == 'b' ? 1 : word.back() == 'w' ? 2 : word.back() == 'l' ? 4 : 8;
            out.emplace_back(it->second, size);
        }
    return out;
}

ZydisOperandSizeHint size_hint(int size) {
    switch (size) {
        case 1: return ZYDIS_OPERAND_SIZE_HINT_8;
        case 2: return ZYDIS_OPERAND_SIZE_HINT_16;
        case 4: return ZYDIS_OPERAND_SIZE_HINT_32;
        case 8: return ZYDIS_OPERAND_SIZE_HINT_64;
        default: return ZYDIS_OPERAND_SIZE_HINT_NONE;
    }
}

// Encodes `ops` (AT&T order) as `mnemonic` with size suffix `size` (0:
// none); nullopt when the encoder has no form for these operands.
Result<std::optional<std::vector<std::uint8_t>>> encode(ZydisEncoderRequest request, ZydisMnemonic mnemonic, int size,
                                         std::vector<ZydisEncoderOperand> ops, const std::string& word,
                                         std::uint64_t address, int line) {
    request.mnemonic = mnemonic;
    // A memory operand takes its size from the suffix or from a register
    // next to it; without either it is ambiguous, as in GNU as.
    for (auto& op : ops) {
        if (op.type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
        int mem_size = size;
        for (const auto& other : ops)
            if (!mem_size && other.type == ZYDIS_OPERAND_TYPE_REGISTER)
                mem_size = ZydisRegisterGetWidth(request.machine_mode, other.reg.value) / 8;
        if (word == "lea") mem_size = 0;
        else if (!mem_size)
            return line_error(line, fmt::format("say the size of the memory operand: {}b, {}w, {}l or {}q", word,
                                                word, word, word));
        op.mem.size = static_cast<ZyanU16>(mem_size);
    }
    if (size && ops.empty()) request.operand_size_hint = size_hint(size);
    // AT&T writes the destination last; the encoder wants it first.
    std::reverse(ops.begin(), ops.end());
    request.operand_count = static_cast<ZyanU8>(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) request.operands[i] = ops[i];

    std::uint8_t buffer[ZYDIS_MAX_INSTRUCTION_LENGTH];
    ZyanUSize length = sizeof buffer;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstructionAbsolute(&request, buffer, &length, address)))
        return std::nullopt;
    return std::vector<std::uint8_t>(buffer, buffer + length);
}

std::string_view mode_name(CpuMode mode) {
    switch (mode) {
        case CpuMode::real16: return "16-bit real";
        case CpuMode::protected32: return "32-bit protected";
        case CpuMode::long64: return "64-bit";
    }
    return "";
}

Result<std::vector<std::uint8_t>> instruction(std::string body, std::uint64_t address, CpuMode mode,
                                              Resolver& labels, int line) {
    ZydisEncoderRequest request;
    std::memset(&request, 0, sizeof request);
    request.machine_mode = machine_mode(mode);

    auto next_word = [&body] {
        std::size_t end = 0;
        while (end < body.size() && !std::isspace(static_cast<unsigned char>(body[end]))) ++end;
        std::string word = lower(body.substr(0, end));
        body = trim(std::string_view(body).substr(end));
        return word;
    };
    const std::string text = body;
    std::string word = next_word();
    for (;;) {  // prefixes written as words: rep outsb, lock incl
        if (word == "rep" || word == "repe" || word == "repz") request.prefixes |= word == "rep" ? ZYDIS_ATTRIB_HAS_REP : ZYDIS_ATTRIB_HAS_REPE;
        else if (word == "repne" || word == "repnz") request.prefixes |= ZYDIS_ATTRIB_HAS_REPNE;
        else if (word == "lock") request.prefixes |= ZYDIS_ATTRIB_HAS_LOCK;
        else break;
        word = next_word();
        if (word.empty()) return line_error(line, "a prefix needs an instruction after it");
    }
    const auto candidates = mnemonic_candidates(word);
    if (candidates.empty()) return line_error(line, fmt::format("unknown instruction '{}'", word));

    const bool branch = is_branch(word);
    const bool port_io = word.starts_with("in") || word.starts_with("out");
    const auto texts = body.empty() ? std::vector<std::string>{} : split_operands(body);
    if (texts.size() > ZYDIS_ENCODER_MAX_OPERANDS) return line_error(line, "too many operands");
    std::vector<ZydisEncoderOperand> ops;
    for (const auto& operand_text : texts) {
        if (operand_text.empty()) return line_error(line, "an operand is missing between commas");
        auto op = operand(operand_text, branch, port_io, request, labels, line);
        if (!op) return std::unexpected(op.error());
        ops.push_back(*op);
    }
    std::optional<Error> first_problem;
    for (const auto& [mnemonic, size] : candidates) {
        auto bytes = encode(request, mnemonic, size, ops, word, address, line);
        if (bytes && *bytes) return std::move(**bytes);
        if (!bytes && !first_problem) first_problem = bytes.error();
    }
    if (first_problem) return std::unexpected(*first_problem);
    return line_error(line, fmt::format("'{}' cannot be encoded in {} mode (wrong operands or sizes?)", text,
                                        mode_name(mode)));
}

}  // namespace

Result<Assembly> assemble(std::string_view source, std::uint64_t address, CpuMode mode) {
    auto statements = split_statements(source);
    if (!statements) return std::unexpected(statements.error());

    // Forward references change instruction sizes (a short or a near jump),
    // which moves labels: repeat until the labels stop moving.
    Labels previous;
    for (int pass = 0; pass < 16; ++pass) {
        const bool last_chance = pass == 15;
        Labels current;
        Assembly out;
        bool unresolved = false;
        std::uint64_t here = address;
        for (const auto& st : *statements) {
            for (const auto& label : st.labels) {
                if (current.count(label)) return line_error(st.line, fmt::format("label '{}' is defined twice", label));
                current[label] = here;
            }
            AssembledLine placed{st.line, here, 0};
            if (!st.body.empty()) {
                Resolver labels{current, previous, here, last_chance};
                Result<std::vector<std::uint8_t>> bytes;
                if (st.body.starts_with('.')) {
                    const auto space = st.body.find_first_of(" \t");
                    const std::string name = lower(st.body.substr(0, space));
                    const auto args = space == std::string::npos ? std::vector<std::string>{}
                                                                 : split_operands(st.body.substr(space + 1));
                    bytes = directive(name, args, labels, st.line);
                } else {
                    bytes = instruction(st.body, here, mode, labels, st.line);
                }
                if (!bytes) return std::unexpected(bytes.error());
                unresolved = unresolved || labels.unresolved;
                out.bytes.insert(out.bytes.end(), bytes->begin(), bytes->end());
                placed.size = bytes->size();
                here += bytes->size();
                if (out.bytes.size() > kMaxAssembledBytes)
                    return line_error(st.line, fmt::format("the program is larger than {} bytes", kMaxAssembledBytes));
            }
            out.lines.push_back(placed);
        }
        if (!unresolved && current == previous) return out;
        previous = std::move(current);
    }
    return plain_error("assemble", "the labels never settled (jumps keep changing size)",
                       "simplify the jumps between labels");
}

}  // namespace strata::engine
