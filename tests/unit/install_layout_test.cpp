#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "engine/install_layout.hpp"

using namespace strata::engine;

TEST_CASE("The installed layout follows the prefix, with the image under /var/lib for /usr", "[unit][engine]") {
    const auto usr = installed_paths("/usr");
    CHECK(usr.program == "/usr/bin/strata");
    CHECK(usr.assets == "/usr/share/strata");
    CHECK(usr.helpers == "/usr/libexec/strata");
    CHECK(usr.rootfs == "/var/lib/strata/rootfs");
    const auto opt = installed_paths("/opt/strata");
    CHECK(opt.assets == "/opt/strata/share/strata");
    CHECK(opt.rootfs == "/opt/strata/var/lib/strata/rootfs");
}

TEST_CASE("A strata run from the build tree uses the tree", "[unit][engine]") {
    // The test binaries live next to build/bin/strata.
    REQUIRE(installation() == Installation::build_tree);
    ::unsetenv("STRATA_ASSETS");
    CHECK(std::filesystem::exists(asset_dir() / "lessons" / "vm" / "hello-kvm.md"));
    CHECK(std::filesystem::exists(helper_program("strata-raw-vm-hello")));
    CHECK(rootfs_dir().filename() == "rootfs");
    CHECK(rootfs_dir().parent_path() == helper_program("strata").parent_path().parent_path());

    SECTION("$STRATA_ASSETS wins") {
        ::setenv("STRATA_ASSETS", "/somewhere/else", 1);
        CHECK(asset_dir() == "/somewhere/else");
        ::unsetenv("STRATA_ASSETS");
    }
}
