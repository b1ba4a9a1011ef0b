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

    // The candidates and why each was refused, "; "-joined: why there is none.
    std::string why_none() const;
};

GuestKernel find_guest_kernel();

// Kernel modules built for the booted kernel (vm/virtio's virtio drivers:
// modules in Debian's kernel). Each of `relative` ("kernel/drivers/virtio/
// virtio.ko") is looked for next to the kernel, in DIR/modules/RELEASE/
// (where the build copies Debian's, and where one may put them beside a
// kernel named with --set kernel), then in the host's /lib/modules/RELEASE/.
struct GuestModules {
    std::vector<std::string> paths;    // one per `relative`, in order; empty if any is missing
    std::vector<std::string> missing;  // what was looked for and not found
};
// vm/virtio's drivers, modules in Debian's kernel, in load order.
inline const std::vector<std::string> kVirtioModules = {
    "kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
    "kernel/drivers/virtio/virtio_mmio.ko", "kernel/drivers/block/virtio_blk.ko"};

GuestModules find_guest_modules(const std::string& kernel_path, const std::string& release,
                                const std::vector<std::string>& relative);

}  // namespace strata::probe
