#include "app/cli/line_input.hpp"

#include <cerrno>
#include <cstdio>
#include <iostream>

#include <poll.h>
#include <unistd.h>

#include "engine/stop_request.hpp"

namespace strata::cli {

void unbuffer_standard_input() { std::setvbuf(stdin, nullptr, _IONBF, 0); }

std::optional<std::string> read_line_unless_stopped(std::istream& in) {
    if (&in == &std::cin) {
        pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
        while (!engine::stop_requested()) {
            const int r = ::poll(fds, 2, engine::stop_fd() < 0 ? 50 : -1);
            if (r < 0 && errno != EINTR) break;  // let getline meet the problem
            if (r > 0 && fds[0].revents) break;  // a line, the end, or an error
        }
        if (engine::stop_requested()) return std::nullopt;
    }
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    return line;
}

}  // namespace strata::cli
