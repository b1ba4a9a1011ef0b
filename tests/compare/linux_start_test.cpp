// `strata bench start`'s "Linux VM to /init" row and its peer, for real:
// strata's VMM and QEMU -M microvm each boot the same kernel and initramfs
// until /init prints its first line. Numbers are not asserted (benchmarks
// are not timed tests); that each boot happened, phase by phase, is.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/compare/bench_run.hpp"

namespace {

const nlohmann::json* row_named(const nlohmann::json& rows, const std::string& name) {
    for (const auto& row : rows)
        if (row["name"] == name) return &row;
    return nullptr;
}

}  // namespace

TEST_CASE("strata bench start: a Linux VM to /init, next to QEMU microvm booting the same kernel", "[kvm][userns]") {
    const auto run = strata::tests::strata_bench("bench start -n 1 --json");
    const auto j = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    CAPTURE(j.dump(1));
    CHECK(run.status == 0);
    const auto& rows = j["rows"];
    const auto* linux_vm = row_named(rows, "Linux VM to /init (strata)");
    REQUIRE(linux_vm);
    CHECK((*linux_vm)["runs"] == 1);
    CHECK((*linux_vm)["median_ns"].get<double>() > 0);
    CHECK((*linux_vm)["note"].get<std::string>().find("vmlinuz") != std::string::npos);  // which kernel it booted
    // Its phases follow it, each measured, and the boot itself is most of it.
    for (const char* phase : {"open + KVM_CREATE_VM + irqchip + PIT", "guest RAM",
                              "kernel, initramfs, zero page, page tables", "vCPU, CPUID, registers, PC devices",
                              "Linux boots to /init"}) {
        const auto* p = row_named(rows, phase);
        REQUIRE(p);
        CHECK((*p)["level"] == 1);
        CHECK((*p)["runs"] == 1);
    }
    CHECK((*row_named(rows, "Linux boots to /init"))["median_ns"].get<double>() >
          (*row_named(rows, "guest RAM"))["median_ns"].get<double>());
    // The peer boots the same kernel and initramfs (QEMU is needed for the
    // fallback this runs in, and carried into it; natively it may be absent).
    const auto* peer = row_named(rows, "peer: qemu -M microvm, KVM, the same Linux to /init");
    REQUIRE(peer);
    if ((*peer)["note"].get<std::string>().starts_with("not installed")) {
        WARN("QEMU is not installed: the peer row says so");
    } else {
        CHECK((*peer)["runs"] == 1);
        CHECK((*peer)["median_ns"].get<double>() > 0);
    }
}
