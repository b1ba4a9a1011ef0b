// The shipped recordings must not rot: each still matches a live run of its
// lesson — the same calls, in the same order, crossing the same layers.
#include <catch2/catch.hpp>

#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "backends/replay/recording.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/shipped_recordings.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

using Shape = std::tuple<int, engine::EventKind, std::string, std::vector<engine::LayerId>>;

bool guest_side(const engine::TraceEvent& e) {
    using engine::EventKind;
    return e.kind == EventKind::vm_entry || e.kind == EventKind::vm_exit || e.kind == EventKind::guest_output ||
           e.kind == EventKind::guest_event;
}

// What must match, step by step. Every call strata makes — each ioctl,
// system call, process and note — in the same order, with the same kind,
// name and layers. Between two of them, what the guest did while it ran:
// its entries and exits, its output, the events its kernel reported —
// the same kinds, crossing the same layers. How many of each and in what
// interleaving follow the guest's timer (a tinyos program prints a line
// more or less before its neighbour's mark), so a stretch of the guest's
// events counts as the set of the different ones in it. Values (addresses,
// fds, durations) differ from run to run and machine to machine anyway.
struct Token {
    std::optional<Shape> call;  // one of strata's calls, or
    std::set<Shape> guest;      // what the guest did between two of them
    bool operator==(const Token&) const = default;
};

std::vector<Token> shape_of(const std::vector<engine::TraceEvent>& events) {
    std::vector<Token> tokens;
    for (const auto& e : events) {
        Shape s{e.step, e.kind, e.name, e.layers};
        if (!guest_side(e)) {
            tokens.push_back({std::move(s), {}});
            continue;
        }
        if (tokens.empty() || tokens.back().call) tokens.push_back({std::nullopt, {}});
        tokens.back().guest.insert(std::move(s));
    }
    return tokens;
}

std::string describe(const Token& t) {
    auto one = [](const Shape& s) {
        return fmt::format("step {} {} {}", std::get<0>(s), engine::event_kind_key(std::get<1>(s)), std::get<2>(s));
    };
    if (t.call) return one(*t.call);
    std::string text = "the guest ran:";
    for (const auto& s : t.guest) text += " [" + one(s) + "]";
    return text;
}

// The first place two shapes part, for the failure message.
std::string first_difference(const std::vector<Token>& live, const std::vector<Token>& recorded) {
    for (std::size_t i = 0; i < std::max(live.size(), recorded.size()); ++i) {
        const std::string a = i < live.size() ? describe(live[i]) : "(nothing)";
        const std::string b = i < recorded.size() ? describe(recorded[i]) : "(nothing)";
        if (a != b) return fmt::format("at {}: live {} / recorded {}", i, a, b);
    }
    return "none";
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
            const auto live_shape = shape_of(*live.events), recorded_shape = shape_of(recording->events);
            CAPTURE(first_difference(live_shape, recorded_shape));
            CHECK(live_shape == recorded_shape);
            REQUIRE(live.steps.size() >= recording->steps.size());
            for (std::size_t i = 0; i < recording->steps.size(); ++i) {
                CAPTURE(recording->steps[i].id);
                CHECK(live.steps[i].status == recording->steps[i].status);
            }
        }
        CHECK_NO_LEAKS(before);
    }
}

TEST_CASE("The recording comparison forgives how often the guest exited, not what strata or the guest did", "[kvm][unit]") {
    using engine::EventKind;
    using engine::LayerId;
    auto ev = [](EventKind kind, std::string name) {
        engine::TraceEvent e;
        e.kind = kind;
        e.name = std::move(name);
        e.step = 0;
        e.layers = {LayerId::vmm, LayerId::kvm};
        return e;
    };
    const auto run = ev(EventKind::vm_entry, "ioctl(KVM_RUN)"), uart = ev(EventKind::vm_exit, "exit: IO out port 0x3f8"),
               mark = ev(EventKind::vm_exit, "exit: IO out port 0x501"), regs = ev(EventKind::ioctl, "ioctl(KVM_GET_REGS)"),
               log = ev(EventKind::ioctl, "ioctl(KVM_GET_DIRTY_LOG)");
    const std::vector<engine::TraceEvent> recorded = {run, uart, run, uart, run, mark, regs, log, run, mark, regs};
    SECTION("more lines printed before the mark: the same") {
        CHECK(shape_of({run, uart, run, uart, run, uart, run, uart, run, mark, regs, log, run, mark, regs}) == shape_of(recorded));
    }
    SECTION("a call of strata's missing: different") {
        CHECK_FALSE(shape_of({run, uart, run, mark, regs, run, mark, regs}) == shape_of(recorded));
    }
    SECTION("strata's calls in another order: different") {
        CHECK_FALSE(shape_of({run, uart, run, mark, log, regs, run, mark, regs}) == shape_of(recorded));
    }
    SECTION("a kind of exit the recording never had: different") {
        CHECK_FALSE(shape_of({run, uart, run, ev(EventKind::vm_exit, "exit: HLT"), run, mark, regs, log, run, mark, regs}) ==
                    shape_of(recorded));
    }
    SECTION("the guest ran where it did not: different") {
        CHECK_FALSE(shape_of({run, uart, run, mark, regs, run, log, run, mark, regs}) == shape_of(recorded));
    }
}
