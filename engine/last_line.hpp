// The last line of some output that has something on it: how far a guest
// or a program got, quoted in an error.
#pragma once

#include <string_view>

namespace strata::engine {

// Without its line ending; empty when `text` holds only line endings.
inline std::string_view last_line(std::string_view text) {
    const auto end = text.find_last_not_of("\r\n");
    if (end == std::string_view::npos) return {};
    const auto newline = text.find_last_of('\n', end);
    const auto begin = newline == std::string_view::npos ? 0 : newline + 1;
    return text.substr(begin, end + 1 - begin);
}

}  // namespace strata::engine
