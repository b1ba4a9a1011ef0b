#include "backends/probe/guest_kernel.hpp"
#include "engine/install_layout.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace strata::probe {

namespace fs = std::filesystem;

std::string GuestKernel::why_none() const {
    std::string why;
    for (const auto& r : refused) why += (why.empty() ? "" : "; ") + r;
    return why;
}

GuestKernel find_guest_kernel() {
    GuestKernel k;
    utsname u{};
    if (::uname(&u) == 0) {
        const std::string host = std::string("/boot/vmlinuz-") + u.release;
        std::error_code ec;
        if (!fs::exists(host, ec)) k.refused.push_back(host + ": not there");
        else if (::access(host.c_str(), R_OK) != 0) k.refused.push_back(host + ": not readable by this user");
        else {
            k.path = host;
            k.source = "the host's own kernel";
            return k;
        }
    }
    // An installed strata never reads a build tree (engine/install_layout.hpp).
    if (engine::installation() != engine::Installation::build_tree) {
        k.refused.push_back("an installed strata boots only the host's kernel or one named with --set kernel=PATH");
        return k;
    }
    const fs::path fetched = STRATA_BUILD_GUEST_KERNEL_DIR;
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::directory_iterator(fetched, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().filename().string().starts_with("vmlinuz-")) found.push_back(it->path());
    std::sort(found.begin(), found.end());
    if (!found.empty() && ::access(found.back().c_str(), R_OK) == 0) {
        k.path = found.back().string();
        k.source = "Debian's kernel, fetched into the build tree";
        return k;
    }
    k.refused.push_back(fetched.string() + ": no vmlinuz-* (the build fetches one with scripts/fetch-debian-kernel.sh)");
    return k;
}

GuestModules find_guest_modules(const std::string& kernel_path, const std::string& release,
                                const std::vector<std::string>& relative) {
    GuestModules m;
    const std::vector<fs::path> roots = {fs::path(kernel_path).parent_path() / "modules" / release,
                                         fs::path("/lib/modules") / release};
    for (const auto& rel : relative) {
        std::string found;
        for (const auto& root : roots)
            if (::access((root / rel).c_str(), R_OK) == 0) {
                found = (root / rel).string();
                break;
            }
        if (found.empty())
            m.missing.push_back(rel + " (looked in " + roots[0].string() + " and " + roots[1].string() + ")");
        else
            m.paths.push_back(found);
    }
    if (!m.missing.empty()) m.paths.clear();
    return m;
}

}  // namespace strata::probe
