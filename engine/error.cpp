#include "engine/error.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace strata::engine {

std::string errno_name(int e) {
    // Only the names a learner meets in strata's lessons; others by number.
    switch (e) {
        case EPERM: return "EPERM";
        case ENOENT: return "ENOENT";
        case ESRCH: return "ESRCH";
        case EINTR: return "EINTR";
        case EIO: return "EIO";
        case ENXIO: return "ENXIO";
        case E2BIG: return "E2BIG";
        case ENOEXEC: return "ENOEXEC";
        case EBADF: return "EBADF";
        case ECHILD: return "ECHILD";
        case EAGAIN: return "EAGAIN";
        case ENOMEM: return "ENOMEM";
        case EACCES: return "EACCES";
        case EFAULT: return "EFAULT";
        case EBUSY: return "EBUSY";
        case EEXIST: return "EEXIST";
        case EXDEV: return "EXDEV";
        case ENODEV: return "ENODEV";
        case ENOTDIR: return "ENOTDIR";
        case EISDIR: return "EISDIR";
        case EINVAL: return "EINVAL";
        case ENFILE: return "ENFILE";
        case EMFILE: return "EMFILE";
        case ENOTTY: return "ENOTTY";
        case ENOSPC: return "ENOSPC";
        case EROFS: return "EROFS";
        case EPIPE: return "EPIPE";
        case ERANGE: return "ERANGE";
        case ENOSYS: return "ENOSYS";
        case ENOTEMPTY: return "ENOTEMPTY";
        case ELOOP: return "ELOOP";
        case EOPNOTSUPP: return "EOPNOTSUPP";
        case ETIMEDOUT: return "ETIMEDOUT";
        case ECANCELED: return "ECANCELED";
        case EUSERS: return "EUSERS";
        default: return fmt::format("errno {}", e);
    }
}

std::string Error::describe() const {
    std::string text = operation;
    if (errno_value != 0)
        text += fmt::format(": {} ({})", errno_name(errno_value), std::strerror(errno_value));
    if (!message.empty()) text += ": " + message;
    return text;
}

Error Error::with_context(const std::string& context) const {
    Error copy = *this;
    copy.operation = context + ": " + operation;
    return copy;
}

std::unexpected<Error> errno_error(std::string operation, int errno_value,
                                   std::string message, std::string hint) {
    return std::unexpected(Error{std::move(operation), errno_value, std::move(message), std::move(hint)});
}

std::unexpected<Error> plain_error(std::string operation, std::string message, std::string hint) {
    return std::unexpected(Error{std::move(operation), 0, std::move(message), std::move(hint)});
}

}  // namespace strata::engine
