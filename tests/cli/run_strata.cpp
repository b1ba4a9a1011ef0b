#include "tests/cli/run_strata.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <fcntl.h>
#include <sys/wait.h>
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
    const std::string command = "XDG_STATE_HOME='" + scratch_state_home().string() + "' " + STRATA_BINARY + " " + args +
                                " 2>&1 </dev/null";
    Run run;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) run.output.append(buffer.data(), n);
    const int status = ::pclose(pipe.release());
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

bool kvm_usable() {
    const int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

}  // namespace strata::tests
