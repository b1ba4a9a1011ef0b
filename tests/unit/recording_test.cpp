#include <catch2/catch.hpp>

#include <algorithm>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "backends/replay/recording.hpp"
#include "backends/replay/replayer.hpp"
#include "engine/session.hpp"

using namespace strata;
using engine::LayerId;

namespace {

// A lesson whose steps record known events, facts and console output.
engine::Lesson fake_lesson(bool fail_last = false) {
    engine::Lesson lesson;
    lesson.id = "test/recorded";
    lesson.title = "Recorded";
    lesson.make_state = [](const engine::LessonOptions&) { return std::make_unique<engine::LessonState>(); };
    auto emit = [](const char* name, std::vector<LayerId> layers) {
        return [=](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
            engine::TraceEvent e;
            e.kind = engine::EventKind::ioctl;
            e.name = name;
            e.layers = layers;
            e.args = {{"fd", "3"}};
            ctx.recorder().record(e);
            ctx.console_write(std::string(name) + "\n");
            ctx.facts().set_value("last", name);
            return engine::StepOutcome{std::string("did ") + name};
        };
    };
    lesson.steps = {
        {"one", "One", emit("ioctl(KVM_CREATE_VM)", {LayerId::vmm, LayerId::kvm}), {LayerId::vmm, LayerId::kvm}},
        {"two", "Two", emit("ioctl(KVM_RUN)", {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt}), {LayerId::vmm}},
    };
    if (fail_last)
        lesson.steps[1].action = [](engine::Context&) -> engine::Result<engine::StepOutcome> {
            return engine::errno_error("ioctl(KVM_RUN)", EINTR, "stopped", "the watchdog");
        };
    return lesson;
}

replay::Recording record(const engine::Lesson& lesson) {
    engine::Session session(lesson);
    std::vector<engine::Snapshot> snapshots;
    while (!session.finished()) {
        auto outcome = session.step();
        snapshots.push_back(session.snapshot());
        if (!outcome) break;
    }
    replay::MachineInfo machine{"6.1.0-test", "Debian", "hardware-assisted", "Test PC", "2026-11-24T07:00:00Z", "0.1.0",
                                "v2", true};
    return replay::record_session(snapshots, {}, machine);
}

}  // namespace

TEST_CASE("A recording survives a JSON round trip", "[unit][replay]") {
    const auto lesson = fake_lesson();
    const auto original = record(lesson);
    REQUIRE(original.steps.size() == 2);
    CHECK(original.steps[0].console == "ioctl(KVM_CREATE_VM)\n");
    CHECK(original.steps[1].console == "ioctl(KVM_CREATE_VM)\nioctl(KVM_RUN)\n");
    auto back = replay::recording_from_json(replay::recording_to_json(original), lesson);
    REQUIRE(back);
    CHECK(back->events.size() == 2);
    CHECK(back->events[1].name == "ioctl(KVM_RUN)");
    CHECK(back->steps[1].facts.values == original.steps[1].facts.values);
    CHECK(back->label() == "A real run on Linux 6.1.0-test (2026-11-24; KVM: hardware-assisted; cgroups: v2, as "
                           "root; machine: Test PC), replayed");
    back->lesson_id = "vm/recorded";  // a VM lesson's label leaves the cgroups out
    CHECK(back->label() == "A real run on Linux 6.1.0-test (2026-11-24; KVM: hardware-assisted; machine: Test PC), replayed");
    CHECK(back->machine.cgroup_mode == "v2");
    CHECK(back->machine.as_root);
}

TEST_CASE("A recording's file text is its JSON, one event per line", "[unit][replay]") {
    const auto lesson = fake_lesson();
    const auto original = record(lesson);
    const std::string text = replay::recording_text(original);
    CHECK(nlohmann::json::parse(text) == replay::recording_to_json(original));
    // A line per header field but the events, a line per event, and the
    // closing line.
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    CHECK(lines == (replay::recording_to_json(original).size() - 1) + original.events.size() + 2);
}

TEST_CASE("A recording made before the cgroup mode and user were kept still loads", "[unit][replay]") {
    const auto lesson = fake_lesson();
    auto json = replay::recording_to_json(record(lesson));
    json["machine"].erase("cgroup_mode");
    json["machine"].erase("as_root");
    auto back = replay::recording_from_json(json, lesson);
    REQUIRE(back);
    CHECK(back->machine.cgroup_mode.empty());
    CHECK_FALSE(back->machine.as_root);
}

TEST_CASE("Bad recordings are refused with what is wrong", "[unit][replay]") {
    const auto lesson = fake_lesson();
    const auto good = replay::recording_to_json(record(lesson));
    using Case = std::pair<std::string, std::string>;
    auto [what, expected] = GENERATE(table<std::string, std::string>({
        Case{"future version", "made by a newer strata"},
        Case{"other lesson", "not of test/recorded"},
        Case{"renamed step", "the lesson changed"},
        Case{"event of a missing step", "which the recording does not have"},
        Case{"wrong type", "malformed"},
        Case{"not a recording", "not a strata recording"},
        Case{"unknown layer", "unknown layer id 'flux-capacitor'"},
        Case{"unknown event kind", "field 'kind'"},
        Case{"event after its step ended", "the timing is corrupt"},
        Case{"negative step duration", "negative duration"},
        Case{"more steps than the lesson", "it has 3 steps; the lesson has 2"},
        Case{"no events", "malformed"},
        // Numbers a float cannot be cast to without undefined behaviour (found by fuzz_recording_loader).
        Case{"duration too large for 64 bits", "expected a whole number in range"},
        Case{"version a float", "expected a whole number in range"},
        Case{"memory byte out of range", "expected a whole number in range"},
    }));
    CAPTURE(what);
    auto json = good;
    if (what == "future version") json["version"] = 99;
    if (what == "other lesson") json["lesson"] = "vm/other";
    if (what == "renamed step") json["steps"][0]["id"] = "uno";
    if (what == "event of a missing step") json["events"][0]["step"] = 7;
    if (what == "wrong type") json["steps"][0]["summary"] = 42;
    if (what == "not a recording") json.erase("format");
    if (what == "unknown layer") json["events"][0]["layers"].push_back("flux-capacitor");
    if (what == "unknown event kind") json["events"][0]["kind"] = "teleport";
    if (what == "event after its step ended") {
        // Two events in step one, the second an hour later than a step that
        // lasted far less: replay would wait that hour.
        json["events"][1]["step"] = 0;
        json["events"][1]["start_ns"] = json["events"][0]["start_ns"].get<std::int64_t>() + 3600'000'000'000;
    }
    if (what == "negative step duration") json["steps"][1]["duration_ns"] = -5;
    if (what == "more steps than the lesson") json["steps"].push_back(json["steps"][0]);
    if (what == "no events") json.erase("events");
    if (what == "duration too large for 64 bits") json["steps"][0]["duration_ns"] = 6.358477777777777e87;
    if (what == "version a float") json["version"] = 1e300;
    if (what == "memory byte out of range")
        json["steps"][0]["facts"]["memory"] = nlohmann::json::parse(
            R"([{"title": "RAM", "guest_physical": 4096, "host_virtual": 0, "bytes": [1, 300.5], "kind": "data"}])");
    auto result = replay::recording_from_json(json, lesson);
    REQUIRE_FALSE(result);
    CHECK(result.error().describe().find(expected) != std::string::npos);
}

TEST_CASE("A replayed lesson re-emits the recorded events, flagged, with the same outcome", "[unit][replay]") {
    const auto lesson = fake_lesson();
    auto recording = std::make_shared<const replay::Recording>(record(lesson));
    const auto replayed = replay::make_replay_lesson(lesson, recording, {0});
    REQUIRE(replayed.replay_label);

    engine::Session session(replayed);
    REQUIRE(session.run_to_end());
    const auto snap = session.snapshot();
    REQUIRE(snap.events.size() == recording->events.size());
    for (std::size_t i = 0; i < snap.events.size(); ++i) {
        CHECK((snap.events)[i].replayed);
        CHECK((snap.events)[i].name == recording->events[i].name);
        CHECK((snap.events)[i].layers == recording->events[i].layers);
        CHECK((snap.events)[i].step == recording->events[i].step);
    }
    CHECK(snap.console == recording->steps.back().console);
    CHECK(snap.steps[1].summary == "did ioctl(KVM_RUN)");
    CHECK(snap.replay_label == replayed.replay_label);
    CHECK(snap.check_layers(0).ok());
}

TEST_CASE("A recorded failure replays as the same failure", "[unit][replay]") {
    const auto lesson = fake_lesson(true);
    auto recording = std::make_shared<const replay::Recording>(record(lesson));
    REQUIRE(recording->steps.size() == 2);
    const auto replayed = replay::make_replay_lesson(lesson, recording, {0});
    engine::Session session(replayed);
    auto result = session.run_to_end();
    REQUIRE_FALSE(result);
    CHECK(result.error().errno_value == EINTR);
    CHECK(result.error().hint == "the watchdog");
    // Named as the live run named it: the step once, then the call.
    CHECK(result.error().operation == "two: ioctl(KVM_RUN)");
}

TEST_CASE("Cancel interrupts a replay that is waiting for its next event", "[unit][replay]") {
    const auto lesson = fake_lesson();
    auto recorded = record(lesson);
    recorded.events[1].start = recorded.events[0].start + std::chrono::seconds(30);
    recorded.events[1].step = 0;  // two events in step one, 30 s apart
    auto recording = std::make_shared<const replay::Recording>(recorded);
    const auto replayed = replay::make_replay_lesson(lesson, recording, {1.0});
    engine::Session session(replayed);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        session.cancel();
    });
    const auto started = std::chrono::steady_clock::now();
    auto result = session.step();
    canceller.join();
    CHECK_FALSE(result);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

namespace {

// A file in a fresh temporary directory, removed with it.
struct TempFile {
    std::filesystem::path dir, path;
    TempFile() {
        // strata-<pid>-…: the name every strata resource follows, so the
        // leak checks of tests running beside this one know whose it is.
        std::string pattern = "/tmp/strata-" + std::to_string(::getpid()) + "-recording-test-XXXXXX";
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        path = dir / "recording.json";
    }
    ~TempFile() { std::filesystem::remove_all(dir); }
    void write(const std::string& text) const { std::ofstream(path) << text; }
};

}  // namespace

TEST_CASE("A recording file that is damaged or not a recording is refused before replay starts", "[unit][replay]") {
    const auto lesson = fake_lesson();
    const std::string good = replay::recording_to_json(record(lesson)).dump(1);
    TempFile file;
    using Case = std::pair<std::string, std::string>;
    auto [what, expected] = GENERATE(table<std::string, std::string>({
        Case{"truncated", "is not valid JSON (truncated or corrupt?)"},
        Case{"empty", "is empty"},
        Case{"huge", "strata reads recordings up to 64 MiB"},
        Case{"a directory", "is not a regular file"},
        Case{"missing", "ENOENT"},
        Case{"binary garbage", "is not valid JSON"},
    }));
    CAPTURE(what);
    auto path = file.path;
    if (what == "truncated") file.write(good.substr(0, good.size() / 2));
    if (what == "empty") file.write("");
    if (what == "huge") {
        // Sparse: the size is what counts, no disk is used.
        file.write(good);
        std::filesystem::resize_file(file.path, replay::kMaxRecordingBytes + 1);
    }
    if (what == "a directory") path = file.dir;
    if (what == "missing") path = file.dir / "nothing-here.json";
    if (what == "binary garbage") file.write(std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
    auto result = replay::load_recording(path, lesson);
    REQUIRE_FALSE(result);
    CAPTURE(result.error().describe());
    CHECK(result.error().describe().find(expected) != std::string::npos);
    CHECK(result.error().describe().find(path.string()) != std::string::npos);
}

TEST_CASE("A recording written to a file loads back whole", "[unit][replay]") {
    const auto lesson = fake_lesson();
    TempFile file;
    REQUIRE(replay::save_recording(record(lesson), file.path));
    auto loaded = replay::load_recording(file.path, lesson);
    REQUIRE(loaded);
    CHECK(loaded->events.size() == 2);
    CHECK(loaded->steps.size() == 2);
    CHECK_FALSE(std::filesystem::exists(file.path.string() + ".partial"));
}

TEST_CASE("A replay shows the recorded run's clock, not the time the learner spent between steps", "[unit][replay]") {
    const auto lesson = fake_lesson();
    auto recording = record(lesson);
    REQUIRE(recording.events.size() == 2);
    // The real run's second call came 5 ms after its first.
    recording.events[0].start = std::chrono::milliseconds(1);
    recording.events[1].start = std::chrono::milliseconds(6);
    recording.steps[1].duration = std::chrono::milliseconds(10);
    auto shared = std::make_shared<const replay::Recording>(recording);
    const auto replayed = replay::make_replay_lesson(lesson, shared, {0});
    engine::Session session(replayed);
    REQUIRE(session.step());
    // The learner reads the step's text before pressing Enter.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    REQUIRE(session.step());
    const auto events = session.snapshot().events;
    REQUIRE(events.size() == 2);
    CHECK(events[0].start == std::chrono::milliseconds(1));
    CHECK(events[1].start == std::chrono::milliseconds(6));
}
