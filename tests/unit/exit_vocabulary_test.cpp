// The course's one vocabulary for exits (docs/AUTHORING.md, "Words for
// exits"): a "VM exit" is the CPU leaving guest mode, which KVM mostly
// handles itself; an "exit to the VMM" is KVM_RUN returning. strata's
// vm-exit events and its "exits to the VMM" facts count the second. A
// prediction that asks for VM exits but is answered by counting returns
// teaches the confusion this lint exists to stop.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Does the condition look at returns of KVM_RUN: vm-exit events, or a fact
// strata fills from them ("exits to the VMM", "exits IO out", a device's
// "UART exits ...")? KVM's own counts ("VM exits (KVM's count)", "KVM's
// halt_exits") are VM exits proper.
bool counts_returns(const engine::Condition& c) {
    using K = engine::Condition::Kind;
    if ((c.kind == K::event || c.kind == K::count) && c.event.kind == engine::EventKind::vm_exit) return true;
    if (c.kind == K::fact) {
        const std::string key = lower(c.key);
        if (key.find("kvm's") != std::string::npos) return false;
        if (key.find("exits to the vmm") != std::string::npos) return true;
        if (key.find("exits") != std::string::npos && key.find("vm exits") == std::string::npos) return true;
        // "VM exits" as a fact key is the old name of the returns' count.
        if (key.ends_with("vm exits")) return true;
    }
    return std::any_of(c.children.begin(), c.children.end(), counts_returns);
}

bool asks_for_vm_exits(const std::string& prompt) { return lower(prompt).find("vm exit") != std::string::npos; }

// What is wrong with one exercise's words, one line per problem.
std::vector<std::string> vocabulary_problems(const engine::Exercise& e) {
    std::vector<std::string> problems;
    if (e.kind != engine::ExerciseKind::predict || !asks_for_vm_exits(e.prompt)) return problems;
    for (const auto& choice : e.choices)
        if (counts_returns(choice.when)) {
            problems.push_back("'" + e.id + "' asks for VM exits, but its choice '" + choice.id +
                               "' counts returns of KVM_RUN: ask \"How many times will KVM_RUN return?\" "
                               "or count KVM's VM exits (docs/AUTHORING.md, \"Words for exits\")");
            break;
        }
    return problems;
}

engine::Exercise prediction(std::string prompt, engine::Condition when) {
    engine::Exercise e;
    e.id = "made-up";
    e.kind = engine::ExerciseKind::predict;
    e.prompt = std::move(prompt);
    e.choices = {{"a", "a", std::move(when), 0}, {"b", "b", {}, 0}};
    return e;
}

}  // namespace

TEST_CASE("The vocabulary lint catches a prompt asking for VM exits that counts returns", "[unit][exercise]") {
    engine::Condition returns;
    returns.kind = engine::Condition::Kind::count;
    returns.event.kind = engine::EventKind::vm_exit;
    CHECK(vocabulary_problems(prediction("How many VM exits will the run take?", returns)).size() == 1);
    CHECK(vocabulary_problems(prediction("How many times will KVM_RUN return?", returns)).empty());

    engine::Condition returns_fact;
    returns_fact.kind = engine::Condition::Kind::fact;
    returns_fact.key = "echo: exits to the VMM";
    engine::Condition nested;
    nested.kind = engine::Condition::Kind::all;
    nested.children = {returns_fact};
    CHECK(vocabulary_problems(prediction("How many VM exits will it cause?", nested)).size() == 1);

    engine::Condition kvm_count;
    kvm_count.kind = engine::Condition::Kind::fact;
    kvm_count.key = "timer: VM exits (KVM's count)";
    CHECK(vocabulary_problems(prediction("How many VM exits will KVM count?", kvm_count)).empty());
    kvm_count.key = "timer: KVM's halt_exits";
    CHECK(vocabulary_problems(prediction("Will HLT still be a VM exit?", kvm_count)).empty());
}

TEST_CASE("No lesson's prediction asks for VM exits where it counts returns of KVM_RUN", "[unit][exercise]") {
    std::size_t checked = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
        REQUIRE(exercises);
        for (const auto& e : exercises->exercises) {
            for (const auto& problem : vocabulary_problems(e)) FAIL_CHECK(problem);
            ++checked;
        }
    }
    CHECK(checked > 10);  // the lint saw the course, not an empty list
}

TEST_CASE("Event kinds are explained in the course's words for exits", "[unit][exercise]") {
    using engine::EventKind;
    CHECK(std::string(engine::event_kind_meaning(EventKind::vm_exit)).find("exit to the VMM") != std::string::npos);
    CHECK(std::string(engine::event_kind_meaning(EventKind::exits_in_kvm)).find("KVM_RUN did not return") !=
          std::string::npos);
    EventKind back{};
    REQUIRE(engine::event_kind_from_key("exits-in-kvm", back));
    CHECK(back == EventKind::exits_in_kvm);
    CHECK(engine::event_kind_key(EventKind::exits_in_kvm) == "exits-in-kvm");
    for (auto kind : {EventKind::syscall, EventKind::ioctl, EventKind::vm_exit, EventKind::vm_entry,
                      EventKind::guest_output, EventKind::guest_event, EventKind::process, EventKind::file_read,
                      EventKind::note, EventKind::exits_in_kvm})
        CHECK_FALSE(engine::event_kind_meaning(kind).empty());
}
