// vm/boot-linux: a real Linux guest under strata's VMM.
//
// The boot itself is LinuxGuest's (lessons/vm/linux_guest.hpp); this
// lesson walks through it step by step and adds --shell: the guest's own
// busybox shell on its serial console.
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "engine/lesson_builder.hpp"
#include "engine/shell_io.hpp"
#include "lessons/vm/linux_guest.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using kvm::Milestone;

struct BootLinuxState final : LinuxGuest {
    bool shell = false;  // --shell: /init offers a shell before it powers off
};

// The user's terminal, raw while the guest's own tty does echo and line
// editing (a cooked host terminal would echo every key twice).
class RawTerminal {
public:
    explicit RawTerminal(int fd) : fd_(fd) {
        if (!::isatty(fd_) || ::tcgetattr(fd_, &saved_) != 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        raw.c_oflag |= OPOST;  // keep \n -> \r\n for strata's own lines
        active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

// The guest has printed something after /init's "starting a shell" line:
// the shell's prompt, so it is reading its terminal.
bool shell_is_listening(const BootLinuxState& s) {
    const auto* offered = s.pc->milestones().find(Milestone::shell_offered);
    // at_byte counts the console's bytes up to the end of the marker's line.
    return offered && s.pc->uart().bytes_sent() > offered->at_byte;
}

// --shell: the lesson's VM is off, so boot the same kernel once more with an
// /init that starts a shell on the console, and connect it to the user's
// terminal: typed bytes go into the UART's receive FIFO (IRQ 4 tells the
// guest), the guest's output comes back. The guest runs in slices of 20 ms
// so strata can look at the keyboard in between. Exiting the shell powers
// the VM off.
Result<int> shell(Context& ctx, BootLinuxState& s) {
    release_machine(s);
    s.shell = true;
    s.init = kvm::init_script(true);
    const auto io = engine::shell_io();
    s.console_echo_fd = io.out_fd;
    struct StopEcho {
        BootLinuxState& s;
        ~StopEcho() { s.console_echo_fd = -1; }
    } stop_echo{s};
    STRATA_TRY(lay_out_ram(ctx, s));
    STRATA_TRY(enter_kernel(ctx, s));
    const std::string hello = "strata: booting Linux again, with a shell on its console (exit it to power off)\r\n";
    (void)!::write(io.out_fd, hello.data(), hello.size());

    RawTerminal raw(io.in_fd);
    std::string typed;   // read from the user, not yet taken by the UART's FIFO
    bool input_closed = false;
    for (;;) {
        auto report = STRATA_TRY(run_slice(ctx, s, "shell", std::chrono::milliseconds(20)));
        if (report.stop == kvm::RunStop::paused && report.checkpoint == kvm::I8042::kResetCheckpoint) break;
        if (report.stop == kvm::RunStop::stopped && report.last_exit &&
            std::holds_alternative<kvm::ShutdownExit>(*report.last_exit))
            break;
        if (report.stop == kvm::RunStop::cancelled) return 130;
        if (report.stop != kvm::RunStop::paused)
            return engine::plain_error(s.lesson, fmt::format("the guest stopped: {}: {}", kvm::run_stop_name(report.stop),
                                                            report.description));
        pollfd p{io.in_fd, POLLIN, 0};
        if (!input_closed && ::poll(&p, 1, 0) > 0) {
            char buf[256];
            const auto n = ::read(io.in_fd, buf, sizeof buf);
            if (n > 0) typed.append(buf, static_cast<std::size_t>(n));
            else input_closed = true;  // end of input: like typing Ctrl-D at the prompt
            if (input_closed) typed += '\x04';
        }
        // Held back until the guest's shell is there: the kernel's serial
        // driver empties the UART's FIFO when it opens the console at boot,
        // and bytes that arrive while /init is still starting the shell can
        // be lost with the tty's settings. The shell says it is ready by
        // printing after /init's marker line (its prompt).
        if (!typed.empty() && shell_is_listening(s)) typed.erase(0, s.pc->uart().receive(typed));
    }
    return 0;
}

}  // namespace

engine::Lesson boot_linux_lesson() {
    using L = LayerId;
    engine::LessonBuilder<BootLinuxState> lesson("vm/boot-linux");
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::guest_kernel};
    lesson.options = {
        {"kernel",
         "the kernel to boot (a bzImage); default: the host's, else Debian's fetched at build time",
         {},
         "",
         [](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return std::string("give an absolute path to a bzImage");
             return std::nullopt;
         }},
        {"log",
         "how much the kernel prints on its console: errors only, or all of its boot messages",
         {"quiet", "full"}},
        {"initrd",
         "an initramfs (cpio) to boot instead of strata's",
         {},
         "",
         [](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return std::string("give an absolute path to a cpio archive");
             return std::nullopt;
         }},
    };
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<BootLinuxState>();
        s->lesson = "boot-linux";
        s->init = kvm::init_script(false);
        if (auto it = options.find("kernel"); it != options.end()) s->kernel_path = it->second;
        if (auto it = options.find("initrd"); it != options.end()) s->initrd_path = it->second;
        if (auto it = options.find("log"); it != options.end()) s->quiet = it->second != "full";
        return s;
    };
    const std::vector<L> run = {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices};
    lesson.interactive_shell = shell;
    lesson.step("header", "Read the kernel's setup header", {L::vmm}, read_kernel_header)
        .provides("the kernel image", [](const BootLinuxState& s) { return !s.image.empty(); });
    lesson.step("zero-page", "Write the zero page, kernel and initramfs", {L::vmm, L::kvm, L::ram}, lay_out_ram)
        .provides("guest RAM with the kernel", [](const BootLinuxState& s) { return s.ram != nullptr; });
    lesson.step("enter", "Enter at the 64-bit entry", {L::vmm, L::kvm, L::cpu_virt}, enter_kernel)
        .provides("a started vCPU", [](const BootLinuxState& s) { return s.entered; });
    lesson.step("boot", "Let Linux boot", run, boot_to_init);
    lesson.step("init", "Reach /init",
                {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices, L::namespaces},
                compare_uname);
    lesson.step("power-off", "Power off", run, power_off);
    return lesson.build();
}

}  // namespace strata::lessons::vm
