// What the lesson tests of the KVM suite look up: a lesson of the
// catalogue, the index of one of its steps, a fact a step set.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "engine/snapshot.hpp"
#include "lessons/catalogue.hpp"

namespace strata::tests {

inline const engine::Lesson& catalogue_lesson(const std::string& id) {
    const auto* l = lessons::catalogue().find(id);
    REQUIRE(l != nullptr);
    return *l;
}

inline int step_of(const engine::Lesson& lesson, const std::string& id) {
    for (std::size_t i = 0; i < lesson.steps.size(); ++i)
        if (lesson.steps[i].id == id) return static_cast<int>(i);
    FAIL("no step " << id << " in " << lesson.id);
    return -1;
}

inline std::string fact_of(const engine::Snapshot& snap, const std::string& key) {
    for (const auto& [k, v] : snap.facts.values)
        if (k == key) return v;
    return "<missing " + key + ">";
}

// A lesson that boots a real Linux kernel (vm/boot-linux): the suite's
// generic live runs skip it — it needs a kernel file this binary does not
// carry, and hours on a software-nested /dev/kvm. The boot_linux_in_qemu
// test runs it live in the QEMU fallback with Debian's kernel.
inline bool boots_a_linux_kernel(const engine::Lesson& lesson) {
    return std::ranges::find(lesson.requirements, engine::Requirement::guest_kernel) != lesson.requirements.end();
}

}  // namespace strata::tests
