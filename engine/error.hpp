// Errors that cross the backend/engine boundary.
//
// An Error is created where a call fails, naming the operation and keeping
// errno; each layer above may prepend context. For a teaching tool the hint
// is content: it explains why the call failed and what the user can do.
#pragma once

#include <expected>
#include <string>

namespace strata::engine {

struct Error {
    std::string operation;  // "ioctl(KVM_CREATE_VM)", "open /dev/kvm"
    int errno_value = 0;    // 0 when the failure is not an errno
    std::string message;    // what went wrong, in a sentence
    std::string hint;       // why, and how to fix it (may be empty)

    // "open /dev/kvm: EACCES (Permission denied): <message>"
    std::string describe() const;
    // Returns a copy whose operation is "context: operation".
    Error with_context(const std::string& context) const;
};

template <class T>
using Result = std::expected<T, Error>;

// The usual way to fail: builds the unexpected value from the current errno.
std::unexpected<Error> errno_error(std::string operation, int errno_value,
                                   std::string message = {},
                                   std::string hint = {});
std::unexpected<Error> plain_error(std::string operation, std::string message,
                                   std::string hint = {});

// "EACCES" for 13; "errno 4242" when unknown.
std::string errno_name(int errno_value);

}  // namespace strata::engine
