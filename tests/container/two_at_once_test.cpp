// Two strata at once on one machine — two students on a lab machine, or one
// with two windows — each mid-lesson, and a third strata starting meanwhile
// (every command sweeps what killed strata left): nobody removes or reuses
// another's cgroups or temp dirs, the sweep takes only a dead strata's
// leftovers, both lessons finish, and both are in the shared progress file.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "lessons/catalogue.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/strata_process.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPrompt = "[Enter: next step, q: quit]";
constexpr auto kPatience = std::chrono::seconds(30);

// The cgroups and temp dirs named after `pid` (strata-<pid>-…).
std::set<std::string> named_after(pid_t pid) {
    const auto now = tests::HostState::capture();
    const std::string tag = "/strata-" + std::to_string(pid) + "-";
    std::set<std::string> out;
    for (const auto* group : {&now.cgroups, &now.temp_dirs})
        for (const auto& path : *group)
            if (path.find(tag) != std::string::npos) out.insert(path);
    return out;
}

// Steps `strata` prompt by prompt until it owns something of `kind`
// ("/sys/fs/cgroup/" or the temp directory); returns the prompts seen.
int step_until_it_owns(tests::StrataProcess& strata, const std::string& kind, int steps) {
    for (int prompt = 1; prompt < steps; ++prompt) {
        const bool reached = strata.wait_for(kPrompt, prompt, kPatience);
        INFO(strata.output());
        REQUIRE(reached);
        for (const auto& path : named_after(strata.pid()))
            if (path.starts_with(kind)) return prompt;
        strata.type("");
    }
    FAIL("it never made anything under " + kind);
    return 0;
}

// Answers every remaining prompt.
void run_to_end(tests::StrataProcess& strata, int seen, int steps) {
    for (int prompt = seen; prompt < steps; ++prompt) {
        const bool reached = strata.wait_for(kPrompt, prompt, kPatience);
        INFO(strata.output());
        REQUIRE(reached);
        strata.type("");
    }
}

pid_t a_dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

int steps_of(const std::string& id) { return static_cast<int>(lessons::catalogue().find(id)->steps.size()); }

}  // namespace

TEST_CASE("Two strata mid-lesson keep their own cgroups and temp dirs and progress while a third one sweeps", "[root]") {
    const tests::StrataScene scene;
    const std::vector<std::string> args = {"--step-by-step", "--no-narrative", "--live"};
    const int cgroup_steps = steps_of("container/cgroups"), overlay_steps = steps_of("container/overlay");

    {
        const auto cgroups = scene.start({"run", "container/cgroups", args[0], args[1], args[2]});
        const auto overlay = scene.start({"run", "container/overlay", args[0], args[1], args[2]});
        const int cgroups_at = step_until_it_owns(*cgroups, "/sys/fs/cgroup/", cgroup_steps);
        const int overlay_at = step_until_it_owns(*overlay, fs::temp_directory_path().string(), overlay_steps);
        const auto cgroups_owns = named_after(cgroups->pid());
        const auto overlay_owns = named_after(overlay->pid());
        for (const auto& path : cgroups_owns) UNSCOPED_INFO("container/cgroups owns " << path);
        for (const auto& path : overlay_owns) UNSCOPED_INFO("container/overlay owns " << path);

        // What a SIGKILLed strata would have left: a temp dir of a dead pid.
        const pid_t dead = a_dead_pid();
        auto stale = fs::temp_directory_path() / ("strata-" + std::to_string(dead) + "-overlay-left");
        REQUIRE(fs::create_directories(stale / "upper"));

        const auto third = scene.start({"list"});
        tests::check_exit_status(*third, 0, kPatience);
        INFO(third->output());
        CHECK_FALSE(fs::exists(stale));
        CHECK(third->output().find("strata-" + std::to_string(dead) + "-overlay-left") != std::string::npos);
        for (const pid_t live : {cgroups->pid(), overlay->pid()})
            CHECK(third->output().find("strata-" + std::to_string(live) + "-") == std::string::npos);
        // Each still has exactly what it had, and neither took the other's.
        CHECK(named_after(cgroups->pid()) == cgroups_owns);
        CHECK(named_after(overlay->pid()) == overlay_owns);

        run_to_end(*cgroups, cgroups_at, cgroup_steps);
        run_to_end(*overlay, overlay_at, overlay_steps);
        tests::check_exit_status(*cgroups, 0, kPatience);
        tests::check_exit_status(*overlay, 0, kPatience);

        // One progress file, written by both under its lock: both lessons whole.
        std::ifstream in(scene.state_home.path() / "strata" / "progress.json");
        const auto progress = nlohmann::json::parse(in, nullptr, false);
        REQUIRE(progress.is_object());
        for (const auto& [id, steps] : {std::pair{"container/cgroups", cgroup_steps}, {"container/overlay", overlay_steps}}) {
            CAPTURE(id);
            REQUIRE(progress["lessons"].contains(id));
            CHECK(int(progress["lessons"][id]["steps"].size()) == steps);
        }
    }
    CHECK_NO_LEAKS(scene.before);
}
