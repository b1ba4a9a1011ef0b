#include "tests/cli/run_strata.hpp"

#include <cstdlib>

#include <fcntl.h>
#include <unistd.h>

namespace strata::tests {

namespace {

struct ScratchHome {
    std::filesystem::path path;
    ScratchHome() {
        std::string pattern = (std::filesystem::temp_directory_path() / "cli-tests-xdg-state-XXXXXX").string();
        if (::mkdtemp(pattern.data())) path = pattern;
    }
    ~ScratchHome() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

const std::filesystem::path& scratch_state_home() {
    static const ScratchHome home;
    return home.path;
}

Run run_strata(const std::string& args) {
    return run_shell("XDG_STATE_HOME='" + scratch_state_home().string() + "' " + STRATA_BINARY + " " + args +
                     " 2>&1 </dev/null");
}

bool kvm_usable() {
    const int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

}  // namespace strata::tests
