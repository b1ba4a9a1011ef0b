// compare/patching: who patches what. A container has no kernel: it
// reports the host's, byte for byte, because it calls the host's — so a
// fixed host kernel fixes every container at once, and a host kernel bug
// is every container's bug. A VM carries its own kernel in its own memory:
// the host's updates do not reach it, and its kernel is patched by
// replacing the guest's image.
#include <algorithm>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/guest_search.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/host_uname.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/patching";

struct State final : engine::LessonState {
    linux::Uname host;
    std::string host_version;  // /proc/version
    std::optional<linux::Agent> box;
    std::unique_ptr<kvm::TinyosVm> vm;
    std::string container_version, guest_uname;
    bool image_has_kernel = false;
};

std::string chomp(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// FNV-1a: a short, stable fingerprint of the guest kernel image.
std::uint64_t fingerprint(std::span<const std::uint8_t> bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (auto b : bytes) h = (h ^ b) * 0x100000001b3ull;
    return h;
}

Result<StepOutcome> host_kernel(Context& ctx, State& s) {
    auto u = STRATA_TRY(linux::host_uname(ctx.recorder(), {LayerId::runtime, LayerId::namespaces}));
    auto version = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/version", {LayerId::runtime, LayerId::mounts}));
    s.host = u;
    s.host_version = chomp(version);
    ctx.facts().set_value("host kernel", s.host.sysname + " " + s.host.release);
    ctx.facts().set_value("host /proc/version", s.host_version);
    return StepOutcome{fmt::format("this machine runs {} {}: every process on it, strata included, calls this kernel",
                                   s.host.sysname, s.host.release)};
}

Result<StepOutcome> container_kernel(Context& ctx, State& s) {
    auto box = STRATA_TRY(start_full_container(ctx));
    s.box.emplace(std::move(box));
    auto u = STRATA_TRY(s.box->uname({LayerId::container, LayerId::namespaces}));
    auto version = STRATA_TRY(s.box->read_file("/proc/version", {LayerId::container, LayerId::mounts}));
    auto root = STRATA_TRY(s.box->list_dir("/", {LayerId::container, LayerId::mounts}));
    s.container_version = chomp(version);
    s.image_has_kernel = std::find(root.begin(), root.end(), "boot") != root.end();
    const auto release = linux::parse_uname(u.out).release;
    std::string listing;
    for (const auto& n : root) listing += (listing.empty() ? "" : " ") + n;
    ctx.facts().set_value("container's kernel", release);
    ctx.facts().set_value("container's /proc/version", s.container_version);
    ctx.facts().set_value("container's /proc/version is the host's", s.container_version == s.host_version ? "yes, byte for byte" : "no");
    ctx.facts().set_value("the image's /", listing);
    ctx.facts().set_value("a kernel in the container's image", s.image_has_kernel ? "a /boot exists" : "none (no /boot)");
    return StepOutcome{fmt::format("the container reports {} and the host's /proc/version {}; its image holds "
                                   "no kernel (/ is: {})",
                                   release, s.container_version == s.host_version ? "byte for byte" : "with differences",
                                   listing)};
}

Result<StepOutcome> vm_kernel(Context& ctx, State& s) {
    auto vm = STRATA_TRY(boot_tinyos(ctx));
    s.vm = std::move(vm);
    const auto from_byte = s.vm->uart().output().size();
    for (auto phase : {kvm::tinyos::programs_done, kvm::tinyos::echo_done, kvm::tinyos::touch_done, kvm::tinyos::uname_done})
        STRATA_TRY(run_tinyos(ctx, *s.vm, phase));
    s.guest_uname = guest_uname_line(*s.vm, from_byte);
    if (s.guest_uname.empty()) return engine::plain_error(kId, "the guest's uname program printed no answer");
    // The version is data inside the guest kernel, in the guest's own RAM.
    const std::string name = s.guest_uname.substr(0, s.guest_uname.find(' '));
    const auto at = kvm::find_in_guest_memory(ctx.recorder(), s.vm->ram(), name + " ", kvm::tinyos::kLoadAddress,
                                              kvm::tinyos::kLoadAddress + guests::tinyos().size());
    const auto image = guests::tinyos();
    ctx.facts().set_value("guest's kernel", s.guest_uname);
    ctx.facts().set_value("guest kernel image", fmt::format("{} bytes, fingerprint {:016x}", image.size(), fingerprint(image)));
    ctx.facts().set_value("its name in guest RAM",
                          at ? fmt::format("at guest-physical {:#x}, inside the kernel image", *at) : "not found");
    return StepOutcome{fmt::format("the VM reports \"{}\": its kernel is {} bytes strata copied into guest RAM{}; the "
                                   "host's release appears nowhere",
                                   s.guest_uname, image.size(), at ? fmt::format(" (its name is at {:#x})", *at) : "")};
}

Result<StepOutcome> who_patches(Context& ctx, State& s) {
    // The same file, read by strata and by the container: one kernel answers both.
    auto inside = STRATA_TRY(s.box->read_file("/proc/sys/kernel/osrelease", {LayerId::container, LayerId::mounts}));
    auto outside = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/sys/kernel/osrelease", {LayerId::runtime, LayerId::mounts}));
    const bool same = chomp(inside) == chomp(outside);
    engine::TableView table{"who patches what",
                            {"a fix for", "reaches the containers", "reaches the VMs", "who applies it"},
                            {{"the host kernel (" + chomp(outside) + ")",
                              same ? "all of them, at the host's reboot: they run on it" : "?",
                              "none: each runs its own kernel", "the host's administrator, one reboot"},
                             {"the guest kernel (" + s.guest_uname.substr(0, s.guest_uname.find(" #")) + ")", "-",
                              "only the VMs booted from the fixed image", "whoever owns each VM's image, one VM at a time"},
                             {"a program in the image", "each container started from the new image", "-",
                              "the image's owner: rebuild, restart"}},
                            {true, true, false}};
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("osrelease inside / outside", chomp(inside) + " / " + chomp(outside));
    if (!same) return engine::plain_error(kId, "the container and the host read different kernel releases");
    return StepOutcome{fmt::format("/proc/sys/kernel/osrelease reads \"{}\" inside the container and outside: one "
                                   "kernel, patched once for all containers; the VM's \"{}\" is patched apart",
                                   chomp(inside), s.guest_uname.substr(0, s.guest_uname.find(" #")))};
}

}  // namespace

engine::Lesson patching_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    lesson.step("host-kernel", "The host's kernel", {L::runtime, L::namespaces, L::mounts}, host_kernel)
        .provides("the host's answer", [](const State& s) { return !s.host.release.empty(); });
    lesson.step("container-kernel", "The container's kernel",
                {L::runtime, L::processes, L::namespaces, L::security, L::mounts, L::container}, container_kernel);
    lesson
        .step("vm-kernel", "The VM's kernel",
              {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_program, L::guest_kernel, L::guest_devices}, vm_kernel)
        .provides("both kernels' answers", [](const State& s) { return s.box && !s.guest_uname.empty(); });
    lesson.step("who-patches", "Who patches what", {L::container, L::mounts, L::runtime}, who_patches);
    return lesson.build();
}

}  // namespace strata::lessons::compare
