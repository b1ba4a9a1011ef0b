#include "tests/support/requirements.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace strata::tests {

std::optional<std::string> missing_requirement(const std::string& requirement) {
    if (requirement == "kvm") {
        int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (fd < 0) return std::string("/dev/kvm cannot be opened: ") + std::strerror(errno);
        ::close(fd);
        return std::nullopt;
    }
    if (requirement == "root") {
        if (::geteuid() != 0) return std::string("the tests must run as root");
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace strata::tests
