#include "backends/linux/program_timer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/child_process.hpp"
#include "engine/stop_request.hpp"

extern char** environ;

namespace strata::linux {

SpawnArgs::SpawnArgs(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        pointers.push_back(const_cast<char*>(a.c_str()));
        shown += (shown.empty() ? "" : " ") + a;
    }
    pointers.push_back(nullptr);
}

std::string find_program(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/local/bin/"}) {
        std::string path = std::string(dir) + name;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

Result<std::vector<double>> time_program(Recorder& recorder, const std::vector<std::string>& argv, int runs,
                                         std::vector<LayerId> layers, int expected_status) {
    if (argv.empty()) return engine::plain_error("time program", "no program given");
    const SpawnArgs args(argv);
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);

    CallRecord call;
    call.kind = EventKind::process;
    call.name = fmt::format("{} x{}", args.shown, runs);
    call.layers = std::move(layers);
    call.start = recorder.now();
    std::vector<double> sample;
    std::string failure;
    for (int i = 0; i <= runs; ++i) {
        if (engine::stop_requested()) {  // a signal: strata is stopping
            call.error = ECANCELED;
            failure = "strata was asked to stop";
            break;
        }
        const auto t0 = std::chrono::steady_clock::now();
        pid_t pid = -1;
        if (const int rc = ::posix_spawn(&pid, args.pointers[0], &quiet, nullptr, args.pointers.data(), environ); rc != 0) {
            call.error = rc;
            failure = fmt::format("cannot start {}: {}", argv[0], std::strerror(rc));
            break;
        }
        ChildProcess child(pid);
        const int status = child.wait();
        const auto t1 = std::chrono::steady_clock::now();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != expected_status) {
            failure = fmt::format("{} {} (expected exit status {})", argv[0], describe_wait_status(status), expected_status);
            break;
        }
        if (i > 0) sample.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    posix_spawn_file_actions_destroy(&quiet);
    call.duration = recorder.now() - call.start;
    call.result = std::int64_t(sample.size());
    if (!sample.empty()) {
        auto sorted = sample;
        std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
        call.args = {{"median", fmt::format("{:.2f} ms", sorted[sorted.size() / 2] / 1e6)}};
    }
    call.detail = failure;
    if (auto r = record_call(recorder, std::move(call), "execve"); !r) return std::unexpected(r.error());
    if (!failure.empty()) return engine::plain_error(argv[0], failure);
    return sample;
}

}  // namespace strata::linux
