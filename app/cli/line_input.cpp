#include "app/cli/line_input.hpp"

#include <cerrno>
#include <cstdio>
#include <iostream>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "engine/stop_request.hpp"

namespace strata::cli {

void unbuffer_standard_input() { std::setvbuf(stdin, nullptr, _IONBF, 0); }

namespace {

// Waits until standard input has something (or ends) or a stop is asked for.
bool wait_for_input() {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
    while (!engine::stop_requested()) {
        const int r = ::poll(fds, 2, engine::stop_fd() < 0 ? 50 : -1);
        if (r < 0 && errno != EINTR) break;  // let the read meet the problem
        if (r > 0 && fds[0].revents) break;  // input, the end, or an error
    }
    return !engine::stop_requested();
}

// Non-canonical, no echo, for as long as it lives; signals keep working.
class SingleKeyMode {
public:
    SingleKeyMode() : ok_(::tcgetattr(STDIN_FILENO, &saved_) == 0) {
        if (!ok_) return;
        termios raw = saved_;
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        ok_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    ~SingleKeyMode() {
        if (ok_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }
    SingleKeyMode(const SingleKeyMode&) = delete;
    SingleKeyMode& operator=(const SingleKeyMode&) = delete;

private:
    termios saved_{};
    bool ok_ = false;
};

}  // namespace

std::optional<char> read_key_unless_stopped() {
    if (::isatty(STDIN_FILENO) == 0) {
        auto line = read_line_unless_stopped(std::cin);
        if (!line) return std::nullopt;
        return line->empty() ? '\n' : line->front();
    }
    SingleKeyMode mode;
    if (!wait_for_input()) return std::nullopt;
    char key = 0;
    ssize_t n = 0;
    do n = ::read(STDIN_FILENO, &key, 1);
    while (n < 0 && errno == EINTR && !engine::stop_requested());
    if (n != 1 || engine::stop_requested()) return std::nullopt;
    return key == '\r' ? '\n' : key;
}

std::optional<std::string> read_line_unless_stopped(std::istream& in) {
    if (&in == &std::cin && !wait_for_input()) return std::nullopt;
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    return line;
}

}  // namespace strata::cli
