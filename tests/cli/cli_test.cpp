// The strata binary as a user runs it: exit codes, messages, JSON.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/run_strata.hpp"

using strata::tests::kvm_usable;
using strata::tests::run_strata;

TEST_CASE("An unknown lesson id is a usage error with the closest ids suggested", "[cli]") {
    const auto run = run_strata("run vm/helo-kvm");
    CHECK(run.status == 2);
    CHECK(run.output.find("unknown lesson 'vm/helo-kvm'") != std::string::npos);
    CHECK(run.output.find("Did you mean vm/hello-kvm?") != std::string::npos);
}

TEST_CASE("Bad flags and bad lesson options are usage errors", "[cli]") {
    using Row = std::pair<std::string, std::string>;
    auto [args, expected] = GENERATE(table<std::string, std::string>({
        Row{"run", "lesson is required"},
        Row{"run vm/hello-kvm --no-such-flag", "--no-such-flag"},
        Row{"frobnicate", "frobnicate"},
        Row{"run vm/hello-kvm --set guest=nope", "choose one of: hello, loop, triple-fault"},
        Row{"run vm/hello-kvm --set colour=red", "unknown option 'colour'"},
        Row{"run vm/hello-kvm --set guest", "--set takes key=value"},
        Row{"bench nothing", "nothing"},
        Row{"bench density -n 500", "too many"},
    }));
    CAPTURE(args);
    const auto run = run_strata(args);
    CHECK(run.status == 2);
    CHECK(run.output.find(expected) != std::string::npos);
}

TEST_CASE("doctor's JSON says what the exit code says", "[cli]") {
    const auto run = run_strata("doctor --json");
    const auto json = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(run.status == (json["ready"].get<bool>() ? 0 : 3));
    CHECK(json["facts"]["kvm_kind"].get<std::string>() == (kvm_usable() ? json["facts"]["kvm_kind"].get<std::string>()
                                                                         : std::string("unavailable")));
    bool has_kvm_check = false;
    for (const auto& check : json["checks"]) has_kvm_check |= check["id"] == "kvm.device";
    CHECK(has_kvm_check);
}

// The closing line of `strata doctor` counts the lessons the way `strata
// list` decides them, so it never promises more than list shows.
TEST_CASE("doctor's closing line counts what list shows", "[cli]") {
    const auto list = run_strata("list --json");
    REQUIRE(list.status == 0);
    const auto json = nlohmann::json::parse(list.output, nullptr, false);
    REQUIRE(json.is_array());
    std::size_t live = 0, replay = 0;
    for (const auto& lesson : json) {
        live += lesson["availability"] == "live";
        replay += lesson["availability"] == "replay";
    }
    const auto doctor = run_strata("doctor");
    const std::string expected =
        live == json.size()
            ? fmt::format("All {} lessons can run live on this machine.", live)
            : fmt::format("{} of {} lessons can run live here", live, json.size()) +
                  (replay ? fmt::format(", {} as replays of real runs", replay) : std::string());
    INFO(doctor.output);
    CHECK(doctor.output.find(expected) != std::string::npos);
}

TEST_CASE("list shows every lesson with its availability here", "[cli]") {
    const auto run = run_strata("list --json");
    REQUIRE(run.status == 0);
    const auto json = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE(json.is_array());
    bool found = false;
    for (const auto& lesson : json)
        if (lesson["id"] == "vm/hello-kvm") {
            found = true;
            // The shipped recording stands in where KVM is missing.
            CHECK(lesson["availability"] == (kvm_usable() ? "live" : "replay"));
        }
    CHECK(found);
}

TEST_CASE("Without a usable /dev/kvm a live VM lesson exits 3 with the fix, and with one it runs", "[cli]") {
    const auto run = run_strata("run vm/hello-kvm --live --no-narrative");
    if (kvm_usable()) {
        CHECK(run.status == 0);
        CHECK(run.output.find("Hello from the guest!") != std::string::npos);
    } else {
        CHECK(run.status == 3);
        CHECK(run.output.find("cannot run live on this machine") != std::string::npos);
        CHECK(run.output.find("what to do:") != std::string::npos);
    }
}

TEST_CASE("Without a usable /dev/kvm a VM lesson plays its recording, labelled as such", "[cli]") {
    if (kvm_usable()) {
        WARN("this machine runs VM lessons live; forcing the replay instead");
    }
    const auto run = run_strata(std::string("run vm/hello-kvm --no-narrative --speed 0") + (kvm_usable() ? " --replay" : ""));
    CHECK(run.status == 0);
    CHECK(run.output.find("A real run on Linux") != std::string::npos);
    CHECK(run.output.find("[replay] ioctl(KVM_CREATE_VM)") != std::string::npos);
    CHECK(run.output.find("Hello from the guest!") != std::string::npos);
}

TEST_CASE("Every event is printed on one line, control characters in its arguments escaped", "[cli]") {
    // container/user writes uid_map, whose content ends in a newline (the
    // shipped recording was made as root: a subordinate range).
    const auto run = run_strata("run container/user --no-narrative --no-exercises --replay --speed 0");
    CHECK(run.status == 0);
    CHECK(run.output.find("/uid_map content=0 100000 65536\\n  = 15") != std::string::npos);
    CHECK(run.output.find("content=0 100000 65536\n") == std::string::npos);
}

TEST_CASE("A corrupt or foreign recording is refused with a clear error", "[cli]") {
    std::string path_name = "/tmp/strata-" + std::to_string(::getpid()) + "-test-recording-XXXXXX";
    char* path = path_name.data();
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string truncated = "{\"format\": \"strata-recording\", \"version\": 1, \"lesson\": \"vm/hel";
    REQUIRE(::write(fd, truncated.data(), truncated.size()) == static_cast<ssize_t>(truncated.size()));
    ::close(fd);
    const auto run = run_strata(std::string("run vm/hello-kvm --recording ") + path);
    ::unlink(path);
    CHECK(run.status == 1);
    CHECK(run.output.find("is not valid JSON (truncated or corrupt?)") != std::string::npos);
}

TEST_CASE("Running with --shell ends a container lesson in a shell inside the container it built", "[cli]") {
    const std::string script = "printf 'echo pid=$$; ls /old-root | wc -l; exit 3\\n' | ";
    const std::string command = script + "XDG_STATE_HOME='" + strata::tests::scratch_state_home().string() + "' " +
                                STRATA_BINARY + " run container/mount-pivot --no-narrative --shell 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::string output;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) output.append(buffer.data(), n);
    const int status = ::pclose(pipe.release());
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
        WARN("container lessons cannot run here: " + output);
        return;
    }
    CHECK(WEXITSTATUS(status) == 0);
    // The shell is a low PID of the container's own PID namespace, and the
    // host's tree is gone from /old-root.
    std::smatch pid;
    REQUIRE(std::regex_search(output, pid, std::regex(R"(pid=(\d+))")));
    CHECK(std::stoi(pid[1]) < 10);
    CHECK(output.find("The shell exited with status 3") != std::string::npos);
}

TEST_CASE("Running with --shell is refused for a lesson that builds no container", "[cli]") {
    const auto run = run_strata("run vm/hello-kvm --shell");
    CHECK(run.status == 2);
    CHECK(run.output.find("offers no shell") != std::string::npos);
}

TEST_CASE("A file that is not a snapshot is refused by name, before /dev/kvm is opened", "[cli]") {
    const std::string path = "/tmp/strata-cli-test-" + std::to_string(::getpid()) + ".snap";
    {
        FILE* f = std::fopen(path.c_str(), "w");
        REQUIRE(f);
        std::fputs("#!/bin/sh\necho not a snapshot\n", f);
        std::fclose(f);
    }
    for (const char* command : {"snapshot info ", "snapshot resume "}) {
        CAPTURE(command);
        const auto run = run_strata(command + path);
        CHECK(run.status == 1);
        CHECK(run.output.find("not a strata snapshot") != std::string::npos);
        CHECK(run.output.find("tinyos continues") == std::string::npos);
    }
    std::remove(path.c_str());
    const auto missing = run_strata("snapshot resume /nonexistent/tinyos.snap");
    CHECK(missing.status == 1);
    CHECK(missing.output.find("there is no file by that name") != std::string::npos);
    CHECK(run_strata("snapshot").status == 2);
}

// A lesson whose Markdown is missing is still listed (by its id), and
// doctor names it: the title and summary live only in that file.
TEST_CASE("doctor names a lesson whose Markdown it could not read", "[cli]") {
    namespace fs = std::filesystem;
    const fs::path assets = fs::temp_directory_path() / fmt::format("strata-doctor-assets-{}", ::getpid());
    fs::remove_all(assets);
    fs::create_directories(assets / "lessons");
    fs::copy(fs::path(STRATA_SOURCE_DIR) / "assets/lessons", assets / "lessons", fs::copy_options::recursive);
    REQUIRE(fs::remove(assets / "lessons/container/uts.md"));
    const std::string env = "STRATA_ASSETS='" + assets.string() + "' ";
    const auto doctor = strata::tests::run_shell(env + STRATA_BINARY + " doctor 2>&1 </dev/null");
    const auto json_run = strata::tests::run_shell(env + STRATA_BINARY + " doctor --json 2>/dev/null </dev/null");
    const auto list = strata::tests::run_shell(env + STRATA_BINARY + " list 2>&1 </dev/null");
    fs::remove_all(assets);
    CHECK(std::regex_search(doctor.output, std::regex("lesson text +container/uts: .*uts\\.md")));
    const auto json = nlohmann::json::parse(json_run.output, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    REQUIRE(json["lesson_text_problems"].size() == 1);
    CHECK(json["lesson_text_problems"][0].get<std::string>().starts_with("container/uts: "));
    CHECK(list.output.find("container/uts") != std::string::npos);
}
