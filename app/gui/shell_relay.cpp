#include "app/gui/shell_relay.hpp"

#include <cerrno>
#include <chrono>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace strata::gui {

namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

engine::Result<std::unique_ptr<ShellRelay>> ShellRelay::open(Wake wake) {
    std::unique_ptr<ShellRelay> relay(new ShellRelay);
    // CLOEXEC: nothing strata forks later may keep a pipe end open, or the
    // reader would never see end-of-file.
    if (::pipe2(relay->input_, O_CLOEXEC) != 0 || ::pipe2(relay->output_, O_CLOEXEC) != 0)
        return engine::errno_error("pipe2", errno, "cannot make the pipes for the console's shell");
    relay->shell_in_ = relay->input_[0];
    relay->shell_out_ = relay->output_[1];
    relay->wake_ = std::move(wake);
    relay->reader_ = std::thread([r = relay.get()] { r->read_loop(); });
    return relay;
}

// Only after the shell returned (the backend writes to the shell's ends
// until then): the Controller destroys the relay on its worker.
ShellRelay::~ShellRelay() {
    close_shell_side();
    finish();
    close_fd(input_[1]);
    close_fd(input_[0]);
    close_fd(output_[0]);
}

void ShellRelay::close_shell_side() {
    // Only the output's write end: the reader then sees end-of-file. The
    // input's read end stays open until the destructor, so a line typed
    // just as the shell ends fills the pipe instead of raising SIGPIPE.
    std::lock_guard lock(mutex_);
    close_fd(output_[1]);
    shell_in_ = shell_out_ = -1;
}

void ShellRelay::finish() {
    if (reader_.joinable()) reader_.join();
}

bool ShellRelay::send(std::string_view bytes) {
    // No lock: input_[1] is closed only by the destructor, and a full pipe
    // must not block transcript() on the UI thread.
    while (!bytes.empty()) {
        const ssize_t n = ::write(input_[1], bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string ShellRelay::transcript() const {
    std::lock_guard lock(mutex_);
    return transcript_;
}

bool ShellRelay::wait_for(const std::string& text, int ms) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (transcript().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

void ShellRelay::read_loop() {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(output_[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // every write end closed: the shell is gone
        {
            std::lock_guard lock(mutex_);
            terminal_.feed({buf, std::size_t(n)}, transcript_);
        }
        if (wake_) wake_();
    }
}

}  // namespace strata::gui
