#include "lessons/compare/common.hpp"

#include <algorithm>

#include <sched.h>
#include <sys/mount.h>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/linux/rootfs.hpp"
#include "engine/try.hpp"

namespace strata::lessons::compare {

Result<linux::Agent> start_full_container(Context& ctx, const std::string& hostname) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    const std::uint64_t flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
    auto box = STRATA_TRY(container::start_container(ctx, flags));
    const std::string root = box.image().empty() ? rootfs : box.image();
    // The order of container/mount-pivot, which explains each call.
    STRATA_TRY(box.mount("", "/", "", MS_REC | MS_PRIVATE));
    STRATA_TRY(box.mount(root, root, "", MS_BIND | MS_REC));
    STRATA_TRY(box.mount("", root, "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV));
    STRATA_TRY(box.chdir(root));
    STRATA_TRY(box.pivot_root(root, root + "/old-root"));
    STRATA_TRY(box.chdir("/"));
    STRATA_TRY(box.mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
    STRATA_TRY(box.umount2("/old-root", MNT_DETACH));
    STRATA_TRY(box.sethostname(hostname));
    return box;
}

Result<std::unique_ptr<kvm::TinyosVm>> boot_tinyos(Context& ctx) {
    auto vm = STRATA_TRY(kvm::TinyosVm::start(ctx.recorder(), guests::tinyos(), kvm::tinyos::Workload::tour,
                                   [&ctx](std::string_view t) { ctx.console_write(t); }));
    STRATA_TRY(run_tinyos(ctx, *vm, kvm::tinyos::ready));
    return vm;
}

Result<kvm::RunReport> run_tinyos(Context& ctx, kvm::TinyosVm& vm, std::uint32_t checkpoint) {
    ctx.set_canceller([&vm] { vm.kick(); });
    auto report = vm.run_to(checkpoint);
    ctx.set_canceller(nullptr);
    return report;
}

std::string guest_uname_line(const kvm::TinyosVm& vm, std::size_t from) {
    const std::string& out = vm.uart().output();
    std::string line = from < out.size() ? out.substr(from) : std::string();
    if (auto at = line.find("uname: "); at != std::string::npos) line = line.substr(at + 7);
    else return {};
    if (auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
    return line;
}

std::size_t count_events(Context& ctx, std::size_t from, engine::EventKind kind) {
    const auto events = ctx.recorder().events();
    std::size_t n = 0;
    for (std::size_t i = from; i < events.size(); ++i) n += events[i].kind == kind;
    return n;
}

std::string ms(double ns) { return fmt::format("{:.2f} ms", ns / 1e6); }

std::string mib(std::uint64_t bytes) { return fmt::format("{:.2f} MiB", double(bytes) / (1024.0 * 1024)); }

double median(std::vector<double> sample) {
    if (sample.empty()) return 0;
    std::sort(sample.begin(), sample.end());
    const std::size_t mid = sample.size() / 2;
    return sample.size() % 2 ? sample[mid] : (sample[mid - 1] + sample[mid]) / 2;
}

}  // namespace strata::lessons::compare
