#include "bench/raw_program.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

namespace strata::bench {

engine::Result<std::string> run_raw_program(const std::string& program, int runs) {
    const std::string command = fmt::format("'{}' {}", program, runs);
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) return engine::errno_error("popen " + program, errno);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
    const int status = ::pclose(pipe.release());
    if (status != 0) return engine::plain_error(program, fmt::format("exited with status {}", status));
    return output;
}

engine::Result<std::vector<JsonLine>> json_object_lines(const std::string& text, const std::string& source) {
    std::vector<JsonLine> lines;
    std::size_t pos = 0;
    int line_number = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return engine::plain_error(source, fmt::format("line {} is not a JSON object", line_number));
        lines.push_back({line_number, std::move(j)});
    }
    return lines;
}

}  // namespace strata::bench
