// A made-up but well-formed snapshot, for the tests and the fuzzer that
// exercise the file format without /dev/kvm: every section present, each
// kernel piece of its kernel size, strata's own sections consistent.
#pragma once

#include "backends/kvm/snapshot_file.hpp"

namespace strata::tests {

kvm::Snapshot example_snapshot();
// The host such a snapshot belongs on.
kvm::HostCpu example_host();
// The sections encode_snapshot writes for `snapshot`, byte for byte, to
// edit and wrap again with encode_container.
kvm::SectionPayloads payloads_of(const kvm::Snapshot& snapshot);

}  // namespace strata::tests
