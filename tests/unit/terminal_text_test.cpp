// Lesson texts are printed in the terminal too (`strata run`), which has
// no inspector, diagram or tabs: a paragraph that points at one of the
// window's parts must say it is the window's, so a learner at a terminal
// is never sent looking for something that is not there.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "engine/install_layout.hpp"

TEST_CASE("Lesson texts name window-only parts as the window's", "[unit][narrative]") {
    const std::regex window_only(R"(\b(inspector|diagram|[A-Z][a-z]+\*\* tab)\b)", std::regex::icase);
    std::vector<std::string> unqualified;
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(strata::engine::asset_dir() / "lessons")) {
        if (entry.path().extension() != ".md") continue;
        ++files;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        // Paragraphs of the narrative (the front matter holds exercises).
        std::string body = text.str();
        if (body.starts_with("---\n")) body = body.substr(body.find("\n---\n", 4) + 5);
        std::string paragraph;
        std::istringstream lines(body);
        auto check = [&] {
            if (std::regex_search(paragraph, window_only) && paragraph.find("window") == std::string::npos)
                unqualified.push_back(entry.path().filename().string() + ": " + paragraph);
            paragraph.clear();
        };
        for (std::string line; std::getline(lines, line);) {
            if (line.empty()) check();
            else paragraph += line + " ";
        }
        check();
    }
    CHECK(files > 20);
    for (const auto& p : unqualified) UNSCOPED_INFO(p);
    CHECK(unqualified.empty());
}
