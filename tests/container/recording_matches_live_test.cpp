// The shipped container recordings must not rot: each still matches a live
// run of its lesson on this machine — the same calls, in the same order,
// crossing the same layers, failing (with the same errno) or succeeding
// alike, step by step.
//
// What may differ, and why (everything else must match exactly):
//   * values: PIDs, namespace inode numbers, results, durations, how many
//     processes the fork bomb got before pids.max stopped it, the CPU
//     quota's throttling samples. They are arguments, results and facts of
//     one run and are never compared.
//   * inside event names, the parts that name one run or one machine:
//     a PID in /proc/<pid>/..., the PID in strata-<pid>-... cgroup and
//     temporary directory names, mkdtemp's random suffix, and the private
//     strings `strata record` scrubs (container image path, host name).
// Nothing is collapsed or reordered: a container lesson's calls are made
// one at a time by strata, in a fixed order.
//
// A recording is compared only where its lesson can run live, by the same
// kind of user (rootless runs of container/overlay copy the image first),
// and the cgroups lesson only on the cgroup layout it was recorded on: v1,
// hybrid and v2 hosts make different cgroup calls by design.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>

#include <unistd.h>

#include "backends/probe/machine_report.hpp"
#include "backends/replay/recording.hpp"
#include "engine/narrative.hpp"
#include "engine/session.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"
#include "lessons/recording_privacy.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/recording_shape.hpp"

using namespace strata;

namespace {

tests::Leeway container_leeway() {
    tests::Leeway leeway;
    // The temp directory is the machine's (TMPDIR; each test process has
    // its own): the recordings were made with /tmp.
    std::string temp_dir = std::filesystem::temp_directory_path().lexically_normal().string();
    while (temp_dir.size() > 1 && temp_dir.back() == '/') temp_dir.pop_back();
    leeway.normalize_name = [scrub = lessons::recording_scrubber_here(), temp_dir](const std::string& name) {
        static const std::regex proc_pid(R"(/proc/[0-9]+/)");
        static const std::regex strata_pid(R"(\bstrata-[0-9]+-)");
        static const std::regex mkdtemp_suffix(R"((strata-<pid>-[a-z-]+)-[A-Za-z0-9]{6}\b)");
        std::string out = scrub.apply(name);
        for (auto at = out.find(temp_dir + "/"); temp_dir != "/tmp" && at != std::string::npos;
             at = out.find(temp_dir + "/", at + 4))
            out.replace(at, temp_dir.size(), "/tmp");
        out = std::regex_replace(out, proc_pid, "/proc/<pid>/");
        out = std::regex_replace(out, strata_pid, "strata-<pid>-");
        return std::regex_replace(out, mkdtemp_suffix, "$1-XXXXXX");
    };
    return leeway;
}

std::vector<std::filesystem::path> shipped_container_recordings() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(engine::asset_dir() / "recordings" / "container", ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

bool needs(const engine::Lesson& lesson, engine::Requirement r) {
    return std::find(lesson.requirements.begin(), lesson.requirements.end(), r) != lesson.requirements.end();
}

}  // namespace

TEST_CASE("The name normalisation keeps what a lesson chose and drops what the run chose", "[userns][recording]") {
    const auto normalize = container_leeway().normalize_name;
    CHECK(normalize("write /proc/19566/uid_map") == "write /proc/<pid>/uid_map");
    CHECK(normalize("mkdir(/sys/fs/cgroup/pids/strata-20022-limits)") == "mkdir(/sys/fs/cgroup/pids/strata-<pid>-limits)");
    CHECK(normalize("mount(overlay, /tmp/strata-19597-overlay-Wlpz3E/a-merged)") ==
          "mount(overlay, /tmp/strata-<pid>-overlay-XXXXXX/a-merged)");
    const auto temp_dir = std::filesystem::temp_directory_path() / "strata-19597-overlay-Wlpz3E";
    CHECK(normalize("mount(overlay, " + temp_dir.string() + "/a-merged)") ==
          "mount(overlay, /tmp/strata-<pid>-overlay-XXXXXX/a-merged)");
    // What the lesson itself decides stays.
    CHECK(normalize("sethostname(\"strata-box\")") == "sethostname(\"strata-box\")");
    CHECK(normalize("clone3(CLONE_NEWUSER|CLONE_NEWPID)") == "clone3(CLONE_NEWUSER|CLONE_NEWPID)");
    CHECK(normalize("RTM_NEWADDR 10.200.0.1/30 dev veth-out") == "RTM_NEWADDR 10.200.0.1/30 dev veth-out");
    CHECK(normalize("read /proc/self/status") == "read /proc/self/status");
    CHECK(normalize("write /proc/1/uid_map") != normalize("write /proc/1/gid_map"));
}

TEST_CASE("Every shipped container recording still matches a live run of its lesson", "[userns][recording]") {
    const auto files = shipped_container_recordings();
    REQUIRE_FALSE(files.empty());
    const auto leeway = container_leeway();
    const std::string cgroups_here(probe::cgroup_mode_key(probe::detect_cgroup_mode("/sys/fs/cgroup")));
    int compared = 0;
    for (const auto& file : files) {
        // A variant (<lesson>@<options>.json) is compared with a live run
        // made with its options, which the recording holds.
        const std::string stem = file.stem().string();
        const std::string id = "container/" + stem.substr(0, stem.find('@'));
        CAPTURE(id);
        const auto* lesson = lessons::catalogue().find(id);
        REQUIRE(lesson != nullptr);
        auto recording = replay::load_recording(file, *lesson);
        if (!recording) FAIL(recording.error().describe());

        const auto report = probe::probe_machine(lessons::probe_options_for(*lesson));
        if (const auto a = lessons::availability(*lesson, report); a.mode != lessons::Mode::live) {
            WARN(id << " cannot run live here, so its recording is not compared: " << a.why);
            continue;
        }
        if (recording->machine.as_root != (::geteuid() == 0)) {
            WARN(id << " was recorded " << (recording->machine.as_root ? "as root" : "rootless") << " and this run is "
                    << (::geteuid() == 0 ? "as root" : "rootless") << ": some lessons take another path, so it is not "
                    << "compared here");
            continue;
        }
        if (needs(*lesson, engine::Requirement::cgroup_writable) && recording->machine.cgroup_mode != cgroups_here) {
            WARN(id << " was recorded on cgroup " << recording->machine.cgroup_mode << " and this host is "
                    << cgroups_here << ": its cgroup calls differ by design, so it is not compared here");
            continue;
        }

        const auto before = tests::HostState::capture();
        {
            engine::Session session(*lesson, recording->options);
            (void)session.run_to_end();  // a recorded failure must fail the same way
            const auto live = session.snapshot();
            const auto recorded_shape = tests::recording_shape(recording->events, leeway);
            const auto difference = tests::first_difference(recorded_shape, tests::recording_shape(live.events.to_vector(), leeway));
            INFO(difference);
            CHECK(difference.empty());
            CHECK(recorded_shape.size() == recording->events.size());  // nothing was folded away
            REQUIRE(live.steps.size() >= recording->steps.size());
            for (std::size_t i = 0; i < recording->steps.size(); ++i) {
                CAPTURE(recording->steps[i].id);
                CHECK(live.steps[i].status == recording->steps[i].status);
            }
        }
        CHECK_NO_LEAKS(before);
        ++compared;
    }
    if (compared < static_cast<int>(files.size()))
        WARN(compared << " of " << files.size() << " container recordings compared with a live run here");
    // The suite runs only where user namespaces work, and most container
    // lessons need nothing more: a run that compared none compared nothing.
    REQUIRE(compared > 0);
}
