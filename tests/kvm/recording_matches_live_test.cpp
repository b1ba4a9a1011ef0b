// The shipped recordings must not rot: each still matches a live run of its
// lesson — the same calls, in the same order, crossing the same layers.
#include <catch2/catch.hpp>

#include <tuple>

#include <nlohmann/json.hpp>

#include "backends/replay/recording.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/shipped_recordings.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

using Shape = std::tuple<int, engine::EventKind, std::string, std::vector<engine::LayerId>>;

// What must match: step, kind, name and layers of every event. Values
// (addresses, fds, durations) differ from run to run and machine to
// machine; so may how often a repeated event repeats (timer ticks), so runs
// of identical events count once.
std::vector<Shape> shape_of(const std::vector<engine::TraceEvent>& events) {
    std::vector<Shape> shape;
    for (const auto& e : events) {
        Shape s{e.step, e.kind, e.name, e.layers};
        if (shape.empty() || shape.back() != s) shape.push_back(std::move(s));
    }
    return shape;
}

}  // namespace

TEST_CASE("Every shipped VM recording still matches a live run of its lesson", "[kvm][recording]") {
    const auto recordings = tests::shipped_vm_recordings();
    REQUIRE_FALSE(recordings.empty());
    for (const auto& shipped : recordings) {
        CAPTURE(shipped.lesson_id);
        const auto* lesson = lessons::catalogue().find(shipped.lesson_id);
        REQUIRE(lesson != nullptr);
        auto json = nlohmann::json::parse(shipped.json, nullptr, false);
        REQUIRE_FALSE(json.is_discarded());
        auto recording = replay::recording_from_json(json, *lesson);
        if (!recording) FAIL(recording.error().describe());

        const auto before = tests::HostState::capture();
        {
            engine::Session session(*lesson, recording->options);
            (void)session.run_to_end();  // a recording of a failing run must fail the same way
            const auto live = session.snapshot();
            CHECK(shape_of(*live.events) == shape_of(recording->events));
            REQUIRE(live.steps.size() >= recording->steps.size());
            for (std::size_t i = 0; i < recording->steps.size(); ++i) {
                CAPTURE(recording->steps[i].id);
                CHECK(live.steps[i].status == recording->steps[i].status);
            }
        }
        CHECK_NO_LEAKS(before);
    }
}
