#include "app/gui/link_opener.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace strata::gui {

bool openable_link(const std::string& url) {
    const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    // No control characters: the URL goes to another program's argv.
    for (unsigned char c : url)
        if (c < 0x20 || c == 0x7f) return false;
    return web && url.size() > 8;
}

std::string open_with_xdg_open(const std::string& url) {
    if (!openable_link(url)) return "not opened (only http and https links open): " + url;
    // sh starts xdg-open in the background and exits at once, so we reap
    // it here and the opener belongs to init, not to strata's worker.
    const char* script = "command -v xdg-open >/dev/null || exit 127; xdg-open \"$1\" >/dev/null 2>&1 &";
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(script),
                    const_cast<char*>("strata-open-link"), const_cast<char*>(url.c_str()), nullptr};
    pid_t pid = 0;
    if (int err = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ); err != 0)
        return "could not start xdg-open: " + std::string(std::strerror(err));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return "xdg-open is not installed (Debian: xdg-utils); the link is " + url;
    return "opening " + url + " in the browser";
}

}  // namespace strata::gui
