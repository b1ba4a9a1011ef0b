// strata SIGKILLed in the middle of container/network, with the veth pair
// built and addressed: the agents die with it, no process is left in either
// of the lesson's network namespaces (so the kernel frees them and deletes
// the veth pair), and the host's interfaces are what they were.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "engine/session.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

std::set<std::string> host_interfaces() {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator("/sys/class/net")) out.insert(e.path().filename());
    return out;
}

// Processes whose network namespace is `ns` ("net:[4026532...]").
std::vector<std::string> processes_in(const std::string& ns) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const auto link = fs::read_symlink(e.path() / "ns/net", ec);
        if (!ec && link.string() == ns) out.push_back(name);
    }
    return out;
}

}  // namespace

TEST_CASE("A SIGKILLed strata leaves no network namespace or veth of container/network behind", "[root]") {
    const auto before = host_interfaces();
    int report[2];
    REQUIRE(::pipe(report) == 0);
    const pid_t strata = ::fork();
    REQUIRE(strata >= 0);
    if (strata == 0) {
        ::close(report[0]);
        engine::Session network(*lessons::catalogue().find("container/network"));
        std::vector<pid_t> agents;
        network.set_listener([&agents](const engine::TraceEvent& e) {
            if (e.name.starts_with("clone3(") && e.result > 0) agents.push_back(pid_t(e.result));
        });
        for (int i = 0; i < 5; ++i)  // up to "addresses": both ends up, addressed
            if (!network.step()) ::_exit(1);
        std::string lines;
        for (pid_t pid : agents) {
            std::error_code ec;
            lines += fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", ec).string() + "\n";
        }
        (void)!::write(report[1], lines.data(), lines.size());
        ::close(report[1]);
        ::pause();
        ::_exit(0);
    }
    ::close(report[1]);
    std::string text;
    char buf[512];
    for (ssize_t n; (n = ::read(report[0], buf, sizeof buf)) > 0;) text.append(buf, std::size_t(n));
    ::close(report[0]);
    std::vector<std::string> namespaces;
    for (std::size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
        namespaces.push_back(text.substr(at, nl - at));
    REQUIRE(namespaces.size() == 2);
    CHECK(namespaces[0] != namespaces[1]);
    for (const auto& ns : namespaces) CHECK(ns.starts_with("net:["));
    CHECK_FALSE(processes_in(namespaces[0]).empty());  // alive while strata is

    ::kill(strata, SIGKILL);
    int status = 0;
    ::waitpid(strata, &status, 0);
    REQUIRE(WIFSIGNALED(status));

    for (const auto& ns : namespaces) {
        CAPTURE(ns);
        bool empty = false;
        for (int i = 0; i < 400 && !empty; ++i) {
            empty = processes_in(ns).empty();
            if (!empty) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        CHECK(empty);
    }
    CHECK(host_interfaces() == before);
}
