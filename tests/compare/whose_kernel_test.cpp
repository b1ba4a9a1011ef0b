// compare/whose-kernel for real: the container's uname is the host's, the
// guest's is tinyos's, and both paths were recorded in the same step.
#include <catch2/catch.hpp>

#include <algorithm>

#include <sys/utsname.h>

#include "tests/compare/common_checks.hpp"

using namespace strata;
using engine::EventKind;
using engine::LayerId;

TEST_CASE("compare/whose-kernel: the host kernel answers the container, tinyos answers in the VM", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/whose-kernel");
    CHECK_COMPARE_RUN_CLEAN(run);
    utsname host{};
    REQUIRE(::uname(&host) == 0);

    // The container's release is the host's; the guest's is not.
    CHECK(run.value("container's uname") == std::string(host.sysname) + " " + host.release);
    CHECK(run.value("container's release is the host's") == "yes");
    const auto guest = run.value("guest's uname");
    CHECK_THAT(guest, Catch::StartsWith("tinyos "));
    CHECK(guest.find(host.release) == std::string::npos);
    CHECK(run.value("guest's answer mentions the host's release") == "no");

    // One step, both paths: the container's uname() event and the guest's UART exits.
    const int step = run.step("ask-both");
    REQUIRE(step >= 0);
    const auto events = run.snapshot.events_of_step(step);
    const auto container_call = std::find_if(events.begin(), events.end(), [](const auto* e) {
        return e->name == "uname()" && e->touches(LayerId::container);
    });
    REQUIRE(container_call != events.end());
    CHECK_FALSE((*container_call)->touches(LayerId::kvm));  // no VMM on the container's path
    auto has_arg = [](const engine::TraceEvent* e, const char* name, const char* value) {
        return std::any_of(e->args.begin(), e->args.end(), [&](const auto& a) { return a.name == name && a.value == value; });
    };
    const auto uart_exits = std::count_if(events.begin(), events.end(), [&](const auto* e) {
        return e->kind == EventKind::vm_exit && has_arg(e, "device", "16550 UART");
    });
    const auto bytes_out = std::count_if(events.begin(), events.end(), [&](const auto* e) {
        return e->kind == EventKind::vm_exit && has_arg(e, "port", "0x3f8");
    });
    CHECK(bytes_out > 0);
    CHECK(uart_exits > bytes_out);  // each byte also polls the line status first
    CHECK(std::to_string(uart_exits) == run.value("exits to the VMM to print it (COM1)"));
    const auto guest_uname = std::count_if(events.begin(), events.end(),
                                           [](const auto* e) { return e->name == "guest syscall: uname"; });
    CHECK(guest_uname == 1);  // tinyos reported the uname its program made
}
