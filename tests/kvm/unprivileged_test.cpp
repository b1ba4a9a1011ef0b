// What a student without access to /dev/kvm sees: EACCES with the fix,
// and exit code 3 from the CLI.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/cli/cli.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/shipped_recordings.hpp"
#include "tests/support/as_nobody.hpp"

using namespace strata;

namespace {

using tests::as_nobody;

// STRATA_ASSETS pointing at a scratch directory, readable by nobody,
// holding the embedded recording of `lesson_id`; removed at the end.
struct ShippedAssets {
    std::filesystem::path root;
    explicit ShippedAssets(const std::string& lesson_id) {
        std::string pattern = (std::filesystem::temp_directory_path() / "kvm-unprivileged-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        root = pattern;
        const auto file = root / "recordings" / (lesson_id + ".json");
        std::filesystem::create_directories(file.parent_path());
        bool found = false;
        for (const auto& r : tests::shipped_vm_recordings())
            if (r.lesson_id == lesson_id) {
                std::ofstream(file) << r.json;
                found = true;
            }
        REQUIRE(found);
        for (const auto& p : {root, root / "recordings", file.parent_path()}) ::chmod(p.c_str(), 0755);
        ::chmod(file.c_str(), 0644);
        ::setenv("STRATA_ASSETS", root.c_str(), 1);
    }
    ~ShippedAssets() {
        ::unsetenv("STRATA_ASSETS");
        std::error_code ec;
        std::filesystem::remove_all(root, ec);
    }
};

}  // namespace

TEST_CASE("A user who may not open /dev/kvm is told why and how to fix it", "[kvm][root]") {
    if (::geteuid() != 0) {
        WARN("not root: cannot switch to an unprivileged user here");
        return;
    }
    struct stat st {};
    REQUIRE(::stat("/dev/kvm", &st) == 0);
    if (st.st_mode & S_IROTH && st.st_mode & S_IWOTH) {
        WARN("/dev/kvm is world-accessible on this machine: nobody is not denied");
        return;
    }

    SECTION("the first step fails with EACCES and names the kvm group") {
        const int status = as_nobody([] {
            const auto* lesson = lessons::catalogue().find("vm/hello-kvm");
            engine::Session session(*lesson);
            auto result = session.step();
            if (result) return 1;
            if (result.error().errno_value != EACCES) return 2;
            if (result.error().hint.find("group") == std::string::npos) return 3;
            return 0;
        });
        CHECK(status == 0);
    }
    SECTION("with --live the CLI exits with 3, requirement missing") {
        const int status = as_nobody([] {
            char arg0[] = "strata", arg1[] = "run", arg2[] = "vm/hello-kvm", arg3[] = "--live";
            char* argv[] = {arg0, arg1, arg2, arg3, nullptr};
            return cli::main(4, argv);
        });
        CHECK(status == 3);
    }
    SECTION("without --live the CLI plays the shipped recording instead, and succeeds") {
        // The recording this binary embeds, as the assets strata reads: the
        // suite may run inside a VM that has no source tree.
        const ShippedAssets assets("vm/hello-kvm");
        const int status = as_nobody([] {
            // Only the exit status comes back from the child: keep its output off the test log.
            if (!std::freopen("/dev/null", "w", stdout)) return 101;
            char arg0[] = "strata", arg1[] = "run", arg2[] = "vm/hello-kvm", arg3[] = "--no-narrative";
            char* argv[] = {arg0, arg1, arg2, arg3, nullptr};
            return cli::main(4, argv);
        });
        CHECK(status == 0);
    }
    SECTION("the tour says it replays a real run, not that it runs one here") {
        const ShippedAssets assets("vm/hello-kvm");
        const auto output = assets.root / "tour.txt";
        std::ofstream(output).flush();
        ::chmod(output.c_str(), 0666);
        const int status = as_nobody([&output] {
            if (!std::freopen(output.c_str(), "w", stdout) || !std::freopen("/dev/null", "r", stdin)) return 101;
            ::unsetenv("DISPLAY");  // the tour, not the window
            ::unsetenv("WAYLAND_DISPLAY");
            char arg0[] = "strata";
            char* argv[] = {arg0, nullptr};
            return cli::main(1, argv);
        });
        CHECK(status == 0);
        std::ifstream in(output);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text.find("This tour replays a real run of the first lesson") != std::string::npos);
        CHECK(text.find("for real") == std::string::npos);
        CHECK(text.find(", replayed") != std::string::npos);
    }
}
