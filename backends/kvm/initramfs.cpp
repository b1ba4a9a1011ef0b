#include "backends/kvm/initramfs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "backends/kvm/cpio_newc.hpp"

namespace strata::kvm {

namespace fs = std::filesystem;

std::string init_script(bool shell) {
    std::string s = "#!/bin/sh\n"
                    "# strata's /init for vm/boot-linux: PID 1 of the guest's own kernel.\n"
                    "export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root\n"
                    "mount -t proc proc /proc\n"
                    "mount -t sysfs sysfs /sys\n"
                    "mount -t devtmpfs devtmpfs /dev 2>/dev/null\n";
    s += fmt::format("echo \"{}\"\n", kInitMarker);
    s += fmt::format("echo \"{}$(uname -r)\"\n", kGuestUnameMarker);
    if (shell)
        s += fmt::format("echo \"{}the guest's own shell; exit it to power the VM off\"\n"
                         "setsid cttyhack sh -l || sh\n",
                         kShellMarker);
    // stty waits (TCSADRAIN) until the serial line has sent everything.
    s += fmt::format("echo \"{}reboot -f\"\n"
                     "stty -F /dev/console opost 2>/dev/null\n"
                     "reboot -f\n"
                     "sleep 5\n",
                     kPowerOffMarker);
    return s;
}

engine::Result<Initramfs> build_initramfs(const fs::path& image_root, bool shell) {
    const std::string op = "build the initramfs from " + image_root.string();
    std::error_code ec;
    if (!fs::is_directory(image_root, ec))
        return engine::plain_error(op, "the busybox image is not there",
                                   "build strata (make build makes it from Debian's busybox-static), or set STRATA_ROOTFS");
    std::vector<fs::path> paths;
    for (auto it = fs::recursive_directory_iterator(image_root, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        paths.push_back(it->path());
    if (ec) return engine::plain_error(op, "cannot list the image: " + ec.message());
    std::sort(paths.begin(), paths.end());  // parents before children, and the same archive every time

    CpioNewc cpio;
    bool has_dev = false;
    for (const auto& path : paths) {
        // Lexically: fs::relative would follow bin/sh to bin/busybox.
        const std::string name = path.lexically_relative(image_root).string();
        if (name == "init") continue;  // strata's own /init replaces any
        struct stat st{};
        if (::lstat(path.c_str(), &st) != 0) return engine::errno_error("lstat " + path.string(), errno);
        const std::uint32_t permissions = st.st_mode & 07777;
        if (S_ISDIR(st.st_mode)) {
            cpio.add_directory(name, permissions);
            has_dev = has_dev || name == "dev";
        } else if (S_ISLNK(st.st_mode)) {
            cpio.add_symlink(name, fs::read_symlink(path, ec).string());
        } else if (S_ISREG(st.st_mode)) {
            std::ifstream in(path, std::ios::binary);
            std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) return engine::plain_error(op, "cannot read " + path.string());
            cpio.add_file(name, data, permissions);
        }
    }
    if (!has_dev) cpio.add_directory("dev");
    // The kernel opens /dev/console for /init's standard streams before
    // anything could mount /dev: without the node /init has no output.
    cpio.add_char_device("dev/console", 5, 1);
    const std::string init = init_script(shell);
    cpio.add_file("init", {reinterpret_cast<const std::uint8_t*>(init.data()), init.size()}, 0755);
    Initramfs out;
    out.files = cpio.members();
    out.archive = cpio.finish();
    return out;
}

}  // namespace strata::kvm
