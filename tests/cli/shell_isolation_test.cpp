// What a person at `strata run container/mount-pivot --shell` can do as
// root in the container: the probe a runtime comparison runs, typed into
// the real shell. None of it may reach the host or strata's image.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <vector>
#include <sstream>

#include <stdlib.h>
#include <unistd.h>

#include "tests/cli/run_strata.hpp"
#include "tests/support/image_digest.hpp"
#include "tests/support/shell_run.hpp"

namespace {

// One line per probe, "NAME=answer", so a missing line is visible.
const char* const kProbe = R"(id -u | sed 's/^/UID=/'
grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\t' | tr ':' '='
echo strata-probe > /proc/sys/kernel/hostname 2>/dev/null && echo PROCSYS=written || echo PROCSYS=refused
mount -o remount,rw / 2>/dev/null && echo REMOUNT=done || echo REMOUNT=refused
touch /etc/strata-was-here 2>/dev/null && echo WRITE=done || echo WRITE=refused
rm -f /bin/busybox 2>/dev/null; test -e /bin/busybox && echo DELETE=refused || echo DELETE=done
mount -t tmpfs none /mnt 2>/dev/null && echo MOUNT=done || echo MOUNT=refused
unshare -U true 2>/dev/null && echo UNSHARE=done || echo UNSHARE=refused
chroot / true 2>/dev/null && echo CHROOT=done || echo CHROOT=refused
mknod /tmp/strata-null c 1 3 2>/dev/null && echo MKNOD=done || echo MKNOD=refused
test -s /proc/keys && echo KEYS=visible || echo KEYS=masked
test -s /proc/timer_list && echo TIMERS=visible || echo TIMERS=masked
cat /proc/1/environ 2>/dev/null | tr -d '\0' | wc -c | sed 's/^ */ENVIRON=/'
hostname | sed 's/^/HOSTNAME=/'
tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ',' | sed 's/^/NET=/'; echo
reboot -f 2>/dev/null; echo REBOOT=refused
exit 7
)";

std::map<std::string, std::string> answers(const std::string& output) {
    std::map<std::string, std::string> out;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0 || line.find(' ') < eq) continue;
        out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

// The host's network interfaces other than loopback.
std::vector<std::string> host_interfaces() {
    std::vector<std::string> out;
    const auto text = strata::tests::run_shell("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '").output;
    std::istringstream lines(text);
    for (std::string name; std::getline(lines, name);)
        if (!name.empty() && name != "lo") out.push_back(name);
    return out;
}

}  // namespace

TEST_CASE("A root shell in strata's container cannot reach the host or the image", "[cli][root]") {
    REQUIRE(::geteuid() == 0);
    const std::string image_before = strata::tests::image_digest();
    REQUIRE_FALSE(image_before.empty());
    char host_name[256] = {};
    REQUIRE(::gethostname(host_name, sizeof host_name - 1) == 0);

    char script_template[] = "/tmp/strata-shell-probe-XXXXXX";
    const int fd = ::mkstemp(script_template);
    REQUIRE(fd >= 0);
    const std::string script = script_template;
    REQUIRE(::write(fd, kProbe, std::strlen(kProbe)) == ssize_t(std::strlen(kProbe)));
    ::close(fd);
    const auto run = strata::tests::run_shell("XDG_STATE_HOME='" + strata::tests::scratch_state_home().string() +
                                              "' " + STRATA_BINARY +
                                              " run container/mount-pivot --no-narrative --shell < '" + script +
                                              "' 2>&1");
    ::unlink(script.c_str());
    INFO(run.output);
    REQUIRE(run.status == 0);
    REQUIRE(run.output.find("The shell exited with status 7") != std::string::npos);
    const auto a = answers(run.output);
    CHECK(a.count("UID") == 1);
    CHECK((a.count("UID") && a.at("UID") == "0"));  // root inside ...
    // ... with Docker's 14 capabilities (0x00000000a80425fb), no more.
    CHECK((a.count("CapEff") && a.at("CapEff") == "00000000a80425fb"));
    CHECK((a.count("NoNewPrivs") && a.at("NoNewPrivs") == "1"));
    CHECK((a.count("Seccomp") && a.at("Seccomp") == "2"));
    for (const char* refused : {"PROCSYS", "REMOUNT", "WRITE", "MOUNT", "UNSHARE", "MKNOD", "REBOOT"}) {
        CAPTURE(refused);
        CHECK(a.count(refused) == 1);
        if (a.count(refused)) CHECK(a.at(refused) == "refused");
    }
    CHECK((a.count("DELETE") && a.at("DELETE") == "refused"));
    CHECK((a.count("KEYS") && a.at("KEYS") == "masked"));
    CHECK((a.count("TIMERS") && a.at("TIMERS") == "masked"));
    CHECK((a.count("ENVIRON") && a.at("ENVIRON") == "0"));
    CHECK((a.count("HOSTNAME") && a.at("HOSTNAME") != host_name));
    // A network namespace of its own: loopback, and none of the host's interfaces.
    REQUIRE(a.count("NET"));
    CHECK(a.at("NET").find("lo,") != std::string::npos);
    for (const auto& name : host_interfaces()) {
        CAPTURE(name);
        CHECK(a.at("NET").find(name + ",") == std::string::npos);
    }
    // chroot is off the seccomp allowlist (Docker allows it with CAP_SYS_CHROOT).
    CHECK((a.count("CHROOT") && a.at("CHROOT") == "refused"));

    char host_name_after[256] = {};
    REQUIRE(::gethostname(host_name_after, sizeof host_name_after - 1) == 0);
    CHECK(std::string(host_name_after) == host_name);
    CHECK(strata::tests::image_digest() == image_before);
}
