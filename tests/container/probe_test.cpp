// The probes `strata doctor` makes leave the host as they found it, as root
// and as an unprivileged user. The overlayfs probe is the one that can leave
// something: overlayfs makes its work/work directory with mode 000, which a
// plain recursive remove cannot enter.
#include <catch2/catch.hpp>

#include <cstdio>

#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/probe_calls.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

constexpr uid_t kNobody = 65534;

// Runs the overlayfs probe as nobody in a child: 0 when it mounted,
// 1 when it could not.
int overlay_probe_as_nobody() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
            ::setresuid(kNobody, kNobody, kNobody) != 0)
            ::_exit(100);
        // As after exec: a process that dropped from root is not dumpable,
        // and its /proc/self/uid_map stays root's to write.
        ::prctl(PR_SET_DUMPABLE, 1);
        const auto probe = linux::probe_overlayfs();
        if (!probe) std::fprintf(stderr, "overlayfs probe as nobody: %s\n", probe.error().describe().c_str());
        ::_exit(probe ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

}  // namespace

TEST_CASE("The doctor's overlayfs probe leaves nothing behind, as root and as nobody", "[userns][probe]") {
    const auto before = tests::HostState::capture();

    const auto as_root = linux::probe_overlayfs();
    INFO((as_root ? std::string("mounted") : as_root.error().describe()));
    CHECK(as_root.has_value());

    const int as_nobody = overlay_probe_as_nobody();
    INFO("as nobody: exit " << as_nobody << " (0 mounted, 1 refused)");
    CHECK(as_nobody == 0);

    CHECK_NO_LEAKS(before);
}
