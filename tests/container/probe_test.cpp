// The probes `strata doctor` makes leave the host as they found it, as root
// and as an unprivileged user. The overlayfs probe is the one that can leave
// something: overlayfs makes its work/work directory with mode 000, which a
// plain recursive remove cannot enter.
#include <catch2/catch.hpp>

#include <cstdio>

#include "backends/linux/probe_calls.hpp"
#include "tests/support/as_nobody.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

// Runs the overlayfs probe as nobody in a child: 0 when it mounted,
// 1 when it could not.
int overlay_probe_as_nobody() {
    return tests::as_nobody([] {
        const auto probe = linux::probe_overlayfs();
        if (!probe) std::fprintf(stderr, "overlayfs probe as nobody: %s\n", probe.error().describe().c_str());
        return probe ? 0 : 1;
    });
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
