// LinuxGuest: a stock Linux kernel under strata's VMM, as the lessons that
// boot one share it (vm/boot-linux, vm/virtio).
//
// strata plays the BIOS and the boot loader for an unmodified kernel:
// reads the bzImage's setup header, writes the zero page, the initramfs
// (the container lessons' busybox image) and page tables into guest RAM,
// and starts the vCPU at the 64-bit entry. From there the guest kernel
// runs by itself; strata sees it only through its exits — the serial
// console, the legacy ports it probes, the devices a lesson adds — and the
// messages it prints, which mark the milestones on the timeline.
//
// The step functions below are whole lesson steps; a lesson's state
// derives from LinuxGuest and adds its own.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/kvm/acpi_tables.hpp"
#include "backends/kvm/bzimage.hpp"
#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/linux_boot.hpp"
#include "backends/kvm/linux_pc.hpp"
#include "engine/lesson.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

// Wall-time bounds of the runs (on hardware-assisted KVM a boot takes well
// under a second; nested under QEMU's emulation, tens of seconds).
inline constexpr std::chrono::milliseconds kLinuxBootTimeout{240'000}, kLinuxInitTimeout{60'000};

struct LinuxGuest : engine::LessonState {
    std::string lesson;  // "boot-linux": names the lesson in errors
    std::string kernel_path, initrd_path;
    bool quiet = true;       // log=quiet: the kernel prints only errors
    int console_echo_fd = -1;  // where the guest's console also goes (an interactive shell)
    // What strata's initramfs holds besides the image: /init, and more files.
    std::string init;
    std::vector<kvm::InitramfsFile> initramfs_extra;
    // ACPI tables to write below 1 MiB (a device the kernel cannot find otherwise).
    std::optional<kvm::acpi::Tables> acpi;
    // Runs after every exit, with COM1's line: a lesson's own device lines.
    std::function<engine::Result<void>()> after_exit;

    std::vector<std::uint8_t> image;
    kvm::SetupHeader header;
    std::vector<std::uint8_t> initrd;
    std::string initrd_source;
    kvm::linux_guest::BootPlan plan;
    Machine machine;
    kvm::GuestMemory* ram = nullptr;
    // The PC's devices, after the machine: destroyed first.
    std::unique_ptr<kvm::LinuxPc> pc;
    std::size_t first_run_event = 0;
    std::chrono::steady_clock::time_point started;
    bool entered = false, powered_off = false;
    std::string power_off_how;
};

// The VMM reads a file the guest will get (the kernel, an initramfs, a
// module), recorded as a read on the host.
engine::Result<std::vector<std::uint8_t>> read_guest_file(engine::Recorder& recorder, const std::string& path,
                                                          const char* what);

// Finds the kernel (--set kernel, else probe::find_guest_kernel), reads it
// and shows its setup header.
engine::Result<engine::StepOutcome> read_kernel_header(engine::Context& ctx, LinuxGuest& g);
// The initramfs (--set initrd, else the image + g.init + g.initramfs_extra),
// the VM and its RAM, kernel, zero page, page tables and g.acpi written.
engine::Result<engine::StepOutcome> lay_out_ram(engine::Context& ctx, LinuxGuest& g);
// irqchip, PIT, vCPU in long mode at the entry, and the PC's legacy devices.
engine::Result<engine::StepOutcome> enter_kernel(engine::Context& ctx, LinuxGuest& g);
// Boots to /init's first line.
engine::Result<engine::StepOutcome> boot_to_init(engine::Context& ctx, LinuxGuest& g);
// /init's `uname -r` against the host's.
engine::Result<engine::StepOutcome> compare_uname(engine::Context& ctx, LinuxGuest& g);
// Runs until the guest resets the machine; the exits of the whole boot by device.
engine::Result<engine::StepOutcome> power_off(engine::Context& ctx, LinuxGuest& g);

// Runs the guest until the console shows `milestone`, the guest resets, or
// it fails. After every exit COM1's interrupt line follows the UART, and
// g.after_exit runs.
engine::Result<kvm::RunReport> run_until(engine::Context& ctx, LinuxGuest& g, const std::string& label,
                                         kvm::Milestone milestone, std::chrono::milliseconds timeout);
// The same guest's run, in slices (an interactive shell).
engine::Result<kvm::RunReport> run_slice(engine::Context& ctx, LinuxGuest& g, const std::string& label,
                                         std::chrono::milliseconds slice);
// Devices, vCPU, VM, RAM and /dev/kvm released, ready for another boot.
void release_machine(LinuxGuest& g);

// What the console said after `marker` on the line that holds it.
std::string after_marker(const kvm::ConsoleMilestones::Seen& seen, std::string_view marker);

}  // namespace strata::lessons::vm
