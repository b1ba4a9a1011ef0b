#include "tests/support/requirements.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strata::tests {

std::optional<std::string> missing_requirement(const std::string& requirement) {
    // "kvm+userns": every one of them.
    if (const auto plus = requirement.find('+'); plus != std::string::npos) {
        if (auto first = missing_requirement(requirement.substr(0, plus))) return first;
        return missing_requirement(requirement.substr(plus + 1));
    }
    if (requirement == "kvm") {
        int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (fd < 0) return std::string("/dev/kvm cannot be opened: ") + std::strerror(errno);
        ::close(fd);
        return std::nullopt;
    }
    if (requirement == "userns") {
        // Try it: a child unshares a user namespace (the sysctls and
        // AppArmor rules that forbid it all show up as a failure here).
        const pid_t pid = ::fork();
        if (pid == 0) ::_exit(::unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
        int status = 0;
        if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return std::string("could not fork to test user namespaces");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return std::string("unshare(CLONE_NEWUSER) fails here: ") + std::strerror(WEXITSTATUS(status));
        return std::nullopt;
    }
    if (requirement == "root") {
        if (::geteuid() != 0) return std::string("the tests must run as root");
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace strata::tests
