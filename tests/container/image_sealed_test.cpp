// Root inside a strata container is never root outside, and the shared
// image is read-only from outside: a remount inside cannot lift it, a write
// cannot land, and the image's digest is the same afterwards. As root and
// as nobody, on the agent every container lesson starts.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include "backends/linux/agent.hpp"
#include "backends/linux/container_ids.hpp"
#include "backends/linux/host_files.hpp"
#include "tests/support/as_nobody.hpp"
#include "tests/support/host_state.hpp"
#include "tests/support/image_digest.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;

namespace {

const std::vector<engine::LayerId> kLayers = {engine::LayerId::runtime, engine::LayerId::mounts};

// What a container's root can do to the image it was given; 0 when every
// attempt was refused as it should be, else a code naming the first that
// was not.
int try_to_change_the_image() {
    engine::Recorder recorder;
    auto agent = linux::Agent::start(recorder, {CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID});
    if (!agent) return 10;
    const std::string image = agent->image();
    if (image.empty()) return 11;
    // Root inside, with every capability over its own mount namespace ...
    auto ids = agent->ids(kLayers);
    if (!ids || ids->uid != 0 || ids->euid != 0) return 12;
    // ... cannot make its image writable: the flag came locked from a more
    // privileged mount namespace.
    auto remount = agent->mount("", image, "", MS_BIND | MS_REMOUNT);
    if (remount || remount.error().errno_value != EPERM) return 13;
    auto write = agent->write_file(image + "/etc/strata-was-here", "x", kLayers);
    if (write || write.error().errno_value != EROFS) return 15;
    // Nor take the sealed mount away (a locked mount).
    auto umount = agent->umount2(image, 0);
    if (umount) return 16;
    return 0;
}

}  // namespace

TEST_CASE("Container root maps to a uid no host user owns when strata runs as root", "[userns][root]") {
    const auto ids = linux::container_ids();
    REQUIRE(::geteuid() == 0);
    CHECK(ids.subordinate);
    CHECK(ids.uid != 0);
    CHECK(ids.gid != 0);
    CHECK(ids.count >= 1);
    engine::Recorder recorder;
    auto agent = linux::Agent::start(recorder, {CLONE_NEWUSER | CLONE_NEWNS});
    REQUIRE(agent);
    // The kernel's view from outside: the agent's process belongs to that uid.
    struct stat st {};
    REQUIRE(::stat(fmt::format("/proc/{}", agent->pid()).c_str(), &st) == 0);
    CHECK(st.st_uid == ids.uid);
    auto inside = agent->ids(kLayers);
    REQUIRE(inside);
    CHECK(inside->uid == 0);
}

TEST_CASE("Root in a container can neither remount nor write strata's image", "[userns][root]") {
    const auto before = tests::HostState::capture();
    REQUIRE_FALSE(before.image.empty());
    SECTION("run by root") { CHECK(try_to_change_the_image() == 0); }
    SECTION("run by nobody") { CHECK(tests::as_nobody(try_to_change_the_image) == 0); }
    CHECK_NO_LEAKS(before);
    CHECK(tests::image_digest() == before.image);
}

TEST_CASE("The container's PID 1 holds neither strata's environment nor its terminal", "[userns][root]") {
    engine::Recorder recorder;
    auto agent = linux::Agent::start(recorder, {CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID});
    REQUIRE(agent);
    // Read from outside, as strata (root) sees it: inside, the file is not
    // even readable (a process that changed its uids is not dumpable).
    const std::string environ_text = linux::read_text(fmt::format("/proc/{}/environ", agent->pid()));
    REQUIRE(::getenv("PATH") != nullptr);  // strata itself has an environment to leak
    CHECK(environ_text.find_first_not_of('\0') == std::string::npos);
    for (int fd = 0; fd < 3; ++fd) {
        char target[256] = {};
        const auto link = fmt::format("/proc/{}/fd/{}", agent->pid(), fd);
        REQUIRE(::readlink(link.c_str(), target, sizeof target - 1) > 0);
        CAPTURE(link);
        CHECK(std::string(target) == "/dev/null");
    }
}
