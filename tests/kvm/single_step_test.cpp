// vm/single-step against a real /dev/kvm: each step executes exactly one
// instruction, landing where the disassembly of the guest's bytes says,
// and a hardware breakpoint stops the guest before the instruction at its
// address.
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "engine/disassembler.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

const engine::Lesson& lesson() {
    const auto* l = lessons::catalogue().find("vm/single-step");
    REQUIRE(l != nullptr);
    return *l;
}

std::string fact(const engine::Snapshot& snap, const std::string& key) {
    for (const auto& [k, v] : snap.facts.values)
        if (k == key) return v;
    return "<missing " + key + ">";
}

}  // namespace

TEST_CASE("vm/single-step: N steps execute exactly N instructions, at the RIPs the disassembly gives", "[kvm]") {
    const auto before = tests::HostState::capture();
    {
        engine::Session session(lesson());
        auto result = session.run_to_end();
        if (!result) FAIL(result.error().describe() + " — " + result.error().hint);
        const auto snap = session.snapshot();
        if (fact(snap, "KVM_CAP_SET_GUEST_DEBUG") != "present") {
            CHECK(snap.steps[2].summary.rfind("skipped: KVM_CAP_SET_GUEST_DEBUG", 0) == 0);
            return;
        }
        // The path through the program, from the test's own disassembly:
        // straight line to the jnz, which is taken back to the add.
        const auto code = engine::disassemble(guests::single_step(), guests::real_mode_load_address,
                                              engine::CpuMode::real16);
        REQUIRE(code.size() >= 6);
        REQUIRE(code[5].mnemonic == "jnz");
        REQUIRE(code[5].branch_target == code[3].address);
        const std::vector<std::uint64_t> expected_after = {code[1].address, code[2].address, code[3].address,
                                                           code[4].address, code[5].address, code[3].address};
        for (int n = 1; n <= 6; ++n) {
            CAPTURE(n);
            CHECK(fact(snap, fmt::format("step {}: instruction", n)) ==
                  fmt::format("{:#x}: {}", code[static_cast<std::size_t>(n - 1)].address,
                              code[static_cast<std::size_t>(n - 1)].text));
            CHECK(fact(snap, fmt::format("step {}: RIP after", n)) ==
                  fmt::format("{:#x}", expected_after[static_cast<std::size_t>(n - 1)]));
            CHECK(fact(snap, fmt::format("step {}: exits to the VMM", n)) == "1");  // one KVM_RUN, one DEBUG exit
        }
        // The breakpoint stopped the guest at the hlt, after its output.
        const auto hlt = std::find_if(code.begin(), code.end(), [](const auto& i) { return i.mnemonic == "hlt"; });
        REQUIRE(hlt != code.end());
        CHECK(fact(snap, "run to here: exits IO out") == "2");
        if (fact(snap, "breakpoint fired") == "yes") {
            CHECK(snap.steps[8].summary.find(fmt::format("stopped before executing the HLT at {:#x}", hlt->address)) !=
                  std::string::npos);
        } else {
            // A host whose CPU ignores the breakpoint (QEMU-emulated AMD-V):
            // the lesson must say so, and the guest must have run to its end.
            REQUIRE(fact(snap, "breakpoint fired") == "no");
            WARN("the hardware breakpoint did not fire on this host");
            CHECK(snap.steps[8].summary.find("did NOT fire") != std::string::npos);
            CHECK(fact(snap, "run to here: exits HLT") == "1");
        }
        CHECK(snap.console == "6\n");
        CHECK(snap.steps.back().status == engine::StepStatus::done);

        for (int step = 0; step < static_cast<int>(lesson().steps.size()); ++step) {
            const auto& id = lesson().steps[static_cast<std::size_t>(step)].id;
            CAPTURE(id);
            // Without a breakpoint hit the guest already halted: nothing left to run.
            if (id == "continue" && fact(snap, "breakpoint fired") == "no") continue;
            const auto check = snap.check_layers(step);
            CHECK(check.missing.empty());
            CHECK(check.unexpected.empty());
        }
    }
    CHECK_NO_LEAKS(before);
}
