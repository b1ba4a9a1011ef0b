#include "tests/support/as_nobody.hpp"

#include <grp.h>
#include <sys/prctl.h>

namespace strata::tests {

bool become_nobody() {
    const bool dropped = ::setgroups(0, nullptr) == 0 && ::setresgid(kNobody, kNobody, kNobody) == 0 &&
                         ::setresuid(kNobody, kNobody, kNobody) == 0;
    ::prctl(PR_SET_DUMPABLE, 1);
    return dropped;
}

}  // namespace strata::tests
