#include "engine/catalogue.hpp"

#include <algorithm>
#include <numeric>

namespace strata::engine {

Catalogue::Catalogue(std::vector<Lesson> lessons) : lessons_(std::move(lessons)) {}

const Lesson* Catalogue::find(std::string_view id) const {
    for (const auto& lesson : lessons_)
        if (lesson.id == id) return &lesson;
    return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<std::string> Catalogue::closest(std::string_view id, std::size_t count) const {
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& lesson : lessons_) {
        // A mistyped track or a bare lesson name ("hello-kvm") should still
        // find its lesson, so score against the name part too.
        std::string_view name = lesson.id;
        name.remove_prefix(name.find('/') + 1);
        scored.emplace_back(std::min(edit_distance(id, lesson.id), edit_distance(id, name)), lesson.id);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto& [distance, lesson_id] : scored) {
        if (out.size() == count) break;
        // Beyond half the id's length the "suggestion" is noise.
        if (distance > std::max<std::size_t>(3, id.size() / 2)) break;
        out.push_back(lesson_id);
    }
    return out;
}

}  // namespace strata::engine
