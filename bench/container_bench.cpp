#include "bench/container_bench.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/fast_start.hpp"
#include "backends/linux/rootfs.hpp"
#include "bench/container_oci.hpp"
#include "bench/stats.hpp"
#include "engine/install_layout.hpp"
#include "engine/recorder.hpp"

extern char** environ;

namespace strata::bench {

namespace {

struct Row {
    std::string name;
    std::string command;
    Summary ns;
    std::string note;
};

std::string find_program(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/local/bin/"}) {
        std::string path = std::string(dir) + name;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

// Whole-process time: posix_spawn to waitpid, output discarded.
std::vector<double> time_command(const std::vector<std::string>& argv, int runs, bool& ok) {
    std::vector<double> out;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    ok = true;
    for (int i = 0; i < runs + 1; ++i) {  // the first run warms caches and is dropped
        const auto t0 = std::chrono::steady_clock::now();
        pid_t pid;
        if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) { ok = false; break; }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { ok = false; break; }
        if (i > 0) out.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
    }
    posix_spawn_file_actions_destroy(&actions);
    return out;
}

// Runs the timer program (bench/container_timer.c) and reads the times it
// prints, one per line; empty when it failed.
std::vector<double> timed_by_helper(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const bool spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipefd[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; spawned && (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) text.append(buf, std::size_t(n));
    ::close(pipefd[0]);
    int status = 0;
    if (!spawned || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
    std::vector<double> out;
    for (std::size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
        out.push_back(std::strtod(text.c_str() + at, nullptr));
    return out;
}

// crun and runc, each running an OCI bundle of the same image. As root
// only: rootless runs need a user namespace mapping in config.json and a
// delegated cgroup, which this bench does not set up.
void add_oci_peers(std::vector<Row>& rows, const std::string& rootfs, int runs) {
    const std::string crun = find_program("crun"), runc = find_program("runc");
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
    const std::string id = fmt::format("strata-bench-{}", ::getpid());
    if (!crun.empty()) {
        const std::vector<std::string> run = {crun, "--root", bundle->state_dir("crun"), "run", "--bundle", bundle->dir(), id};
        if (cgroups_are_hybrid()) {
            // crun refuses hybrid cgroups: give it a private mount namespace
            // without the v2 tree, set up once; only the timer's runs count.
            const std::string timer = engine::helper_program("strata-container-timer").string();
            std::vector<std::string> argv = {find_program("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c",
                                             "umount /sys/fs/cgroup/unified && exec \"$0\" \"$@\"", timer,
                                             std::to_string(runs)};
            argv.insert(argv.end(), run.begin(), run.end());
            auto sample = argv[0].empty() ? std::vector<double>{} : timed_by_helper(argv);
            rows.push_back({"crun run (OCI bundle)", crun, summarize(sample),
                            sample.empty() ? "failed (hybrid cgroups: needs unshare(1) and umount)"
                                           : "hybrid cgroups: in unshare -m without /sys/fs/cgroup/unified (not timed)"});
        } else {
            bool ok = false;
            auto sample = time_command(run, runs, ok);
            rows.push_back({"crun run (OCI bundle)", crun, summarize(sample), ok ? "" : "failed"});
        }
    }
    if (!runc.empty()) {
        bool ok = false;
        auto sample = time_command({runc, "--root", bundle->state_dir("runc"), "run", "--bundle", bundle->dir(), id},
                                   runs, ok);
        rows.push_back({"runc run (OCI bundle)", runc, summarize(sample), ok ? "" : "failed"});
    }
}

}  // namespace

int run_container_bench(int runs, bool json) {
    auto rootfs = linux::find_rootfs();
    if (!rootfs) {
        std::fprintf(stderr, "%s\n%s\n", rootfs.error().describe().c_str(), rootfs.error().hint.c_str());
        return 1;
    }
    std::vector<Row> rows;
    bool failed = false;

    // 1. The raw floor, a separate process like every peer; its own
    //    in-process times exclude its exec, so time the whole process.
    const std::string raw = engine::helper_program("strata-raw-container").string();
    {
        bool ok = false;
        auto sample = time_command({raw, *rootfs, "1"}, runs, ok);
        if (!ok) failed = true;
        rows.push_back({"raw C (clone3 + pivot_root + exec)", raw, summarize(sample), ok ? "" : "failed"});
    }
    // 2. strata's own path, in process (as the app runs it), plus what a
    //    process start costs, measured by /bin/true alone.
    {
        engine::Recorder recorder;
        std::vector<double> sample;
        for (int i = 0; i < runs + 1; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            auto r = linux::run_container_once(recorder, *rootfs, "/bin/true");
            if (!r || *r != 0) {
                failed = true;
                std::fprintf(stderr, "strata: %s\n", r ? "container exited non-zero" : r.error().describe().c_str());
                break;
            }
            if (i > 0) sample.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
            recorder.clear();
        }
        bool ok = false;
        auto true_alone = summarize(time_command({"/bin/true"}, runs, ok));
        auto s = summarize(sample);
        // Put strata on the same footing as the peers: they pay for one
        // process start (fork+exec of the runtime) that an in-process call
        // does not.
        for (auto* v : {&s.median, &s.min, &s.max}) *v += true_alone.median;
        rows.push_back({"strata (linux::run_container_once)", "in process + one process start",
                        s, fmt::format("+{} for a process start", format_ns(true_alone.median))});
    }
    // 3. Peers, when installed.
    if (auto unshare = find_program("unshare"); !unshare.empty()) {
        bool ok = false;
        auto sample = time_command({unshare, "--user", "--map-root-user", "--fork", "--pid", "--mount", "--uts", "--ipc",
                                    "--net", "--cgroup", "--mount-proc", "chroot", *rootfs, "/bin/true"},
                                   runs, ok);
        rows.push_back({"unshare(1) + chroot", unshare, summarize(sample), ok ? "" : "failed"});
    } else {
        rows.push_back({"unshare(1)", "", {}, "not installed (util-linux)"});
    }
    if (auto bwrap = find_program("bwrap"); !bwrap.empty()) {
        bool ok = false;
        auto sample = time_command({bwrap, "--unshare-all", "--bind", *rootfs, "/", "/bin/true"}, runs, ok);
        rows.push_back({"bwrap --unshare-all", bwrap, summarize(sample), ok ? "" : "failed"});
    } else {
        rows.push_back({"bwrap", "", {}, "not installed (bubblewrap)"});
    }
    add_oci_peers(rows, *rootfs, runs);

    const double floor = rows[0].ns.median;
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows)
            out.push_back({{"name", r.name}, {"command", r.command}, {"runs", r.ns.count}, {"median_ns", r.ns.median},
                           {"min_ns", r.ns.min}, {"max_ns", r.ns.max},
                           {"ratio_to_raw", floor > 0 && r.ns.count ? r.ns.median / floor : 0.0}, {"note", r.note}});
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("container start-to-exit (/bin/true), %d runs each, image %s\n", runs, rootfs->c_str());
        std::printf("%-38s %10s %10s %10s %7s\n", "", "median", "min", "max", "x raw");
        for (const auto& r : rows) {
            if (r.ns.count == 0) {
                std::printf("%-38s %s\n", r.name.c_str(), r.note.c_str());
                continue;
            }
            std::printf("%-38s %10s %10s %10s %6.2fx %s\n", r.name.c_str(), format_ns(r.ns.median).c_str(),
                        format_ns(r.ns.min).c_str(), format_ns(r.ns.max).c_str(), floor > 0 ? r.ns.median / floor : 0.0,
                        r.note.c_str());
        }
    }
    return failed ? 1 : 0;
}

}  // namespace strata::bench
