#include "backends/measure/peers.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/linux_boot.hpp"
#include "backends/linux/child_process.hpp"
#include "backends/linux/helper_process.hpp"
#include "backends/linux/program_timer.hpp"
#include "backends/linux/sweep.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/measure/oci_bundle.hpp"
#include "backends/measure/start_time.hpp"
#include "engine/install_layout.hpp"
#include "engine/stop_request.hpp"

extern char** environ;

namespace strata::measure {

namespace {

using engine::LayerId;

const std::vector<LayerId> kPeerLayers = {LayerId::processes};

// qemu_reset.S writes 0x2a to isa-debug-exit: QEMU exits (0x2a << 1) | 1.
constexpr int kQemuGuestRan = 85;

PeerResult timed(engine::Recorder& recorder, std::string name, const std::vector<std::string>& argv, int runs,
                 int expected_status = 0, std::string note = {}) {
    PeerResult peer{std::move(name), argv.front(), {}, std::move(note)};
    auto sample = linux::time_program(recorder, argv, runs, kPeerLayers, expected_status);
    if (sample) peer.samples = std::move(*sample);
    else peer.note = "failed: " + sample.error().message;
    return peer;
}

// Runs the timer program (bench/container_timer.c) and reads the times it
// prints, one per line; empty when it failed.
std::vector<double> timed_by_helper(engine::Recorder& recorder, const std::vector<std::string>& argv) {
    const linux::SpawnArgs args(argv);
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // A process group of its own: on a stop, the helper, unshare and the
    // crun they run are killed together, not the helper alone.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    engine::Span span(recorder, engine::EventKind::process, "posix_spawn(" + args.shown + ")", kPeerLayers);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args.pointers[0], &actions, &attributes, args.pointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(pipefd[1]);
    linux::ChildProcess child(rc == 0 ? pid : -1);
    std::string text;
    char buf[4096];
    // The helper makes all its runs on its own: a stop request (a signal)
    // must not wait for thousands of them. Destroying `child` kills it.
    pollfd wait_for[2] = {{pipefd[0], POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
    while (rc == 0 && !engine::stop_requested()) {
        if (::poll(wait_for, 2, -1) < 0 && errno != EINTR) break;
        if (engine::stop_requested()) break;
        const ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n <= 0) break;
        text.append(buf, std::size_t(n));
    }
    ::close(pipefd[0]);
    if (engine::stop_requested()) {
        ::kill(-pid, SIGKILL);  // `child` reaps the helper
        return {};
    }
    int status = rc == 0 ? child.wait() : -1;
    span.finish(status, rc);
    if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
    std::vector<double> out;
    for (std::size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
        out.push_back(std::strtod(text.c_str() + at, nullptr));
    return out;
}

// `crun run` of `bundle`, `runs` times. crun 1.8 refuses hybrid cgroups:
// there it gets a private mount namespace without the v2 tree, set up once;
// only the timer's runs count.
PeerResult crun_row(engine::Recorder& recorder, std::string name, const std::string& crun, const std::string& bundle,
                    const std::string& state, const std::string& id, int runs) {
    const std::vector<std::string> run = {crun, "--root", state, "run", "--bundle", bundle, id};
    if (!cgroups_are_hybrid()) return timed(recorder, std::move(name), run, runs);
    std::vector<std::string> argv = {engine::helper_program("strata-container-timer").string(), std::to_string(runs)};
    argv.insert(argv.end(), run.begin(), run.end());
    argv = for_crun_here(std::move(argv));
    auto sample = argv[0].empty() ? std::vector<double>{} : timed_by_helper(recorder, argv);
    return {std::move(name), crun, sample,
            sample.empty() ? "failed (hybrid cgroups: needs unshare(1) and umount)"
                           : "hybrid cgroups: in unshare -m without /sys/fs/cgroup/unified (not timed)"};
}

// crun and runc, each running an OCI bundle of the same image. As root
// only: rootless runs need a user namespace mapping in config.json and a
// delegated cgroup, which this does not set up.
void add_oci_peers(engine::Recorder& recorder, std::vector<PeerResult>& rows, const std::string& rootfs, int runs) {
    const std::string crun = linux::find_program("crun"), runc = linux::find_program("runc");
    if (crun.empty()) rows.push_back({"crun", "", {}, "not installed (apt install crun)"});
    if (runc.empty()) rows.push_back({"runc", "", {}, "not installed (apt install runc)"});
    if (crun.empty() && runc.empty()) return;
    if (::geteuid() != 0) {
        const char* why = "skipped: measured as root only (rootless needs a user namespace in config.json)";
        if (!crun.empty()) rows.push_back({"crun", crun, {}, why});
        if (!runc.empty()) rows.push_back({"runc", runc, {}, why});
        return;
    }
    auto bundle = OciBundle::create(rootfs);
    if (!bundle) {
        rows.push_back({"crun/runc", "", {}, "skipped: could not write the OCI bundle"});
        return;
    }
    const linux::PeerContainerId id("bench");
    if (!crun.empty())
        rows.push_back(
            crun_row(recorder, "crun run (OCI bundle)", crun, bundle->dir(), bundle->state_dir("crun"), id.id(), runs));
    if (!runc.empty())
        rows.push_back(timed(recorder, "runc run (OCI bundle)",
                             {runc, "--root", bundle->state_dir("runc"), "run", "--bundle", bundle->dir(), id.id()}, runs));
}

}  // namespace

PeerResult crun_on_bundle(engine::Recorder& recorder, const std::string& bundle, int runs) {
    const std::string crun = linux::find_program("crun");
    if (crun.empty()) return {"crun run (the same bundle)", "", {}, "not installed (apt install crun)"};
    if (::geteuid() != 0) return {"crun run (the same bundle)", crun, {}, "skipped: measured as root only"};
    auto state = linux::TempDir::create("crun-state");
    if (!state) return {"crun run (the same bundle)", crun, {}, "skipped: " + state.error().describe()};
    const linux::PeerContainerId id("bench-whole");
    return crun_row(recorder, "crun run (the same bundle)", crun, bundle, state->path().string(), id.id(), runs);
}

std::vector<PeerResult> vm_start_peers(engine::Recorder& recorder, int runs) {
    std::vector<PeerResult> rows;
    const std::string qemu = linux::find_program("qemu-system-x86_64");
    if (qemu.empty()) {
        rows.push_back({"qemu-system-x86_64", "", {}, "not installed (apt install qemu-system-x86)"});
        return rows;
    }
    auto dir = linux::TempDir::create("qemu-peer");
    if (!dir) {
        rows.push_back({"qemu-system-x86_64", qemu, {}, "skipped: " + dir.error().describe()});
        return rows;
    }
    const auto firmware = (dir->path() / "reset.bin").string();
    const auto image = guests::qemu_reset();
    std::ofstream(firmware, std::ios::binary).write(reinterpret_cast<const char*>(image.data()), std::streamsize(image.size()));
    for (const char* machine : {"microvm", "pc"}) {
        rows.push_back(timed(recorder, fmt::format("qemu -M {}, KVM, to the guest's first OUT", machine),
                             {qemu, "-accel", "kvm", "-M", machine, "-m", "16", "-nodefaults",
                              "-no-user-config", "-display", "none", "-bios", firmware, "-device",
                              "isa-debug-exit,iobase=0x501,iosize=2"},
                             runs, kQemuGuestRan, "a 64 KiB firmware that exits at once: no BIOS, boot loader or kernel"));
        if (!rows.back().ran()) rows.back().note += " (QEMU could not use KVM here, or lacks this machine type)";
    }
    return rows;
}

PeerResult qemu_microvm_linux(engine::Recorder& recorder, const LinuxBootInputs& inputs, int runs) {
    PeerResult peer{"qemu -M microvm, KVM, the same Linux to /init", "", {}, {}};
    const std::string qemu = linux::find_program("qemu-system-x86_64");
    if (qemu.empty()) {
        peer.note = "not installed (apt install qemu-system-x86)";
        return peer;
    }
    peer.command = qemu;
    auto dir = linux::TempDir::create("qemu-linux-peer");
    if (!dir) {
        peer.note = "skipped: " + dir.error().describe();
        return peer;
    }
    const auto initramfs = (dir->path() / "initramfs.cpio").string();
    std::ofstream(initramfs, std::ios::binary)
        .write(reinterpret_cast<const char*>(inputs.initramfs.data()), std::streamsize(inputs.initramfs.size()));
    // The same RAM, command line and devices Linux finds under strata
    // (COM1, the PIC, the PIT); no BIOS: QEMU's small firmware loads the
    // kernel as strata does. stdout is the console strata watches.
    auto sample = linux::time_program_to_output(
        recorder,
        {qemu, "-accel", "kvm", "-M", "microvm", "-cpu", "host", "-m", fmt::format("{}M", kvm::linux_guest::kDefaultRamSize >> 20),
         "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot", "-kernel",
         inputs.kernel_path, "-initrd", initramfs, "-append", inputs.cmdline},
        inputs.marker, kLinuxStartTimeout, runs, kPeerLayers);
    if (sample) {
        peer.samples = std::move(*sample);
        peer.note = "start to the same line on its serial console; QEMU is then killed";
    } else {
        peer.note = "failed: " + sample.error().message;
    }
    return peer;
}

std::vector<PeerResult> container_start_peers(engine::Recorder& recorder, const std::string& rootfs, int runs) {
    std::vector<PeerResult> rows;
    if (auto unshare = linux::find_program("unshare"); !unshare.empty())
        rows.push_back(timed(recorder, "unshare(1) + chroot",
                             {unshare, "--user", "--map-root-user", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net",
                              "--cgroup", "--mount-proc", "chroot", rootfs, "/bin/true"},
                             runs));
    else
        rows.push_back({"unshare(1)", "", {}, "not installed (util-linux)"});
    if (auto bwrap = linux::find_program("bwrap"); !bwrap.empty())
        rows.push_back(timed(recorder, "bwrap --unshare-all", {bwrap, "--unshare-all", "--bind", rootfs, "/", "/bin/true"}, runs));
    else
        rows.push_back({"bwrap", "", {}, "not installed (apt install bubblewrap)"});
    add_oci_peers(recorder, rows, rootfs, runs);
    return rows;
}

}  // namespace strata::measure
