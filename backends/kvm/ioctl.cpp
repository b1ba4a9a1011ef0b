#include "backends/kvm/ioctl.hpp"

#include <array>
#include <cerrno>
#include <utility>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"
#include <sys/ioctl.h>

namespace strata::kvm {

namespace {

// Kernel constants in one table, shared by the calls and the UI labels.
// Each entry: request, its name, and the name as a call ("ioctl(NAME)").
struct IoctlName {
    unsigned long request;
    std::string_view name;
    std::string_view call;
};
#define STRATA_IOCTL(name) IoctlName{name, #name, "ioctl(" #name ")"}
const std::array<IoctlName, 54> kIoctlNames = {{
    STRATA_IOCTL(KVM_GET_API_VERSION),
    STRATA_IOCTL(KVM_CREATE_VM),
    STRATA_IOCTL(KVM_CHECK_EXTENSION),
    STRATA_IOCTL(KVM_GET_VCPU_MMAP_SIZE),
    STRATA_IOCTL(KVM_GET_SUPPORTED_CPUID),
    STRATA_IOCTL(KVM_GET_MSR_INDEX_LIST),
    STRATA_IOCTL(KVM_SET_USER_MEMORY_REGION),
    STRATA_IOCTL(KVM_CREATE_VCPU),
    STRATA_IOCTL(KVM_SET_TSS_ADDR),
    STRATA_IOCTL(KVM_SET_IDENTITY_MAP_ADDR),
    STRATA_IOCTL(KVM_CREATE_IRQCHIP),
    STRATA_IOCTL(KVM_CREATE_PIT2),
    STRATA_IOCTL(KVM_REINJECT_CONTROL),
    STRATA_IOCTL(KVM_IRQ_LINE),
    STRATA_IOCTL(KVM_GET_DIRTY_LOG),
    STRATA_IOCTL(KVM_IOEVENTFD),
    STRATA_IOCTL(KVM_IRQFD),
    STRATA_IOCTL(KVM_RUN),
    STRATA_IOCTL(KVM_GET_REGS),
    STRATA_IOCTL(KVM_SET_REGS),
    STRATA_IOCTL(KVM_GET_SREGS),
    STRATA_IOCTL(KVM_SET_SREGS),
    STRATA_IOCTL(KVM_TRANSLATE),
    STRATA_IOCTL(KVM_INTERRUPT),
    STRATA_IOCTL(KVM_GET_MSRS),
    STRATA_IOCTL(KVM_SET_MSRS),
    STRATA_IOCTL(KVM_SET_CPUID2),
    STRATA_IOCTL(KVM_GET_CPUID2),
    STRATA_IOCTL(KVM_GET_FPU),
    STRATA_IOCTL(KVM_SET_FPU),
    STRATA_IOCTL(KVM_GET_LAPIC),
    STRATA_IOCTL(KVM_SET_LAPIC),
    STRATA_IOCTL(KVM_GET_VCPU_EVENTS),
    STRATA_IOCTL(KVM_SET_VCPU_EVENTS),
    STRATA_IOCTL(KVM_GET_DEBUGREGS),
    STRATA_IOCTL(KVM_SET_DEBUGREGS),
    STRATA_IOCTL(KVM_GET_XSAVE),
    STRATA_IOCTL(KVM_SET_XSAVE),
    STRATA_IOCTL(KVM_GET_XCRS),
    STRATA_IOCTL(KVM_SET_XCRS),
    STRATA_IOCTL(KVM_GET_MP_STATE),
    STRATA_IOCTL(KVM_SET_MP_STATE),
    STRATA_IOCTL(KVM_SET_GUEST_DEBUG),
    STRATA_IOCTL(KVM_GET_CLOCK),
    STRATA_IOCTL(KVM_SET_CLOCK),
    STRATA_IOCTL(KVM_GET_IRQCHIP),
    STRATA_IOCTL(KVM_SET_IRQCHIP),
    STRATA_IOCTL(KVM_GET_PIT2),
    STRATA_IOCTL(KVM_SET_PIT2),
    STRATA_IOCTL(KVM_GET_XSAVE2),
    STRATA_IOCTL(KVM_GET_TSC_KHZ),
    STRATA_IOCTL(KVM_CLEAR_DIRTY_LOG),
    STRATA_IOCTL(KVM_ENABLE_CAP),
    STRATA_IOCTL(KVM_GET_STATS_FD),
}};
#undef STRATA_IOCTL

std::string_view ioctl_call(unsigned long request) {
    for (const auto& entry : kIoctlNames)
        if (entry.request == request) return entry.call;
    return "ioctl(KVM ioctl)";
}

}  // namespace

std::string_view ioctl_name(unsigned long request) {
    for (const auto& entry : kIoctlNames)
        if (entry.request == request) return entry.name;
    return "KVM ioctl";
}

std::vector<LayerId> ioctl_layers(unsigned long request) {
    switch (request) {
        case KVM_SET_USER_MEMORY_REGION:
        case KVM_GET_DIRTY_LOG:
        case KVM_CLEAR_DIRTY_LOG:
            return {LayerId::vmm, LayerId::kvm, LayerId::ram};
        case KVM_CREATE_VCPU:
        case KVM_GET_REGS:
        case KVM_SET_REGS:
        case KVM_GET_SREGS:
        case KVM_SET_SREGS:
        case KVM_TRANSLATE:
        case KVM_INTERRUPT:
        case KVM_GET_MSRS:
        case KVM_SET_MSRS:
        case KVM_SET_CPUID2:
        case KVM_GET_FPU:
        case KVM_SET_FPU:
        case KVM_GET_VCPU_EVENTS:
        case KVM_SET_VCPU_EVENTS:
        case KVM_GET_DEBUGREGS:
        case KVM_SET_DEBUGREGS:
        case KVM_GET_XSAVE:
        case KVM_GET_XSAVE2:
        case KVM_SET_XSAVE:
        case KVM_GET_CPUID2:
        case KVM_GET_TSC_KHZ:
        case KVM_GET_XCRS:
        case KVM_SET_XCRS:
        case KVM_GET_MP_STATE:
        case KVM_SET_MP_STATE:
        case KVM_SET_GUEST_DEBUG:
            return {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt};
        default:
            return {LayerId::vmm, LayerId::kvm};
    }
}

std::string ioctl_hint(unsigned long request, int e) {
    switch (e) {
        case ENOTTY:
            return "the fd does not accept this ioctl: it is not a KVM fd of the right kind "
                   "(system, VM or vCPU), or this kernel's KVM does not know the request";
        case EFAULT:
            return "KVM could not read or write the structure passed to it";
        case ENOMEM:
            return "the kernel ran out of memory for KVM's own structures";
        case EINTR:
            return request == KVM_RUN ? "a signal interrupted the vCPU (strata's watchdog or a cancel)"
                                      : "a signal interrupted the call";
        case EEXIST:
            return request == KVM_CREATE_VCPU ? "a vCPU with this id already exists in the VM"
                   : request == KVM_SET_USER_MEMORY_REGION
                       ? "the memory slot overlaps another slot's guest-physical range"
                       : "";
        case EINVAL:
            if (request == KVM_SET_USER_MEMORY_REGION)
                return "guest-physical address, size and host address must be page-aligned, "
                       "and the slot number within KVM's limit";
            if (request == KVM_SET_SREGS)
                return "KVM refused these segment/control registers as an inconsistent CPU state";
            if (request == KVM_CREATE_VCPU) return "the vCPU id is above KVM's limit (KVM_CAP_MAX_VCPU_ID)";
            return "KVM rejected an argument";
        case EBUSY:
            return "the resource is in use (for example an irqchip that already exists)";
        case E2BIG:
            return "the list passed is larger than KVM accepts";
        case ENOENT:
            return request == KVM_GET_DIRTY_LOG
                       ? "the slot does not log dirty pages: map it with KVM_MEM_LOG_DIRTY_PAGES first"
                       : "";
        default:
            return "";
    }
}

namespace {
Result<int> record_call(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers, int fd,
                        unsigned long request, unsigned long arg, std::initializer_list<EventArg> args,
                        int expected_errno = 0, std::string expected_why = {}) {
    engine::Span span(recorder, kind, std::string(ioctl_call(request)), std::move(layers));
    for (const auto& a : args) span.arg(a.name, a.value);
    const int result = ::ioctl(fd, request, arg);
    const int error = result < 0 ? errno : 0;
    std::string hint = !error ? std::string{} : error == expected_errno ? std::move(expected_why) : ioctl_hint(request, error);
    if (error) span.detail(hint);
    span.finish(result, error);
    if (result < 0)
        return engine::errno_error(std::string(ioctl_call(request)), error, {}, std::move(hint));
    return result;
}
}  // namespace

Result<int> traced_ioctl(Recorder& recorder, int fd, unsigned long request, unsigned long arg,
                         std::initializer_list<EventArg> args) {
    return record_call(recorder, engine::EventKind::ioctl, ioctl_layers(request), fd, request, arg, args);
}

Result<int> traced_ioctl(Recorder& recorder, int fd, unsigned long request, void* arg,
                         std::initializer_list<EventArg> args) {
    return record_call(recorder, engine::EventKind::ioctl, ioctl_layers(request), fd, request,
                       reinterpret_cast<unsigned long>(arg), args);
}

Result<int> traced_ioctl_as(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers, int fd,
                            unsigned long request, unsigned long arg, std::initializer_list<EventArg> args) {
    return record_call(recorder, kind, std::move(layers), fd, request, arg, args);
}

Result<void> traced_ioctl_expecting(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers, int fd,
                                    unsigned long request, unsigned long arg, int expected_errno, std::string why,
                                    std::initializer_list<EventArg> args) {
    auto r = record_call(recorder, kind, std::move(layers), fd, request, arg, args, expected_errno, std::move(why));
    if (!r && r.error().errno_value != expected_errno) return std::unexpected(r.error());
    return {};
}

}  // namespace strata::kvm
