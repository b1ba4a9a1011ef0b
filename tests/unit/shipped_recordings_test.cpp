// Every lesson ships a recording, so it can be taught on a machine that
// cannot run it live; every shipped recording still fits its lesson (its
// steps and their ids) and plays to the end as the recorded run ended;
// and none carries the recording machine's private strings.
// Whether the recorded calls still match a live run is checked by the
// KVM and container suites (recording_matches_live_test.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "backends/replay/recording.hpp"
#include "backends/replay/replayer.hpp"
#include "engine/narrative.hpp"
#include "engine/session.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

namespace {

std::set<std::string> shipped_ids() {
    const auto root = engine::asset_dir() / "recordings";
    std::set<std::string> ids;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
        if (entry.path().extension() == ".json") {
            auto id = std::filesystem::relative(entry.path(), root).replace_extension().string();
            ids.insert(id);
        }
    return ids;
}

}  // namespace

TEST_CASE("Every lesson ships a recording, and every recording belongs to a lesson", "[unit][replay]") {
    const auto shipped = shipped_ids();
    for (const auto& lesson : lessons::catalogue().lessons()) {
        INFO(lesson.id << " has no recording: run scripts/record-lessons.sh build " << lesson.id);
        CHECK(shipped.contains(lesson.id));
    }
    for (const auto& id : shipped) {
        INFO("assets/recordings/" << id << ".json belongs to no lesson: remove it");
        CHECK(lessons::catalogue().find(id.substr(0, id.find('@'))) != nullptr);
    }
}

// A variant (<lesson id>@<options>.json) is what a replay with those
// options plays: its name must say exactly the options it was made with,
// and it must play to the end as its run ended (a variant's run may fail:
// a guest that loops until the watchdog stops it is the lesson).
TEST_CASE("Every shipped variant recording was made with the options its name says", "[unit][replay]") {
    std::size_t variants = 0;
    for (const auto& id : shipped_ids()) {
        const auto at = id.find('@');
        if (at == std::string::npos) continue;
        CAPTURE(id);
        ++variants;
        const auto* lesson = lessons::catalogue().find(id.substr(0, at));
        REQUIRE(lesson);
        auto recording = replay::load_recording(replay::shipped_recording_path(engine::asset_dir(), id), *lesson);
        if (!recording) FAIL(recording.error().describe());
        auto options = lesson->resolve_options({}).value_or(engine::LessonOptions{});
        for (const auto& [key, value] : recording->options) options[key] = value;
        CHECK(lessons::variant_name(*lesson, options) == id.substr(at + 1));
        CHECK(lessons::variant_recording_path(*lesson, options) ==
              replay::shipped_recording_path(engine::asset_dir(), id));

        auto shared = std::make_shared<const replay::Recording>(std::move(*recording));
        const auto replayed = replay::make_replay_lesson(*lesson, shared, {0});
        engine::Session session(replayed);
        (void)session.run_to_end();
        const auto snap = session.snapshot();
        CHECK(snap.events.size() == shared->events.size());
        for (std::size_t i = 0; i < shared->steps.size(); ++i) CHECK(snap.steps[i].status == shared->steps[i].status);
    }
    // The lesson texts invite these; a replay must be able to show them.
    CHECK(variants >= 3);
}

TEST_CASE("Every shipped recording loads and replays to the end as its run ended", "[unit][replay]") {
    std::size_t loaded = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        const auto path = replay::shipped_recording_path(engine::asset_dir(), lesson.id);
        if (!std::filesystem::exists(path)) continue;  // reported by the test above
        auto recording = replay::load_recording(path, lesson);
        if (!recording) FAIL(recording.error().describe());
        ++loaded;
        // Shipped recordings are of complete, successful runs.
        CHECK(recording->steps.size() == lesson.steps.size());
        for (const auto& step : recording->steps) CHECK(step.status == engine::StepStatus::done);
        CHECK_FALSE(recording->machine.kernel_release.empty());
        CHECK_FALSE(recording->machine.cgroup_mode.empty());

        auto shared = std::make_shared<const replay::Recording>(std::move(*recording));
        const auto replayed = replay::make_replay_lesson(lesson, shared, {0});
        engine::Session session(replayed);
        auto result = session.run_to_end();
        INFO((result ? std::string() : result.error().describe()));
        CHECK(result);
        const auto snap = session.snapshot();
        CHECK(snap.events.size() == shared->events.size());
        for (int i = 0; i < static_cast<int>(lesson.steps.size()); ++i) {
            CAPTURE(lesson.steps[i].id);
            const auto check = snap.check_layers(i);
            CHECK(check.ok());
        }
    }
    // Every lesson's recording was opened and played, not skipped.
    CHECK(loaded == lessons::catalogue().lessons().size());
}

TEST_CASE("No shipped recording names the machine, user or directories it was made in", "[unit][replay]") {
    // What scripts/record-lessons.sh runs on leaves traces like these when
    // scrubbing breaks: an absolute build or home path.
    for (const auto& id : shipped_ids()) {
        CAPTURE(id);
        std::ifstream in(replay::shipped_recording_path(engine::asset_dir(), id));
        std::stringstream text;
        text << in.rdbuf();
        const std::string json = text.str();
        const auto assets = std::filesystem::absolute(engine::asset_dir());
        const std::string source_tree = assets.parent_path().string() + "/";
        for (const std::string& leak : {std::string("/home/"), std::string("/root/"), std::string("/build/rootfs"),
                                        std::string("/share/strata"), source_tree}) {
            CAPTURE(leak);
            CHECK(json.find(leak) == std::string::npos);
        }
    }
}
