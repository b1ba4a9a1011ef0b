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

const std::vector<IoctlExplanation>& ioctl_explanations() {
    static const std::vector<IoctlExplanation> rows = {
        {0, ENOTTY,
         "the fd does not accept this ioctl: it is not a KVM fd of the right kind (system, VM or vCPU), or this "
         "kernel's KVM does not know the request",
         "call system ioctls on /dev/kvm, VM ioctls on KVM_CREATE_VM's fd and vCPU ioctls on KVM_CREATE_VCPU's; "
         "ask KVM_CHECK_EXTENSION before a newer request"},
        {0, EFAULT, "KVM could not read or write the structure passed to it",
         "pass a pointer to a whole, mapped structure of the size this request expects"},
        {0, ENOMEM, "the kernel ran out of memory for KVM's own structures",
         "free memory (fewer or smaller VMs) and try again"},
        {KVM_RUN, EINTR, "a signal interrupted the vCPU (strata's watchdog or a cancel)",
         "nothing, when the watchdog or Cancel sent it: the vCPU can be run again with KVM_RUN"},
        {0, EINTR, "a signal interrupted the call", "make the call again"},
        {KVM_CREATE_VCPU, EEXIST, "a vCPU with this id already exists in the VM", "give each vCPU its own id"},
        {KVM_SET_USER_MEMORY_REGION, EEXIST, "the memory slot overlaps another slot's guest-physical range",
         "choose a guest-physical range no other slot covers"},
        {KVM_SET_USER_MEMORY_REGION, EINVAL,
         "the slot's guest-physical address, size or host address is not page-aligned, or its number is past "
         "KVM's limit",
         "round addresses and size to 4 KiB pages and use a slot number below KVM_CAP_NR_MEMSLOTS"},
        {KVM_SET_SREGS, EINVAL, "KVM refused these segment and control registers as an inconsistent CPU state",
         "make them agree: long mode needs CR0.PG, CR4.PAE and EFER.LME, with EFER.LMA = LME && PG"},
        {KVM_CREATE_VCPU, EINVAL, "the vCPU id is above KVM's limit", "use an id below KVM_CAP_MAX_VCPU_ID"},
        {0, EINVAL, "KVM rejected an argument",
         "check the request's arguments against the KVM API (Documentation/virt/kvm/api.rst)"},
        {0, EBUSY, "the resource is in use (for example an irqchip that already exists)",
         "create it once per VM, before the vCPUs"},
        {0, E2BIG, "the list passed is larger than KVM accepts",
         "pass no more entries than KVM reports it has (its first answer says how many)"},
        {KVM_GET_DIRTY_LOG, ENOENT, "the slot does not log dirty pages",
         "map the slot with KVM_MEM_LOG_DIRTY_PAGES first"},
    };
    return rows;
}

IoctlExplanation explain_ioctl(unsigned long request, int e) {
    for (const auto& row : ioctl_explanations())
        if (row.error == e && (row.request == 0 || row.request == request)) return row;
    return {request, e, "", ""};
}

namespace {
Result<int> record_call(Recorder& recorder, engine::EventKind kind, std::vector<LayerId> layers, int fd,
                        unsigned long request, unsigned long arg, std::initializer_list<EventArg> args,
                        int expected_errno = 0, std::string expected_why = {}) {
    // Why (the event's detail, the Error's message) and what to do (its
    // hint) are two sentences; an expected errno needs nothing done.
    engine::Span span(recorder, kind, std::string(ioctl_call(request)), std::move(layers));
    for (const auto& a : args) span.arg(a.name, a.value);
    const int result = ::ioctl(fd, request, arg);
    const int error = result < 0 ? errno : 0;
    IoctlExplanation explained{request, error, std::move(expected_why), ""};
    if (error && error != expected_errno) explained = explain_ioctl(request, error);
    if (error) span.detail(explained.why);
    span.finish(result, error);
    if (result < 0)
        return engine::errno_error(std::string(ioctl_call(request)), error, std::move(explained.why),
                                   std::move(explained.what_to_do));
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
