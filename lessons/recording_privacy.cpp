#include "lessons/recording_privacy.hpp"

#include <cstdlib>
#include <filesystem>

#include <pwd.h>
#include <unistd.h>

#include "backends/linux/rootfs.hpp"
#include "engine/install_layout.hpp"
#include "engine/narrative.hpp"

namespace strata::lessons {

namespace {

// A directory as given and as the kernel resolves it: events show either.
void add_directory(replay::Scrubber& scrubber, const std::string& path, const std::string& placeholder) {
    scrubber.add_path(path, placeholder);
    std::error_code ec;
    const auto resolved = std::filesystem::canonical(path, ec);
    if (!ec) scrubber.add_path(resolved.string(), placeholder);
}

}  // namespace

replay::Scrubber recording_scrubber_here() {
    replay::Scrubber scrubber;
    if (auto rootfs = linux::find_rootfs()) add_directory(scrubber, *rootfs, "<rootfs>");
    std::error_code ec;
    const auto assets = std::filesystem::absolute(engine::asset_dir(), ec);
    if (!ec) add_directory(scrubber, assets.string(), "<assets>");
    // Helper programs strata spawns (the idle VM, benchmark timers).
    const auto helpers = std::filesystem::absolute(engine::helper_program("strata-idle-vm").parent_path(), ec);
    if (!ec) add_directory(scrubber, helpers.string(), "<helpers>");

    // root and nobody name no one; an ordinary account does.
    const passwd* user = ::getpwuid(::getuid());
    std::string home;
    if (const char* env = std::getenv("HOME"); env && *env) home = env;
    else if (user && user->pw_dir) home = user->pw_dir;
    if (::getuid() != 0 && !home.empty() && home != "/") add_directory(scrubber, home, "~");
    if (user && user->pw_name && ::getuid() != 0 && std::string(user->pw_name) != "nobody")
        scrubber.add_word(user->pw_name, "<user>");

    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && std::string(host) != "localhost")
        scrubber.add_word(host, "<host>");
    return scrubber;
}

}  // namespace strata::lessons
