// Front matter: a YAML block at the very top of a lesson's Markdown file,
// between two `---` lines, holding what is data rather than prose (the
// lesson's exercises, docs/AUTHORING.md). The narrative is what follows.
#pragma once

#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace strata::engine {

struct FrontMatter {
    bool present = false;
    std::string yaml;         // between the markers, without them
    int yaml_first_line = 0;  // file line (1-based) of the YAML's first line
    std::string_view body;    // the Markdown after the closing marker (a view into the input)
    int body_first_line = 1;
};

// A file that starts with "---" must close the block with "---" (or
// "..."); an unclosed one is an error naming the line it opened on.
Result<FrontMatter> split_front_matter(std::string_view markdown);

}  // namespace strata::engine
