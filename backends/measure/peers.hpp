// Peers: other tools doing what strata does, timed in the same run as
// whole processes, start to exit (QEMU booting Linux: start to /init's line
// on its console), when they are installed. Absent or
// failing peers come back with a note, never an error: they are optional.
//
//   VM peers:        qemu-system-x86_64 with KVM (microvm and pc machines),
//                    to the first OUT of a firmware that exits at once
//                    (assets/guests/qemu_reset.S); and microvm booting the
//                    same Linux kernel and initramfs as strata to /init
//   container peers: unshare(1) + chroot, bwrap --unshare-all, and as root
//                    crun and runc on an OCI bundle; each runs /bin/true
//                    from strata's image
#pragma once

#include <string>
#include <vector>

#include "backends/measure/linux_boot_inputs.hpp"
#include "engine/recorder.hpp"

namespace strata::measure {

struct PeerResult {
    std::string name;              // "qemu -M microvm, KVM"
    std::string command;           // the program, "" when not installed
    std::vector<double> samples;   // ns per run; empty when it did not run
    std::string note;              // why not, or how it was run

    bool ran() const { return !samples.empty(); }
};

std::vector<PeerResult> vm_start_peers(engine::Recorder& recorder, int runs);
// qemu-system-x86_64 -M microvm with KVM booting `inputs` (the kernel and
// initramfs strata's "Linux VM to /init" row boots), timed from its start
// to /init's line on its serial console.
PeerResult qemu_microvm_linux(engine::Recorder& recorder, const LinuxBootInputs& inputs, int runs);
std::vector<PeerResult> container_start_peers(engine::Recorder& recorder, const std::string& rootfs, int runs);
// crun running an OCI bundle directory (strata's own: the same config.json
// linux::WholeContainer applies), `runs` times, as root.
PeerResult crun_on_bundle(engine::Recorder& recorder, const std::string& bundle, int runs);

}  // namespace strata::measure
