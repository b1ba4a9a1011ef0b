// Which Linux kernel vm/boot-linux boots when the learner names none.
//
// The host's own kernel, /boot/vmlinuz-$(uname -r), when it is readable
// (on Debian and Ubuntu it is root-only by default); otherwise Debian's
// kernel that the build fetched with `apt-get download` into the build
// tree (scripts/fetch-debian-kernel.sh; never installed) — for a strata
// run from its build tree only. `strata doctor` shows the same choice.
#pragma once

#include <string>
#include <vector>

namespace strata::probe {

struct GuestKernel {
    std::string path;                  // empty: none found
    std::string source;                // "the host's own kernel", ...
    std::vector<std::string> refused;  // candidates looked at and why not
};

GuestKernel find_guest_kernel();

}  // namespace strata::probe
