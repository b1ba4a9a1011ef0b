#include "backends/kvm/vcpu_runner.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <mutex>

#include <fmt/format.h>
#include "backends/kvm/exit_event.hpp"
#include "backends/kvm/linux_kvm.hpp"
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::kvm {

namespace {

// The kvm_run page of the vCPU this thread is running, for the handler.
thread_local kvm_run* current_run = nullptr;

int kick_signal() { return SIGRTMIN + 1; }

void on_kick_signal(int) {
    // Async-signal-safe: one store. If the signal lands just before KVM_RUN
    // enters the guest, immediate_exit makes KVM return EINTR at once.
    if (kvm_run* run = current_run) run->immediate_exit = 1;
}

void install_kick_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction action {};
        action.sa_handler = on_kick_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;  // no SA_RESTART: KVM_RUN must return EINTR
        ::sigaction(kick_signal(), &action, nullptr);
    });
}

// A one-shot timer that signals this thread when the run's time is up.
class WatchdogTimer {
public:
    explicit WatchdogTimer(std::chrono::milliseconds timeout) {
        sigevent event{};
        event.sigev_notify = SIGEV_THREAD_ID;
        event.sigev_signo = kick_signal();
        event._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
        if (::timer_create(CLOCK_MONOTONIC, &event, &timer_) != 0) return;
        armed_ = true;
        itimerspec spec{};
        spec.it_value.tv_sec = timeout.count() / 1000;
        spec.it_value.tv_nsec = (timeout.count() % 1000) * 1'000'000;
        // Repeat, in case the first signal lands between two KVM_RUNs
        // while immediate_exit is being cleared.
        spec.it_interval.tv_nsec = 10'000'000;
        ::timer_settime(timer_, 0, &spec, nullptr);
    }
    ~WatchdogTimer() {
        if (armed_) ::timer_delete(timer_);
    }
    WatchdogTimer(const WatchdogTimer&) = delete;
    WatchdogTimer& operator=(const WatchdogTimer&) = delete;
    bool armed() const { return armed_; }

private:
    timer_t timer_{};
    bool armed_ = false;
};

std::string exit_kind(const ExitInfo& exit) {
    if (auto* io = std::get_if<IoExit>(&exit)) return io->out ? "IO out" : "IO in";
    if (auto* mmio = std::get_if<MmioExit>(&exit)) return mmio->write ? "MMIO write" : "MMIO read";
    auto text = describe_exit(exit);
    return text.substr(0, text.find(' '));
}

// One event for the VM exits KVM handled in the kernel during the run: its
// path stops at the KVM module (no crossing up to the VMM), and its
// arguments are KVM's counters, changed by how much.
void record_kvm_exits(engine::Recorder& recorder, const VcpuStats& stats, const std::vector<std::uint64_t>& before,
                      std::chrono::nanoseconds started, RunReport& report) {
    auto after = stats.sample();
    if (!after) {
        report.kvm_missing = after.error().describe();
        return;
    }
    KvmExitCounts counts = stats.difference(before, *after);
    counts.returns_for_exits = report.exits;
    engine::TraceEvent event;
    event.kind = engine::EventKind::exits_in_kvm;
    event.name = "VM exits KVM handled itself";
    event.layers = {engine::LayerId::cpu_virt, engine::LayerId::kvm};
    event.start = started;
    event.duration = recorder.now() - started;
    event.result = static_cast<std::int64_t>(counts.kept_in_kvm());
    event.args.push_back({"kept in KVM", std::to_string(counts.kept_in_kvm())});
    event.args.push_back({"exits to the VMM", std::to_string(report.exits)});
    for (const auto& [stat, delta] : counts.counters)
        if (delta != 0 || stat == "exits") event.args.push_back({stat, std::to_string(delta)});
    event.detail = "KVM's statistics (KVM_GET_STATS_FD), read before and after this run: every VM exit KVM counted, "
                   "less the exits it returned to the VMM for";
    recorder.record(std::move(event));
    report.kvm = std::move(counts);
}

}  // namespace

VcpuRunner::VcpuRunner(Vcpu& vcpu, Devices& devices) : vcpu_(vcpu), devices_(devices) {
    install_kick_handler();
}

void VcpuRunner::kick() {
    kicked_ = true;
    vcpu_.request_immediate_exit(true);
    if (running_) ::pthread_kill(thread_, kick_signal());
}

engine::Result<RunReport> VcpuRunner::run(RunLimits limits) {
    RunReport report;
    auto& recorder = vcpu_.recorder();
    auto* run_area = reinterpret_cast<kvm_run*>(vcpu_.run_page().data());
    current_run = run_area;
    thread_ = ::pthread_self();
    running_ = true;
    struct Done {
        VcpuRunner& self;
        ~Done() {
            self.running_ = false;
            current_run = nullptr;
            self.vcpu_.request_immediate_exit(false);
        }
    } done{*this};

    const auto started = std::chrono::steady_clock::now();
    const bool pausing = limits.pause_after && *limits.pause_after < limits.timeout;
    WatchdogTimer watchdog(pausing ? *limits.pause_after : limits.timeout);
    if (!watchdog.armed())
        return engine::errno_error("timer_create", errno, "cannot arm the vCPU watchdog");

    // KVM's counters before the first entry; after the last exit below.
    std::optional<std::vector<std::uint64_t>> stats_before;
    if (const VcpuStats* stats = vcpu_.stats()) {
        auto sample = stats->sample();
        if (sample) stats_before = std::move(*sample);
        else report.kvm_missing = sample.error().describe();
    } else {
        report.kvm_missing = vcpu_.stats_missing();
    }
    const auto run_started = recorder.now();

    // The clock is read only where the decision looks at it (on EINTR, the
    // watchdog's signal): not once more per exit.
    auto facts_at = [&](LoopPoint point, const ExitOutcome* exit = nullptr) {
        LoopFacts facts{point, exit, kicked_.load(), {}, report.exits};
        if (point == LoopPoint::interrupted) facts.elapsed = std::chrono::steady_clock::now() - started;
        return facts;
    };
    auto stop_with = [&](RunDecision decision) {
        report.stop = *decision.stop;
        report.description = std::move(decision.why);
        if (report.stop == RunStop::paused) report.checkpoint = decision.checkpoint;
    };

    for (;;) {
        if (auto d = decide_run(facts_at(LoopPoint::before_entry), limits); !d.keep_running()) {
            stop_with(std::move(d));
            break;
        }
        if (before_entry_) before_entry_();
        const auto entered = recorder.now();
        auto entry = vcpu_.enter();
        report.in_guest += recorder.now() - entered;
        if (!entry) {
            if (entry.error().errno_value != EINTR) return std::unexpected(entry.error());
            if (auto d = decide_run(facts_at(LoopPoint::interrupted), limits); !d.keep_running()) {
                stop_with(std::move(d));
                break;
            }
            run_area->immediate_exit = 0;  // a stray signal: go on
            continue;
        }

        ExitOutcome outcome = handle_exit(vcpu_, devices_);
        ++report.exits;
        ++report.exits_by_kind[exit_kind(outcome.exit)];
        report.last_exit = outcome.exit;
        if (auto d = decide_run(facts_at(LoopPoint::exited, &outcome), limits); !d.keep_running()) {
            stop_with(std::move(d));
            break;
        }
    }

    if (stats_before) record_kvm_exits(recorder, *vcpu_.stats(), *stats_before, run_started, report);

    // Where the guest stood when it stopped: worth showing for every stop.
    if (auto regs = vcpu_.get_registers()) {
        report.registers = *regs;
        if (report.stop != RunStop::halted && report.stop != RunStop::paused) report.description += fmt::format(" (RIP {:#x})", regs->rip);
        // AMD SVM reinitialises the vCPU on a shutdown intercept, so after a
        // triple fault there it sits at the reset vector: say so rather than
        // pass 0xfff0 off as the faulting instruction.
        if (report.last_exit && std::holds_alternative<ShutdownExit>(*report.last_exit) && regs->rip == 0xfff0)
            report.description += "; the shutdown reset the vCPU (AMD SVM does), so 0xfff0 is the reset vector, "
                                  "not the faulting instruction";
    }
    return report;
}

}  // namespace strata::kvm
