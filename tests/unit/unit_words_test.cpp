// One unit style in everything strata prints: microseconds are "µs",
// never "us" (the timeline, the terminal and the lessons' own numbers sat
// side by side with both). Checked over the sources' format strings, so a
// new message cannot bring "us" back.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "engine/install_layout.hpp"

TEST_CASE("Printed microseconds are written µs, never us", "[unit]") {
    const auto source = std::filesystem::absolute(strata::engine::asset_dir()).parent_path();
    // A number or a {} placeholder, a space, "us", then the end of the word.
    const std::regex bare_us(R"(("[^"\n]*(\d|\})\s?us)(\b|\\n|"))");
    std::size_t files = 0;
    std::vector<std::string> found;
    for (const char* dir : {"app", "engine", "backends", "lessons", "bench"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(source / dir)) {
            const auto ext = entry.path().extension();
            if (ext != ".cpp" && ext != ".hpp") continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            for (int number = 1; std::getline(in, line); ++number)
                if (std::regex_search(line, bare_us))
                    found.push_back(entry.path().string() + ":" + std::to_string(number) + ": " + line);
        }
    }
    CHECK(files > 100);
    for (const auto& where : found) UNSCOPED_INFO(where);
    CHECK(found.empty());
}
