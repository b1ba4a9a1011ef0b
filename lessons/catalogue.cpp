#include "lessons/catalogue.hpp"

namespace strata::lessons {

const engine::Catalogue& catalogue() {
    static const engine::Catalogue course = [] {
        std::vector<engine::Lesson> all;
        for (auto track : {vm_track, container_track, compare_track})
            for (auto& lesson : track()) all.push_back(std::move(lesson));
        return engine::Catalogue(std::move(all));
    }();
    return course;
}

}  // namespace strata::lessons
