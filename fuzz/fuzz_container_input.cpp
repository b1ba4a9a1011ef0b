// What a container hands strata, and what a bundle directory hands it: an
// OCI config.json (anyone's, with --set bundle=DIR) and the isolation
// probe's output (printed by whatever runs inside). Both are parsed from
// arbitrary bytes; nothing may crash, hang or read out of bounds, and a
// parsed spec must be one strata could act on (absolute root, args).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "backends/linux/isolation_probe.hpp"
#include "backends/linux/oci_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (auto spec = strata::linux::parse_oci_spec(text, "/bundle")) {
        if (spec->root.empty() || spec->root[0] != '/' || spec->args.empty()) std::abort();
        for (const auto& mount : spec->mounts) {
            if (mount.destination.empty() || mount.destination[0] != '/') std::abort();
            (void)strata::linux::mount_call_of(mount);
        }
    }
    auto answers = strata::linux::parse_probe_output(text);
    strata::linux::classify_namespaces(answers, {{"uts", "uts:[1]"}, {"net", "net:[2]"}});
    (void)strata::linux::compare_probes(answers, strata::linux::parse_probe_output(text.substr(size / 2)));
    return 0;
}
