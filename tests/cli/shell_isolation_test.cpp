// What a person at `strata run … --shell` can do as root in the container:
// the isolation probe (backends/linux/isolation_probe) typed into the real
// shell of container/mount-pivot and container/whole, run by root and by
// nobody. None of it may reach the host or strata's image.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "backends/linux/isolation_probe.hpp"
#include "tests/cli/run_strata.hpp"
#include "tests/support/image_digest.hpp"
#include "tests/support/shell_run.hpp"

namespace {

std::map<std::string, std::string> host_namespaces() {
    std::map<std::string, std::string> out;
    for (const char* kind : {"user", "mnt", "pid", "net", "ipc", "uts", "cgroup"}) {
        char link[128] = {};
        const std::string path = std::string("/proc/self/ns/") + kind;
        if (::readlink(path.c_str(), link, sizeof link - 1) > 0) out[kind] = link;
    }
    return out;
}

// A file anyone may read, removed when the test ends.
struct ScratchFile {
    std::string path;
    explicit ScratchFile(const std::string& text) {
        std::string name_text = "/tmp/strata-" + std::to_string(::getpid()) + "-shell-probe-XXXXXX";
        char* name = name_text.data();
        const int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        path = name;
        REQUIRE(::write(fd, text.data(), text.size()) == ssize_t(text.size()));
        ::fchmod(fd, 0644);
        ::close(fd);
    }
    ~ScratchFile() { ::unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("A root shell in strata's containers cannot reach the host or the image", "[cli][root]") {
    REQUIRE(::geteuid() == 0);
    const std::string lesson = GENERATE("container/mount-pivot", "container/whole");
    const bool as_nobody = GENERATE(false, true);
    CAPTURE(lesson, as_nobody);
    const std::string image_before = strata::tests::image_digest();
    REQUIRE_FALSE(image_before.empty());
    char host_name[256] = {};
    REQUIRE(::gethostname(host_name, sizeof host_name - 1) == 0);

    const ScratchFile script(strata::linux::isolation_probe_script() +
                             "rm -f /bin/busybox 2>/dev/null; test -e /bin/busybox && echo DELETE=refused || "
                             "echo DELETE=done\nexit 7\n");
    std::string who;
    std::filesystem::path state = strata::tests::scratch_state_home();
    if (as_nobody) {
        // An ordinary user: setpriv drops to nobody, with a state dir it may write.
        state /= "nobody";
        std::filesystem::create_directories(state);
        ::chmod(state.c_str(), 0777);
        who = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
    const auto run = strata::tests::run_shell(who + "env XDG_STATE_HOME='" + state.string() + "' " + STRATA_BINARY +
                                              " run " + lesson + " --no-narrative --no-exercises --shell < '" +
                                              script.path + "' 2>&1");
    INFO(run.output);
    REQUIRE(run.status == 0);
    REQUIRE(run.output.find("The shell exited with status 7") != std::string::npos);
    auto a = strata::linux::parse_probe_output(run.output);
    strata::linux::classify_namespaces(a, host_namespaces());
    auto answer = [&](const char* key) { return a.count(key) ? a.at(key) : std::string("(no answer)"); };
    CHECK(answer("UID") == "0");  // root inside ...
    // ... with only the capabilities a runtime leaves: Docker's 14 in the
    // mount-pivot shell, the bundle's 3 in the whole container.
    CHECK(answer("CapEff") == (lesson == "container/whole" ? "0000000020000420" : "00000000a80425fb"));
    CHECK(answer("NoNewPrivs") == "1");
    CHECK(answer("Seccomp") == "2");
    for (const char* ns : {"NS_user", "NS_mnt", "NS_pid", "NS_net", "NS_ipc", "NS_uts", "NS_cgroup"}) {
        CAPTURE(ns);
        CHECK(answer(ns) == "own");
    }
    for (const char* refused : {"PROCSYS", "REMOUNT", "WRITE", "MOUNT", "UNSHARE", "CHROOT", "MKNOD", "REBOOT", "DELETE"}) {
        CAPTURE(refused);
        CHECK(answer(refused) == "refused");
    }
    for (const char* masked : {"KEYS", "TIMERS", "KCORE"}) {
        CAPTURE(masked);
        CHECK(answer(masked) == "masked");
    }
    CHECK((answer("ENVIRON") == "0" || answer("ENVIRON") == "unreadable"));
    CHECK(answer("HOSTNAME") != host_name);

    char host_name_after[256] = {};
    REQUIRE(::gethostname(host_name_after, sizeof host_name_after - 1) == 0);
    CHECK(std::string(host_name_after) == host_name);
    CHECK(strata::tests::image_digest() == image_before);
}
