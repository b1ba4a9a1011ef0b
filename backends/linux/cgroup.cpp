#include "backends/linux/cgroup.hpp"

#include <cerrno>
#include <csignal>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/linux/host_files.hpp"

namespace strata::linux {

namespace fs = std::filesystem;

namespace {

const std::vector<LayerId> kLayers = {LayerId::runtime, LayerId::cgroups};

Result<void> traced_mkdir(Recorder& recorder, const fs::path& dir) {
    CallRecord call;
    call.name = "mkdir(" + dir.string() + ")";
    call.layers = kLayers;
    call.start = recorder.now();
    call.result = ::mkdir(dir.c_str(), 0755);
    call.error = call.result < 0 ? errno : 0;
    call.duration = recorder.now() - call.start;
    call.detail = "a new directory in cgroupfs is a new cgroup; the kernel fills it with control files";
    if (auto r = record_call(recorder, std::move(call), "cgroup mkdir"); !r) return std::unexpected(r.error());
    return {};
}

}  // namespace

bool destroy_cgroup_dir(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return true;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_directory(ec)) destroy_cgroup_dir(entry.path());
    // v2 has cgroup.kill (5.14+); otherwise SIGKILL each pid until empty.
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
        if (errno != EBUSY) return false;
        if (FILE* kill_file = std::fopen((dir / "cgroup.kill").c_str(), "w")) {
            std::fputs("1", kill_file);
            std::fclose(kill_file);
        }
        std::istringstream procs(read_text((dir / "cgroup.procs").string()));
        for (int pid; procs >> pid;) ::kill(pid, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

Result<Cgroup> Cgroup::create(Recorder& recorder, const CgroupLayout& layout, const std::string& purpose) {
    Cgroup cg;
    cg.recorder_ = &recorder;
    cg.layout_ = layout;
    cg.name_ = strata_cgroup_name(::getpid(), purpose);
    if (layout.version == CgroupVersion::v2) {
        // Let children of the parent use these controllers (a no-op when
        // already enabled; refused when we may not, which the hint explains).
        if (auto r = host_write(recorder, (layout.v2_parent / "cgroup.subtree_control").string(), "+memory +pids +cpu",
                                kLayers, "cgroup write");
            !r)
            return std::unexpected(r.error());
        const fs::path dir = layout.v2_parent / cg.name_;
        if (auto r = traced_mkdir(recorder, dir); !r) return std::unexpected(r.error());
        cg.dirs_.push_back(dir);
        return cg;
    }
    for (const char* controller : {"memory", "pids", "cpu"}) {
        const fs::path dir = layout.dir_of(controller, cg.name_);
        if (auto r = traced_mkdir(recorder, dir); !r) return std::unexpected(r.error());
        cg.dirs_.push_back(dir);
    }
    return cg;
}

Cgroup::Cgroup(Cgroup&& other) noexcept
    : recorder_(other.recorder_), layout_(std::move(other.layout_)), name_(std::move(other.name_)),
      dirs_(std::move(other.dirs_)) {
    other.dirs_.clear();
}

Cgroup& Cgroup::operator=(Cgroup&& other) noexcept {
    if (this != &other) {
        remove(false);
        recorder_ = other.recorder_;
        layout_ = std::move(other.layout_);
        name_ = std::move(other.name_);
        dirs_ = std::move(other.dirs_);
        other.dirs_.clear();
    }
    return *this;
}

fs::path Cgroup::path_of(CgroupKnob knob) const {
    return layout_.dir_of(CgroupLayout::controller_of(knob), name_) / layout_.file_of(knob);
}

bool Cgroup::has(CgroupKnob knob) const {
    std::error_code ec;
    return fs::exists(path_of(knob), ec);
}

Result<void> Cgroup::set(CgroupKnob knob, const std::string& value) {
    return host_write(*recorder_, path_of(knob).string(), value, kLayers, "cgroup write");
}

Result<std::string> Cgroup::read(CgroupKnob knob) { return host_read(*recorder_, path_of(knob).string(), kLayers); }

Result<void> Cgroup::add(pid_t pid) {
    for (const auto& dir : dirs_)
        if (auto r = host_write(*recorder_, (dir / "cgroup.procs").string(), std::to_string(pid), kLayers, "cgroup write");
            !r)
            return r;
    return {};
}

Result<void> Cgroup::remove(bool record) {
    Result<void> result;
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
        const bool ok = destroy_cgroup_dir(*it);
        if (!ok && result) result = engine::errno_error("rmdir " + it->string(), EBUSY, "a process would not die");
        if (recorder_ && record) {
            CallRecord call;
            call.name = "rmdir(" + it->string() + ")";
            call.layers = kLayers;
            call.start = recorder_->now();
            call.error = ok ? 0 : EBUSY;
            call.result = ok ? 0 : -1;
            (void)record_call(*recorder_, std::move(call), "cgroup rmdir");
        }
    }
    dirs_.clear();
    return result;
}

}  // namespace strata::linux
