// strata trace's output follows the Trace Event Format that Perfetto,
// speedscope and Chromium DevTools read: every event has ph, ts, pid, tid
// and name; spans (X) have a positive dur; instants (i) a scope; metadata
// (M) names the process after the lesson and each thread after its step.
#include <catch2/catch.hpp>

#include <cerrno>
#include <set>

#include "engine/trace_json.hpp"

using namespace strata;
using engine::EventKind;
using nlohmann::json;

namespace {

engine::Lesson two_step_lesson() {
    engine::Lesson lesson;
    lesson.id = "test/traced";
    lesson.title = "Traced";
    lesson.steps = {{"open", "Open it", {}, {}}, {"run", "Run it", {}, {}}};
    return lesson;
}

engine::TraceEvent event(int step, const char* name, long start_us, long duration_us, int error = 0) {
    engine::TraceEvent e;
    e.kind = EventKind::syscall;
    e.name = name;
    e.step = step;
    e.start = std::chrono::microseconds(start_us);
    e.duration = std::chrono::microseconds(duration_us);
    e.error = error;
    e.result = error ? -1 : 3;
    e.args = {{"path", "/proc"}};
    if (error) e.detail = "a user namespace may mount /proc only for a PID namespace it owns";
    return e;
}

}  // namespace

TEST_CASE("A Chrome trace has the fields viewers need, metadata, step spans and instants", "[unit][trace]") {
    const auto lesson = two_step_lesson();
    engine::TraceEvent exits = event(1, "VM exits KVM handled itself", 40, 5);
    exits.kind = EventKind::exits_in_kvm;
    exits.result = 1350;
    const std::vector<engine::TraceEvent> events = {event(0, "open", 10, 2), event(0, "note", 14, 0),
                                                    event(1, "mount", 30, 4, EPERM), exits};
    const json trace = engine::to_chrome_trace(engine::event_log_of(events), lesson);
    REQUIRE(trace.contains("traceEvents"));
    const auto& list = trace["traceEvents"];

    std::set<std::string> thread_names;
    std::string process_name;
    int spans = 0, instants = 0, steps = 0;
    for (const auto& e : list) {
        CAPTURE(e.dump());
        REQUIRE(e.contains("ph"));
        REQUIRE(e.contains("pid"));
        REQUIRE(e.contains("tid"));
        REQUIRE(e.contains("name"));
        CHECK(e["pid"].is_number_integer());
        CHECK(e["tid"].is_number_integer());
        const std::string ph = e["ph"];
        if (ph == "M") {
            REQUIRE(e["args"].contains(e["name"] == "thread_sort_index" ? "sort_index" : "name"));
            if (e["name"] == "process_name") process_name = e["args"]["name"];
            if (e["name"] == "thread_name") thread_names.insert(e["args"]["name"].get<std::string>());
            continue;
        }
        REQUIRE(e.contains("ts"));
        CHECK(e["ts"].is_number());
        REQUIRE(e.contains("args"));
        CHECK(e["args"].is_object());
        if (ph == "X") {
            REQUIRE(e.contains("dur"));
            CHECK(e["dur"].get<double>() > 0);
            ++spans;
            steps += e["cat"] == "step";
        } else {
            CHECK(ph == "i");
            CHECK(e["s"] == "t");
            CHECK_FALSE(e.contains("dur"));
            ++instants;
        }
    }
    CHECK(process_name == "test/traced — Traced");
    CHECK(thread_names == std::set<std::string>{"step 1: Open it", "step 2: Run it"});
    CHECK(steps == 2);
    CHECK(spans == 2 + 3);
    CHECK(instants == 1);

    // Step 2's span encloses its calls: from the mount at 30 µs to the count's end at 45 µs.
    for (const auto& e : list)
        if (e.value("cat", "") == "step" && e["tid"] == 2) {
            CHECK(e["ts"].get<double>() == Approx(30));
            CHECK(e["dur"].get<double>() == Approx(15));
        }
    // Results are labelled, the detail rides along.
    for (const auto& e : list) {
        if (e["name"] == "mount") {
            CHECK(e["args"]["errno"] == "EPERM (Operation not permitted)");
            CHECK(e["args"]["detail"] == "a user namespace may mount /proc only for a PID namespace it owns");
            CHECK(e["args"]["path"] == "/proc");
        }
        if (e["name"] == "open") CHECK(e["args"]["returned"] == 3);
        if (e.value("cat", "") == "exits-in-kvm") CHECK(e["args"]["VM exits kept in KVM (count)"] == 1350);
    }
}
