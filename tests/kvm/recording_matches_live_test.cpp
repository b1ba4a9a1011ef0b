// The shipped recordings must not rot: each still matches a live run of its
// lesson — the same calls, in the same order, crossing the same layers,
// failing or succeeding alike (tests/support/recording_shape.hpp, whose
// unit test shows the comparison failing where it must).
#include <catch2/catch.hpp>

#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "backends/probe/machine_report.hpp"
#include "backends/replay/recording.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/lesson_lookup.hpp"
#include "tests/kvm/shipped_recordings.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/recording_shape.hpp"

using namespace strata;

namespace {

// What may differ for a VM lesson. Values (addresses, fds, durations)
// differ from run to run and are never compared; so may how often a
// repeated guest event repeats (timer ticks, polls), so runs of identical
// ones count once. Lessons listed here run a guest that schedules its own
// programs, and say why; strata's calls still match one for one.
tests::Leeway leeway_for(const std::string& lesson_id) {
    static const std::map<std::string, std::string> guest_runs_freely = {
        {"vm/tiny-os", "tinyos preempts its ring-3 programs on PIT ticks, which land at different instructions in "
                       "every run, so the programs' events interleave differently"},
        {"vm/snapshot", "tinyos's snapshot workload runs a ticker beside the program strata waits for, so a line more "
                        "or less is printed before each mark strata stops at"},
    };
    tests::Leeway leeway;
    leeway.collapse_repeats = true;
    leeway.guest_runs_freely = guest_runs_freely.contains(lesson_id);
    return leeway;
}

// Where the host, not strata, decides the rest of a run: a hardware
// breakpoint that QEMU's emulated AMD-V ignores. vm/single-step then says
// "did NOT fire" and runs the guest to its end (single_step_test checks
// both ways), so its calls differ from that step on, as they must; the
// comparison stops before it. Empty: compare every step.
std::optional<int> host_decides_from(const engine::Lesson& lesson, const engine::Snapshot& live) {
    if (lesson.id != "vm/single-step") return std::nullopt;
    for (const auto& [key, value] : live.facts.values)
        if (key == "breakpoint fired" && value == "no")
            for (std::size_t i = 0; i < lesson.steps.size(); ++i)
                if (lesson.steps[i].id == "breakpoint") return static_cast<int>(i);
    return std::nullopt;
}

std::vector<engine::TraceEvent> before_step(std::vector<engine::TraceEvent> events, std::optional<int> step) {
    if (step) std::erase_if(events, [&](const engine::TraceEvent& e) { return e.step >= *step; });
    return events;
}

// "software-nested, nested under KVM" -> "software-nested".
std::string kvm_kind_of(const std::string& recorded) { return recorded.substr(0, recorded.find(',')); }

}  // namespace

TEST_CASE("Every shipped VM recording still matches a live run of its lesson", "[kvm][recording]") {
    const auto recordings = tests::shipped_vm_recordings();
    REQUIRE_FALSE(recordings.empty());
    // A hypervisor decides some exits (PVM never exits for the interrupt
    // window): the exits are compared on the kind of KVM the recording was
    // made on, strata's own calls on every kind — so every recording is
    // compared, also inside the QEMU fallback.
    probe::MachineReport here;
    probe::probe_kvm(here, "/dev/kvm");
    const std::string kind_here(probe::kvm_kind_key(here.facts.kvm_kind));
    for (const auto& shipped : recordings) {
        CAPTURE(shipped.lesson_id);
        // A variant (<lesson>@<options>) is compared with a live run made
        // with its options, which the recording holds.
        const std::string lesson_id = shipped.lesson_id.substr(0, shipped.lesson_id.find('@'));
        const auto* lesson = lessons::catalogue().find(lesson_id);
        REQUIRE(lesson != nullptr);
        if (tests::boots_a_linux_kernel(*lesson)) continue;  // boot_linux_in_qemu runs it live
        auto json = nlohmann::json::parse(shipped.json, nullptr, false);
        REQUIRE_FALSE(json.is_discarded());
        auto recording = replay::recording_from_json(json, *lesson);
        if (!recording) FAIL(recording.error().describe());
        const bool same_kind = kvm_kind_of(recording->machine.kvm_kind) == kind_here;
        CAPTURE(recording->machine.kvm_kind, kind_here);

        const auto before = tests::HostState::capture();
        {
            engine::Session session(*lesson, recording->options);
            (void)session.run_to_end();  // a recording of a failing run must fail the same way
            const auto live = session.snapshot();
            // strata's own calls match on every kind of KVM; the exits too
            // where the recording was made on this kind.
            const auto host_decides = host_decides_from(*lesson, live);
            INFO((host_decides ? "compared before step " + std::to_string(*host_decides + 1) + ": this host decided the rest"
                               : std::string("every step compared")));
            const auto recorded_events = before_step(recording->events, host_decides);
            const auto live_events = before_step(live.events.to_vector(), host_decides);
            auto calls_only = leeway_for(lesson_id);
            calls_only.strata_calls_only = true;
            const auto recorded_calls = tests::recording_shape(recorded_events, calls_only);
            CHECK_FALSE(recorded_calls.empty());  // there was something to compare
            const auto call_difference =
                tests::first_difference(recorded_calls, tests::recording_shape(live_events, calls_only));
            INFO(call_difference);
            CHECK(call_difference.empty());
            if (same_kind) {
                const auto leeway = leeway_for(lesson_id);
                const auto difference = tests::first_difference(tests::recording_shape(recorded_events, leeway),
                                                                tests::recording_shape(live_events, leeway));
                INFO(difference);
                CHECK(difference.empty());
            }
            REQUIRE(live.steps.size() >= recording->steps.size());
            for (std::size_t i = 0; i < recording->steps.size(); ++i) {
                if (host_decides && static_cast<int>(i) >= *host_decides) break;
                CAPTURE(recording->steps[i].id);
                CHECK(live.steps[i].status == recording->steps[i].status);
            }
        }
        CHECK_NO_LEAKS(before);
    }
}
