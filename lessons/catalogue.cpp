#include "lessons/catalogue.hpp"

#include "engine/install_layout.hpp"
#include "engine/lesson_metadata.hpp"

namespace strata::lessons {

namespace {

struct Course {
    engine::Catalogue catalogue;
    std::vector<std::string> problems;
};

// Built once: the code's lessons, named and summed up by their Markdown
// (engine/lesson_metadata.hpp), so each title is written in one place.
const Course& course() {
    static const Course built = [] {
        std::vector<engine::Lesson> all;
        for (auto track : {vm_track, container_track, compare_track})
            for (auto& lesson : track()) all.push_back(std::move(lesson));
        auto problems = engine::fill_metadata(all, engine::asset_dir());
        return Course{engine::Catalogue(std::move(all)), std::move(problems)};
    }();
    return built;
}

}  // namespace

const engine::Catalogue& catalogue() { return course().catalogue; }

const std::vector<std::string>& catalogue_problems() { return course().problems; }

}  // namespace strata::lessons
