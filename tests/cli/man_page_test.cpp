// The man page is generated from the command line, so it cannot miss a
// command or an option that `strata --help-all` shows, and groff reads it
// without a warning.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <regex>
#include <set>
#include <string>

namespace {

std::string output_of(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) out.append(buffer.data(), n);
    return out;
}

std::string roff_escaped(std::string text) {
    std::string out;
    for (char c : text) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
}

}  // namespace

TEST_CASE("The man page has every command and long option that --help-all lists", "[cli]") {
    const std::string page = output_of(std::string(STRATA_BINARY) + " man-page");
    const std::string help = output_of(std::string(STRATA_BINARY) + " --help-all");
    REQUIRE(page.find(".TH STRATA 1") != std::string::npos);

    // --help-all prints each subcommand's name alone on a line, and its
    // options indented with their long names.
    std::set<std::string> commands, options;
    const std::regex command_line(R"(^([a-z][a-z-]*)$)"), option(R"((--[a-z][a-z-]*))");
    bool in_subcommands = false;
    std::size_t start = 0;
    while (start < help.size()) {
        const std::size_t end = help.find('\n', start);
        const std::string line = help.substr(start, end - start);
        start = end == std::string::npos ? help.size() : end + 1;
        if (line == "Subcommands:") in_subcommands = true;
        if (line.starts_with("Without a command:")) break;
        std::smatch m;
        if (in_subcommands && std::regex_match(line, m, command_line)) commands.insert(m[1]);
        for (auto it = std::sregex_iterator(line.begin(), line.end(), option); it != std::sregex_iterator(); ++it)
            options.insert((*it)[1]);
    }
    CHECK(commands.size() >= 6);
    CHECK(options.size() >= 15);
    for (const auto& c : commands) {
        CAPTURE(c);
        CHECK(page.find(".SS \"" + c + "\"") != std::string::npos);
    }
    for (const auto& o : options) {
        CAPTURE(o);
        CHECK(page.find("\\fB" + roff_escaped(o) + "\\fR") != std::string::npos);
    }
    // The page's own generator stays out of it.
    CHECK(page.find(".SS \"man-page\"") == std::string::npos);
    CHECK(page.find("EXIT STATUS") != std::string::npos);
    CHECK(page.find("/usr/share/strata") != std::string::npos);
}

TEST_CASE("groff reads the man page without a warning", "[cli]") {
    if (output_of("command -v groff").empty()) {
        WARN("groff is not installed: the page is not rendered here");
        return;
    }
    const std::string warnings =
        output_of(std::string(STRATA_BINARY) + " man-page | groff -man -Tutf8 -ww -z 2>&1");
    CHECK(warnings.empty());
    // Plain text (no overstriking), as a reader sees it.
    const std::string text = output_of(std::string(STRATA_BINARY) + " man-page | groff -man -Tutf8 -P-cbou 2>/dev/null");
    CHECK(text.find("strata doctor") != std::string::npos);
}
