#include "bench/exit_cost_bench.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assets/guests/images.hpp"
#include "backends/kvm/exit_event.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/mmio_devices.hpp"
#include "backends/kvm/pv_console.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"
#include "bench/raw_program.hpp"
#include "engine/stop_request.hpp"

namespace strata::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kRam = 2u << 20;
constexpr std::uint64_t kMmioAddress = 0x300000;  // mapped by the tables, no RAM behind it
constexpr std::uint64_t kRing = 0x7000;
constexpr int kWarmUp = 20;
const char* const kKinds[] = {"pio", "mmio", "doorbell"};

// One (mode, kind): a fresh VM, warm-up exits, then `runs` timed ones.
engine::Result<Summary> measure_one(kvm::Kvm& kvm, engine::Recorder& recorder, bool user, int kind, int runs) {
    auto vm = kvm.create_vm();
    if (!vm) return std::unexpected(vm.error());
    auto ram = kvm::GuestMemory::allocate(recorder, 0, kRam);
    if (!ram) return std::unexpected(ram.error());
    if (auto r = ram->write(guests::long_mode_load_address, guests::exit_cost()); !r) return std::unexpected(r.error());
    kvm::LongModeLayout layout;
    layout.user_pages = true;
    if (auto r = kvm::write_long_mode_tables(recorder, *ram, layout); !r) return std::unexpected(r.error());
    if (auto r = vm->map_memory(0, *ram); !r) return std::unexpected(r.error());
    auto vcpu = vm->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    if (auto r = kvm::enter_long_mode(*vcpu, layout, guests::long_mode_load_address, 0x80000, user ? 3 : 0); !r)
        return std::unexpected(r.error());
    auto regs = vcpu->get_registers();
    if (!regs) return std::unexpected(regs.error());
    regs->rdi = static_cast<std::uint64_t>(kind);
    regs->rsi = kMmioAddress;
    if (auto r = vcpu->set_registers(*regs); !r) return std::unexpected(r.error());

    kvm::Devices devices;
    kvm::PvConsole doorbell(*ram, kRing);
    kvm::MmioRegisterPage mmio;
    if (auto r = devices.pio.attach(0x502, 1, doorbell); !r) return std::unexpected(r.error());
    if (auto r = devices.mmio.attach(kMmioAddress, 0x1000, mmio); !r) return std::unexpected(r.error());

    std::vector<double> sample;
    sample.reserve(static_cast<std::size_t>(runs));
    for (int i = -kWarmUp; i < runs; ++i) {
        if (engine::stop_requested()) return engine::stop_error("strata bench exit-cost");
        const auto t0 = Clock::now();
        if (auto r = vcpu->enter(); !r) return std::unexpected(r.error());
        // What a lesson's run loop does with every exit: decode, dispatch, record.
        auto outcome = kvm::handle_exit(*vcpu, devices);
        const auto t1 = Clock::now();
        const bool expected = kind == 1 ? std::holds_alternative<kvm::MmioExit>(outcome.exit)
                                        : std::holds_alternative<kvm::IoExit>(outcome.exit);
        if (!expected)
            return engine::plain_error("bench exit-cost", fmt::format("{} {}: unexpected {}", user ? "user" : "kernel",
                                                                      kKinds[kind], outcome.name));
        if (i >= 0) sample.push_back(static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    }
    return summarize(std::move(sample));
}

}  // namespace

const std::vector<std::string>& exit_cost_cases() {
    static const std::vector<std::string> cases = {"kernel/pio", "kernel/mmio", "kernel/doorbell",
                                                   "user/pio",   "user/mmio",   "user/doorbell"};
    return cases;
}

engine::Result<ExitCosts> measure_strata_exit_cost(int runs) {
    ExitCosts costs;
    for (int user = 0; user <= 1; ++user)
        for (int kind = 0; kind <= 2; ++kind) {
            engine::Recorder recorder;  // tracing on, as in a lesson; one per case keeps it small
            auto kvm = kvm::Kvm::open(recorder);
            if (!kvm) return std::unexpected(kvm.error());
            auto summary = measure_one(*kvm, recorder, user == 1, kind, runs);
            if (!summary) return std::unexpected(summary.error());
            costs[fmt::format("{}/{}", user ? "user" : "kernel", kKinds[kind])] = *summary;
        }
    return costs;
}

engine::Result<ExitCosts> parse_exit_cost_lines(const std::string& text) {
    auto lines = json_object_lines(text, "raw exit-cost output");
    if (!lines) return std::unexpected(lines.error());
    ExitCosts costs;
    for (const auto& [line_number, j] : *lines) {
        if (!j.contains("mode") || !j.contains("kind") || !j["mode"].is_string() || !j["kind"].is_string())
            return engine::plain_error("raw exit-cost output", fmt::format("line {} is not a result object", line_number));
        Summary s;
        for (auto [key, field] : {std::pair{"median", &s.median}, {"min", &s.min}, {"max", &s.max}}) {
            if (!j.contains(key) || !j[key].is_number())
                return engine::plain_error("raw exit-cost output", fmt::format("line {} lacks '{}'", line_number, key));
            *field = j[key].get<double>();
        }
        s.count = j.value("runs", 0u);
        costs[j["mode"].get<std::string>() + "/" + j["kind"].get<std::string>()] = s;
    }
    return costs;
}

engine::Result<ExitCosts> measure_raw_exit_cost(const std::string& raw_program, int runs) {
    auto output = run_raw_program(raw_program, runs);
    if (!output) return std::unexpected(output.error());
    return parse_exit_cost_lines(*output);
}

void report_exit_cost(const ExitCosts& strata, const ExitCosts& raw, bool json) {
    nlohmann::json out = nlohmann::json::object();
    if (!json)
        std::printf("%-16s %32s %32s %7s\n", "exit (mode/kind)", "strata (traced): median [min–max]",
                    "raw ioctls: median [min–max]", "ratio");
    for (const auto& name : exit_cost_cases()) {
        const Summary s = strata.count(name) ? strata.at(name) : Summary{};
        const Summary r = raw.count(name) ? raw.at(name) : Summary{};
        const double ratio = r.median > 0 ? s.median / r.median : 0;
        if (json) {
            out[name] = {{"strata", {{"median_ns", s.median}, {"min_ns", s.min}, {"max_ns", s.max}, {"runs", s.count}}},
                         {"raw", {{"median_ns", r.median}, {"min_ns", r.min}, {"max_ns", r.max}, {"runs", r.count}}},
                         {"ratio", ratio}};
        } else {
            std::printf("%-16s %32s %32s %6.2fx\n", name.c_str(),
                        fmt::format("{} [{}–{}]", format_ns(s.median), format_ns(s.min), format_ns(s.max)).c_str(),
                        fmt::format("{} [{}–{}]", format_ns(r.median), format_ns(r.min), format_ns(r.max)).c_str(), ratio);
        }
    }
    if (json) {
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }
    std::printf("\nMethod: a 64-bit guest (assets/guests/exit_cost.S) loops on one kind of exit, in ring 0 or ring 3; "
                "each KVM_RUN from entry to the next exit is timed with CLOCK_MONOTONIC, after %d warm-up exits, "
                "in a fresh VM per case. strata's column includes decoding, device dispatch and recording each exit; "
                "the raw column is bench/raw_exit_cost.c with bare ioctls, in the same run. The doorbell case also "
                "moves one byte through the paravirtual ring.\n", kWarmUp);
}

}  // namespace strata::bench
