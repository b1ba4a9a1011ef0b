#include "backends/measure/footprint.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "backends/linux/cgroup_layout.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/idle_container.hpp"
#include "backends/measure/idle_vm.hpp"
#include "engine/stop_request.hpp"

namespace strata::measure {

namespace {

using engine::LayerId;
using Clock = std::chrono::steady_clock;

void add(linux::ProcessMemory& sum, const linux::ProcessMemory& m) {
    sum.rss += m.rss;
    sum.pss += m.pss;
    sum.pss_anon += m.pss_anon;
    sum.pss_file += m.pss_file;
    sum.pss_shmem += m.pss_shmem;
}

// A cgroup for a fleet, or why there is none (recorded either way).
std::optional<linux::Cgroup> fleet_cgroup(engine::Recorder& recorder, const std::string& purpose, std::string& why) {
    const auto self = linux::read_text("/proc/self/cgroup");
    auto layout = linux::CgroupLayout::detect("/sys/fs/cgroup", self, ::geteuid());
    if (!layout) {
        why = layout.error().describe();
        return std::nullopt;
    }
    auto cgroup = linux::Cgroup::create(recorder, *layout, purpose);
    if (!cgroup) {
        why = cgroup.error().describe() + (cgroup.error().hint.empty() ? "" : " (" + cgroup.error().hint + ")");
        return std::nullopt;
    }
    return std::move(*cgroup);
}

template <class Instance, class Start>
engine::Result<FleetMemory> measure_fleet(engine::Recorder& recorder, FleetMemory fleet, const std::string& purpose,
                                          std::vector<LayerId> read_layers, Start start) {
    // Declared first, removed last: the instances die before their cgroup.
    auto cgroup = fleet_cgroup(recorder, purpose, fleet.no_cgroup);
    std::vector<Instance> instances;
    const auto t0 = Clock::now();
    for (int i = 0; i < fleet.count; ++i) {
        if (engine::stop_requested()) return engine::stop_error(purpose);
        auto one = start(cgroup ? &*cgroup : nullptr, i);
        if (!one) return std::unexpected(one.error());
        instances.push_back(std::move(*one));
    }
    fleet.start_all = Clock::now() - t0;
    for (auto& instance : instances) {
        // Generous: on a loaded lab machine (or under the QEMU fallback) a
        // VM reaching its first user instruction can take seconds.
        if (!linux::wait_until_sleeping(instance.pid(), std::chrono::seconds(20)))
            return engine::plain_error(fleet.what, fmt::format("pid {} never went idle", instance.pid()));
        auto m = linux::read_process_memory(recorder, instance.pid(), read_layers);
        if (!m) return std::unexpected(m.error());
        add(fleet.processes, *m);
    }
    if (cgroup) {
        auto charged = linux::read_cgroup_memory(*cgroup);
        if (charged) fleet.charged = *charged;
        else fleet.no_cgroup = charged.error().describe();
    }
    return fleet;
}

}  // namespace

engine::Result<FleetMemory> idle_container_memory(engine::Recorder& recorder, const std::string& rootfs, int count) {
    FleetMemory fleet{"idle container (busybox sleep as PID 1, every namespace)", count, {}, {}, {}, {}};
    return measure_fleet<linux::IdleContainer>(
        recorder, std::move(fleet), "footprint-containers", {LayerId::runtime, LayerId::processes, LayerId::ram},
        [&](linux::Cgroup* cgroup, int) { return linux::IdleContainer::start(recorder, rootfs, cgroup); });
}

engine::Result<FleetMemory> idle_vm_memory(engine::Recorder& recorder, int count, bool forward_trace) {
    FleetMemory fleet{"idle VM (tinyos at its first user instruction, in strata-idle-vm)", count, {}, {}, {}, {}};
    return measure_fleet<IdleVm>(recorder, std::move(fleet), "footprint-vms", {LayerId::vmm, LayerId::processes, LayerId::ram},
                                 [&](linux::Cgroup* cgroup, int i) {
                                     return IdleVm::start(recorder, cgroup, forward_trace && i == 0);
                                 });
}

std::vector<DiskUse> disk_use(engine::Recorder& recorder, const std::string& rootfs, std::size_t guest_image_bytes) {
    namespace fs = std::filesystem;
    std::vector<DiskUse> out;
    {
        engine::Span span(recorder, engine::EventKind::file_read, "du " + rootfs, {LayerId::runtime, LayerId::mounts});
        std::set<std::pair<dev_t, ino_t>> seen;
        std::uint64_t blocks = 0, files = 0;
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(rootfs, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            struct stat st {};
            if (::lstat(it->path().c_str(), &st) != 0 || !seen.insert({st.st_dev, st.st_ino}).second) continue;
            blocks += std::uint64_t(st.st_blocks);
            ++files;
        }
        span.arg("files", std::to_string(files));
        span.finish(ec ? -1 : 0, ec.value());
        out.push_back({"container image (strata's busybox root file system)", ec ? std::nullopt : std::optional(blocks * 512),
                       fmt::format("{} files and links, each inode once; shared by every container started from it", files)});
    }
    out.push_back({"a container's own writable layer, idle", 0,
                   "none: these containers write nothing (container/overlay measures an upper layer)"});
    out.push_back({"VM image (tinyos, kernel and programs)", guest_image_bytes,
                   "embedded in strata and copied into each VM's RAM; every VM holds its own copy"});
    utsname u{};
    ::uname(&u);
    const std::string kernel = std::string("/boot/vmlinuz-") + u.release;
    struct stat st {};
    if (::stat(kernel.c_str(), &st) == 0)
        out.push_back({"for scale: the host's kernel image, " + kernel, std::uint64_t(st.st_size),
                       "what a stock Linux guest needs before its own root file system"});
    else
        out.push_back({"for scale: the host's kernel image", std::nullopt, kernel + " is not on this machine"});
    return out;
}

}  // namespace strata::measure
