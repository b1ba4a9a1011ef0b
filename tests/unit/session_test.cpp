#include <catch2/catch.hpp>

#include <cerrno>
#include <thread>

#include "engine/session.hpp"
#include "engine/trace_json.hpp"

using namespace strata::engine;

namespace {

// Counts how many times its state was built and destroyed, to check that
// restart releases everything.
struct CountingState final : LessonState {
    explicit CountingState(int& live) : live(live) { ++live; }
    ~CountingState() override { --live; }
    int& live;
    int steps_run = 0;
};

Result<StepOutcome> emit(Context& ctx, std::vector<LayerId> layers, const char* name) {
    TraceEvent e;
    e.kind = EventKind::syscall;
    e.name = name;
    e.layers = std::move(layers);
    ctx.recorder().record(e);
    ++ctx.state<CountingState>().steps_run;
    return StepOutcome{name};
}

Lesson test_lesson(int& live, bool fail_second = false) {
    Lesson lesson;
    lesson.id = "test/lesson";
    lesson.make_state = [&live](const LessonOptions&) { return std::make_unique<CountingState>(live); };
    lesson.steps = {
        {"one", "One", [](Context& c) { return emit(c, {LayerId::vmm, LayerId::kvm}, "first"); }, {LayerId::vmm, LayerId::kvm}},
        {"two", "Two",
         [fail_second](Context& c) -> Result<StepOutcome> {
             if (fail_second) return errno_error("mount", EPERM, "not allowed");
             return emit(c, {LayerId::vmm, LayerId::ram}, "second");
         },
         {LayerId::vmm, LayerId::kvm}},
    };
    return lesson;
}

}  // namespace

TEST_CASE("A session runs steps in order and records their events", "[unit][engine]") {
    int live = 0;
    const Lesson lesson = test_lesson(live);
    Session session(lesson);
    REQUIRE(live == 1);
    CHECK(session.next_step() == 0);

    REQUIRE(session.step());
    auto snap = session.snapshot();
    CHECK(snap.current_step == 0);
    CHECK(snap.steps[0].status == StepStatus::done);
    CHECK(snap.steps[0].summary == "first");
    REQUIRE(snap.events.size() == 1);
    CHECK(snap.events[0].step == 0);
    CHECK(snap.check_layers(0).ok());

    REQUIRE(session.step());
    snap = session.snapshot();
    CHECK(snap.finished);
    SECTION("the layer check names what was expected but not touched, and what was not declared") {
        const auto check = snap.check_layers(1);
        CHECK(check.missing == std::vector<LayerId>{LayerId::kvm});
        CHECK(check.unexpected == std::vector<LayerId>{LayerId::ram});
    }
    SECTION("there is no third step") { CHECK_FALSE(session.step()); }
    SECTION("restart releases the state and forgets the run") {
        session.restart();
        CHECK(live == 1);
        snap = session.snapshot();
        CHECK(snap.events.empty());
        CHECK(snap.current_step == -1);
        CHECK(session.next_step() == 0);
    }
    SECTION("step back replays up to the previous step") {
        REQUIRE(session.step_back());
        snap = session.snapshot();
        CHECK(snap.current_step == 0);
        CHECK(snap.events.size() == 1);
    }
}

TEST_CASE("A failing step stops the run and keeps its error", "[unit][engine]") {
    int live = 0;
    const Lesson lesson = test_lesson(live, true);
    Session session(lesson);
    auto result = session.run_to_end();
    REQUIRE_FALSE(result);
    CHECK(result.error().errno_value == EPERM);
    CHECK(result.error().operation == "two: mount");
    const auto snap = session.snapshot();
    CHECK(snap.steps[1].status == StepStatus::failed);
    CHECK(snap.finished);
    CHECK(session.finished());
}

TEST_CASE("Cancel stops the next step and runs the registered canceller", "[unit][engine]") {
    int live = 0;
    Lesson lesson = test_lesson(live);
    bool cancelled_hook = false;
    lesson.steps[0].action = [&cancelled_hook](Context& ctx) -> Result<StepOutcome> {
        ctx.set_canceller([&cancelled_hook] { cancelled_hook = true; });
        return StepOutcome{"armed"};
    };
    Session session(lesson);
    REQUIRE(session.step());
    session.cancel();
    CHECK(cancelled_hook);
    auto next = session.step();
    REQUIRE_FALSE(next);
    CHECK(next.error().errno_value == ECANCELED);
}

TEST_CASE("Lesson options are validated with the allowed values named", "[unit][engine]") {
    Lesson lesson;
    lesson.id = "x/y";
    lesson.options = {{"guest", "which guest", {"hello", "loop"}}};
    CHECK(lesson.resolve_options({})->at("guest") == "hello");
    CHECK(lesson.resolve_options({{"guest", "loop"}})->at("guest") == "loop");
    auto bad_value = lesson.resolve_options({{"guest", "nope"}});
    REQUIRE_FALSE(bad_value);
    CHECK(bad_value.error().hint == "choose one of: hello, loop");
    CHECK_FALSE(lesson.resolve_options({{"colour", "red"}}));
}

TEST_CASE("Trace events survive a JSON round trip and bad JSON is named", "[unit][engine]") {
    TraceEvent e;
    e.sequence = 7;
    e.start = std::chrono::nanoseconds(1234);
    e.duration = std::chrono::nanoseconds(56);
    e.kind = EventKind::ioctl;
    e.name = "ioctl(KVM_CREATE_VM)";
    e.args = {{"type", "0"}};
    e.result = 5;
    e.error = 0;
    e.layers = {LayerId::vmm, LayerId::kvm};
    e.step = 1;
    const auto back = event_from_json(event_to_json(e));
    REQUIRE(back);
    CHECK(back->name == e.name);
    CHECK(back->layers == e.layers);
    CHECK(back->start == e.start);
    CHECK(back->args.front().value == "0");

    auto j = event_to_json(e);
    j["layers"] = nlohmann::json::array({"no-such-layer"});
    auto bad = event_from_json(j);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("no-such-layer") != std::string::npos);
    j.erase("kind");
    CHECK_FALSE(event_from_json(j));
}

TEST_CASE("Every layer key maps back to its layer", "[unit][engine]") {
    for (const auto& info : all_layers()) {
        CAPTURE(info.key);
        CHECK(layer_from_key(info.key) == info.id);
        CHECK(layer_key(info.id) == info.key);
    }
    CHECK_FALSE(layer_from_key("nope"));
}

TEST_CASE("Held events are recorded after the event that caused them", "[unit][engine]") {
    Recorder recorder;
    recorder.hold();
    TraceEvent output;
    output.name = "console output";
    recorder.record(output);
    CHECK(recorder.size() == 0);
    TraceEvent exit;
    exit.name = "exit: IO out port 0x3f8";
    recorder.release_after(exit);
    const auto events = recorder.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].name == "exit: IO out port 0x3f8");
    CHECK(events[1].name == "console output");
    CHECK(events[0].sequence == 0);
    CHECK(events[1].sequence == 1);
}
