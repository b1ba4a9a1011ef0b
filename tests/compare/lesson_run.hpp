// Running a compare lesson for real in a test: the snapshot after its last
// step, what it found (facts), whether every step lit exactly the layers
// it declares, and what it left behind on the host. A run that went to
// the end also CHECKs that each of the lesson's predictions resolves to
// exactly one choice on what it measured.
#pragma once

#include <string>
#include <vector>

#include "engine/session.hpp"
#include "engine/snapshot.hpp"

namespace strata::tests {

struct CompareRun {
    bool ok = false;
    std::string error;                  // describe() + hint when not ok
    engine::Snapshot snapshot;
    std::vector<std::string> layer_problems;  // "step: missing kvm"
    std::vector<std::string> leaks;

    std::string value(const std::string& key) const;  // a fact value, "<missing key>" when absent
    const engine::TableView* table(const std::string& title) const;
    const engine::HistogramView* histogram(const std::string& title) const;
    const engine::SeriesView* series(const std::string& title) const;
    int step(const std::string& id) const;             // index of the step with this id
};

CompareRun run_compare_lesson(const std::string& id, const engine::LessonOptions& options = {});

// Every prediction of `lesson` has exactly one choice `snapshot` satisfies.
void check_predictions_resolve(const engine::Lesson& lesson, const engine::Snapshot& snapshot);

// "1368 KiB" -> 1368
long long kib_of(const std::string& value);

}  // namespace strata::tests
