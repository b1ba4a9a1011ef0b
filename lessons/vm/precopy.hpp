// Live migration by pre-copy, as vm/snapshot shows it: tinyos moves from
// one VM to a brand-new one while it keeps running.
//
//   round 0   log dirty pages from now on, copy all of RAM
//   round k   let the guest run; copy only the pages it dirtied meanwhile
//   ...       until a round dirtied at most `threshold` pages
//   stop      the guest is paused: copy that last handful and the CPU and
//             device state; the destination runs, the source is dropped
//
// The guest's pause ("downtime") is only the last step. Rounds end where
// tinyos's hog reports a burst of writes (a mark), so the same rounds come
// out on every run; strata copies between two runs of the guest, where a
// real VMM copies from another thread while the vCPU runs on: the dirty
// log accounting is the same.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/kvm/tinyos_vm.hpp"

namespace strata::lessons::vm {

struct PrecopyRound {
    int number = 0;                  // 0: the first, full copy
    std::string guest_ran_to;        // what the guest reached before this round ("mark 0x21")
    std::uint64_t dirtied = 0;       // pages the dirty log showed (all of RAM for round 0)
    std::uint64_t data_dirtied = 0;  // of them, in the program's shared data
    std::uint64_t copied = 0;        // pages copied to the destination
    double copy_ms = 0;
    bool stop_and_copy = false;      // the last round, with the guest paused
};

struct Migration {
    std::vector<PrecopyRound> rounds;
    std::unique_ptr<kvm::TinyosVm> destination;
    std::uint64_t pages_copied = 0;  // over all rounds
    double downtime_ms = 0;          // the guest's last pause to the destination ready to run
    std::uint64_t pages_differing = 0;  // RAM of source vs destination after the last copy (must be 0)
};

// Moves `source` (paused, with its dirty log on) into a new TinyosVm on
// `destination_kvm`; source.kick() cancels it.
engine::Result<Migration> migrate_live(kvm::TinyosVm& source, kvm::Kvm destination_kvm, kvm::Uart16550::Sink console,
                                       std::uint64_t threshold);

}  // namespace strata::lessons::vm
