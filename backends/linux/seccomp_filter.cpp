#include "backends/linux/seccomp_filter.hpp"

#include <cerrno>

#include <fmt/format.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

struct CtxFree { void operator()(void* c) const { seccomp_release(c); } };

}  // namespace

int export_bpf(void* seccomp_ctx, std::vector<std::uint8_t>& bpf) {
    // The program goes to a memory file and is read back as bytes.
    sys::Fd mem(::memfd_create("strata-seccomp", MFD_CLOEXEC));
    if (!mem.valid()) return -errno;
    if (const int r = seccomp_export_bpf(seccomp_ctx, mem.get()); r != 0) return r;
    const off_t size = ::lseek(mem.get(), 0, SEEK_END);
    bpf.resize(size > 0 ? std::size_t(size) : 0);
    if (size <= 0 || ::pread(mem.get(), bpf.data(), bpf.size(), 0) != size) return -EIO;
    return 0;
}

Result<CompiledFilter> compile_errno_filter(Recorder& recorder, const std::string& syscall, int errno_value) {
    CallRecord call;
    call.name = fmt::format("seccomp_export_bpf({} -> {})", syscall, engine::errno_name(errno_value));
    call.layers = {LayerId::runtime, LayerId::security};
    call.start = recorder.now();
    CompiledFilter out;
    out.description = fmt::format("{} -> {}, every other call allowed", syscall, engine::errno_name(errno_value));
    // libseccomp reports failures as negative errno values.
    int r = 0;
    const int nr = seccomp_syscall_resolve_name(syscall.c_str());
    std::unique_ptr<void, CtxFree> ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (nr == __NR_SCMP_ERROR) r = -EINVAL;
    else if (!ctx) r = -ENOMEM;
    if (r == 0) r = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(std::uint32_t(errno_value)), nr, 0);
    if (r == 0) r = export_bpf(ctx.get(), out.bpf);
    call.duration = recorder.now() - call.start;
    call.error = r < 0 ? -r : 0;
    call.result = r < 0 ? -1 : std::int64_t(out.bpf.size() / 8);
    call.args = {{"syscall", fmt::format("{} (nr {})", syscall, nr)}, {"action", fmt::format("SCMP_ACT_ERRNO({})", engine::errno_name(errno_value))},
                 {"default", "SCMP_ACT_ALLOW"}, {"instructions", std::to_string(out.bpf.size() / 8)}};
    call.detail = "libseccomp compiles the rule into a BPF program the kernel runs at every system call entry";
    if (auto rec = record_call(recorder, std::move(call), "seccomp"); !rec) return std::unexpected(rec.error());
    return out;
}

}  // namespace strata::linux
