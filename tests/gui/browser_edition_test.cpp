// What the browser edition asks of the shared GUI code, checked natively:
// a controller with no thread (Stepping::frame_loop) that runs a replay
// one command a frame, and progress imported from another machine's
// export, with a newer strata's file refused and kept aside.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "app/gui/controller.hpp"
#include "app/gui/gui_progress.hpp"
#include "engine/progress.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

// A directory of its own under the temp dir, removed with everything in it.
struct ScratchDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("strata-import-test-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    ScratchDir() { std::filesystem::create_directories(path); }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("Stepping::frame_loop runs a replay on the calling thread, one command per pump", "[gui][web]") {
    gui::Controller controller(lessons::catalogue(), nullptr, gui::replay_chooser(0), gui::Stepping::frame_loop);
    controller.submit({gui::CommandKind::select_lesson, "container/uts"});
    // Nothing runs until the frame loop pumps.
    CHECK(controller.busy());
    CHECK_FALSE(controller.snapshot());
    controller.pump();
    CHECK_FALSE(controller.busy());
    auto opened = controller.snapshot();
    REQUIRE(opened);
    CHECK(opened->lesson->id == "container/uts");
    CHECK(opened->current_step == -1);
    REQUIRE(opened->replay_label);

    controller.submit({gui::CommandKind::step});
    controller.submit({gui::CommandKind::step});
    controller.pump();
    CHECK(controller.snapshot()->steps.size() >= 1);
    const int after_one = controller.snapshot()->current_step;
    CHECK(after_one == 0);
    CHECK(controller.busy());  // the second step waits for the next frame
    controller.pump();
    CHECK(controller.snapshot()->current_step == 1);

    controller.submit({gui::CommandKind::run_to_end});
    REQUIRE(controller.wait_idle(1s));  // runs the queue itself, to the end
    auto end = controller.snapshot();
    REQUIRE(end->finished);
    REQUIRE_FALSE(end->events.empty());
    for (const auto& e : end->events) CHECK(e.replayed);
}

TEST_CASE("Imported progress merges, and a newer strata's file is refused and kept aside", "[gui][web][progress]") {
    ScratchDir dir;
    gui::GuiProgress mine(dir.path);

    engine::Progress theirs;
    theirs.student = "Ada";
    theirs.lessons["vm/hello-kvm"].steps["open-kvm"] = {"2026-12-01T10:00:00Z", true};
    const std::string exported = engine::progress_to_json(theirs).dump(2);

    const std::string said = mine.import_text(exported);
    CHECK_THAT(said, Catch::StartsWith("imported: 1 new step(s)"));
    CHECK(mine.steps_done().at("vm/hello-kvm") == 1);
    // The file holds it too, not only the window's copy.
    CHECK(mine.import_text(exported) == "imported: 0 new step(s) and 0 new attempt(s) merged");

    auto newer = engine::progress_to_json(theirs);
    newer["version"] = engine::kProgressVersion + 1;
    newer["lessons"]["vm/long-mode"] = nlohmann::json::object();
    const std::string refused = mine.import_text(newer.dump());
    CHECK_THAT(refused, Catch::StartsWith("not imported: ") && Catch::Contains("newer strata") &&
                            Catch::Contains("progress.json.newer-") && Catch::EndsWith("your progress is unchanged"));
    CHECK(mine.steps_done().count("vm/long-mode") == 0);
    int kept = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
        if (!entry.path().filename().string().starts_with("progress.json.newer-")) continue;
        ++kept;
        std::ifstream in(entry.path());
        const auto back = nlohmann::json::parse(in);
        CHECK(back == newer);
    }
    CHECK(kept == 1);

    CHECK_THAT(mine.import_text("{not json"), Catch::StartsWith("not imported: "));
}

TEST_CASE("A challenge replays the recording of its own run, or says it needs a live one", "[gui][web][replay]") {
    gui::Controller controller(lessons::catalogue(), nullptr, gui::replay_chooser(0), gui::Stepping::frame_loop);
    // container/cgroups ships the run its challenge starts from: memory-limit=512.
    gui::Command recorded{gui::CommandKind::run_with_options, "container/cgroups"};
    recorded.options = {{"memory-limit", "512"}};
    controller.submit(recorded);
    REQUIRE(controller.wait_idle(1s));
    CHECK(controller.last_problem().empty());
    auto run = controller.snapshot();
    REQUIRE(run);
    CHECK(run->finished);
    REQUIRE(run->replay_label);
    CHECK(run->events.size() > 0);

    // No recording of this value ships: refused, saying why, nothing played.
    gui::Command unrecorded{gui::CommandKind::run_with_options, "container/cgroups"};
    unrecorded.options = {{"memory-limit", "100"}};
    controller.submit(unrecorded);
    REQUIRE(controller.wait_idle(1s));
    CHECK_THAT(controller.last_problem(), Catch::Contains("memory-limit=100") && Catch::Contains("needs a live run"));
    const auto after = controller.snapshot();
    REQUIRE(after);
    CHECK(after->run == run->run);  // still the recorded run, unchanged
    CHECK(after->events.size() == run->events.size());
}
