// The catalogue of lessons: lookup by stable id, and suggestions for a
// mistyped one ("did you mean vm/hello-kvm?").
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lesson.hpp"

namespace strata::engine {

class Catalogue {
public:
    explicit Catalogue(std::vector<Lesson> lessons);

    std::span<const Lesson> lessons() const { return lessons_; }
    const Lesson* find(std::string_view id) const;
    // Up to `count` ids closest to `id` by edit distance, closest first.
    std::vector<std::string> closest(std::string_view id, std::size_t count = 3) const;

private:
    std::vector<Lesson> lessons_;
};

// Levenshtein distance; used for suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace strata::engine
