// What a recording must not carry from the machine it was made on.
//
// Recordings ship with strata and are shared between machines, so
// `strata record` replaces the recording machine's private strings with
// placeholders before saving: its host name ("<host>"), the user's name
// ("<user>") and home directory ("~"), and the directories strata was
// built or installed in (the container image as "<rootfs>", the assets as
// "<assets>"; these often sit under a home directory). What stays, on
// purpose: the kernel release, OS, KVM kind, cgroup mode and date (the
// replay label shows them), and what the run itself produced — PIDs,
// namespace inode numbers, addresses, timings — which describe that run,
// not a person.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/replay/recording.hpp"

namespace strata::replay {

class Scrubber {
public:
    // A directory: replaced where it is a whole path or a path's leading
    // part ("/home/ann/strata/build/rootfs/bin/sh" -> "<rootfs>/bin/sh").
    void add_path(std::string path, std::string placeholder);
    // A name (host, user): replaced where it stands alone, not inside a
    // longer word or a path ("vm" in `"vm"`, but not in "kvm", "vm-exit",
    // "vm/hello-kvm" or the kernel's /proc/sys/vm). A user's name inside a
    // path goes with their home directory.
    void add_word(std::string word, std::string placeholder);

    std::string apply(std::string_view text) const;
    // Every string of the recording: event names, arguments and details,
    // step summaries and errors, facts and console output.
    void apply(Recording& recording) const;

private:
    struct Secret {
        std::string text, placeholder;
        bool path = false;
    };
    std::vector<Secret> secrets_;  // longest first, so a home inside a path goes after the path
    void add(Secret secret);
};

}  // namespace strata::replay
