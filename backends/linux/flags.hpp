// Kernel constants in one table, shared by the calls and their labels.
//
// A trace event says `unshare(CLONE_NEWUTS|CLONE_NEWNS)`, not
// `unshare(0x24000000)`: the decoder reads the same table the code uses to
// build the flags, so a label can never disagree with the call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace strata::linux {

struct FlagName {
    std::uint64_t value;
    std::string_view name;   // "CLONE_NEWPID"
    std::string_view label;  // what a learner reads: "PID namespace"
};

// One namespace kind: its clone flag, its /proc/<pid>/ns/<file> name.
struct NamespaceKind {
    std::uint64_t clone_flag;  // CLONE_NEWUTS
    std::string_view file;     // "uts"
    std::string_view title;    // "host name and domain name"
};

std::span<const FlagName> clone_flag_names();
std::span<const NamespaceKind> namespace_kinds();

// "CLONE_NEWPID|CLONE_NEWNS"; bits the table does not know are kept as hex
// ("CLONE_NEWNS|0x4"); 0 is "0".
std::string decode_flags(std::span<const FlagName> table, std::uint64_t value);
std::string decode_clone_flags(std::uint64_t flags);
std::string decode_mount_flags(std::uint64_t flags);
std::string decode_umount_flags(std::uint64_t flags);

// The reverse, for flags a learner types: names from `table` joined by
// '|', ',', '+' or blanks ("CLONE_NEWPID|CLONE_NEWUTS"); "" and "0" are 0.
// An unknown name is an error listing the known ones.
engine::Result<std::uint64_t> parse_flags(std::span<const FlagName> table, std::string_view text);

// Every CLONE_NEW* flag at once (what a full container uses).
std::uint64_t all_namespace_flags();

}  // namespace strata::linux
