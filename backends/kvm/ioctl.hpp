// The one wrapper every KVM ioctl goes through: it makes the call, records
// a TraceEvent (name, decoded arguments, result or errno, layers crossed)
// and builds an Error that names the ioctl and explains the errno.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

using engine::EventArg;
using engine::LayerId;
using engine::Recorder;
using engine::Result;

// Which layers a request crosses (the VMM always, then KVM, then the CPU's
// virtualization state or RAM, depending on what the ioctl touches).
std::vector<LayerId> ioctl_layers(unsigned long request);
// Why an ioctl fails with an errno, for a learner, and what to do: one row
// per scenario, the request's own row before the any-request (0) one.
struct IoctlExplanation {
    unsigned long request = 0;  // 0: any request
    int error = 0;
    std::string why;
    std::string what_to_do;
};
const std::vector<IoctlExplanation>& ioctl_explanations();
// The row for this request and errno; empty texts when there is none.
IoctlExplanation explain_ioctl(unsigned long request, int errno_value);

// Makes ioctl(fd, request, arg), records it, returns its result.
Result<int> traced_ioctl(Recorder& recorder, int fd, unsigned long request, unsigned long arg,
                         std::initializer_list<EventArg> args = {});
Result<int> traced_ioctl(Recorder& recorder, int fd, unsigned long request, void* arg,
                         std::initializer_list<EventArg> args = {});

// The same, recorded with a given kind and layers: KVM_RUN is recorded as a
// VM entry that crosses into the guest, not as a plain ioctl.
Result<int> traced_ioctl_as(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers,
                            int fd, unsigned long request, unsigned long arg,
                            std::initializer_list<EventArg> args = {});

// The same, for a call whose failure with `expected_errno` is the point
// (KVM_RUN with immediate_exit set returns EINTR by design): the errno is
// recorded with `why` as its explanation, and the call counts as done.
Result<void> traced_ioctl_expecting(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers, int fd,
                                    unsigned long request, unsigned long arg, int expected_errno, std::string why,
                                    std::initializer_list<EventArg> args = {});

}  // namespace strata::kvm
