#include "backends/kvm/initramfs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "backends/kvm/cpio_newc.hpp"

namespace strata::kvm {

namespace fs = std::filesystem;

namespace {

// Every /init's start: the kernel's file systems mounted, then the markers
// that say /init runs and which kernel it runs on.
std::string script_start(const char* purpose) {
    std::string s = fmt::format("#!/bin/sh\n"
                                "# strata's /init for {}\n"
                                "export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root\n"
                                "mount -t proc proc /proc\n"
                                "mount -t sysfs sysfs /sys\n"
                                "mount -t devtmpfs devtmpfs /dev 2>/dev/null\n",
                                purpose);
    s += fmt::format("echo \"{}\"\n", kInitMarker);
    s += fmt::format("echo \"{}$(uname -r)\"\n", kGuestUnameMarker);
    return s;
}

// Every /init's end: reboot -f once the console has sent everything (stty
// waits, TCSADRAIN).
std::string script_end() {
    return fmt::format("echo \"{}reboot -f\"\n"
                       "stty -F /dev/console opost 2>/dev/null\n"
                       "reboot -f\n"
                       "sleep 5\n",
                       kPowerOffMarker);
}

}  // namespace

std::string init_script(bool shell) {
    std::string s = script_start("vm/boot-linux: PID 1 of the guest's own kernel.");
    if (shell)
        s += fmt::format("echo \"{}the guest's own shell; exit it to power the VM off\"\n"
                         "setsid cttyhack sh -l || sh\n",
                         kShellMarker);
    return s + script_end();
}

std::string virtio_init_script(const std::vector<std::string>& modules, const std::string& line) {
    std::string s = script_start("vm/virtio: the virtio drivers, then one read and one write.");
    for (const auto& m : modules) s += fmt::format("insmod {} || echo \"{}insmod {}\"\n", m, kVirtioFailedMarker, m);
    // The driver's probe adds the disk; devtmpfs makes its node a moment later.
    s += "i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do usleep 20000; i=$((i+1)); done\n";
    s += fmt::format("[ -b /dev/vda ] && echo \"{}/dev/vda, $(cat /sys/block/vda/size) sectors of 512 bytes\" "
                     "|| echo \"{}no /dev/vda\"\n",
                     kVirtioReadyMarker, kVirtioFailedMarker);
    // Through the guest's page cache, as any program reads and writes: the
    // block layer turns one 512-byte dd into whole pages and readahead.
    s += fmt::format("echo \"{}$(dd if=/dev/vda bs=512 count=1 2>/dev/null | tr -d '\\000' | head -n 1)\"\n",
                     kDiskReadMarker);
    // conv=fsync: the page is written back and the disk asked to flush.
    s += fmt::format("echo \"{}\" | dd of=/dev/vda bs=512 seek=1 count=1 conv=sync,notrunc,fsync 2>/dev/null\n"
                     "echo \"{}sector 1\"\n",
                     line, kDiskWrittenMarker);
    return s + script_end();
}

engine::Result<Initramfs> build_initramfs(const fs::path& image_root, std::string_view init,
                                          const std::vector<InitramfsFile>& extra) {
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
    std::set<fs::path> made;
    for (const auto& file : extra) {
        // Their directories, parents first, unless the image has them.
        std::vector<fs::path> dirs;
        for (auto dir = fs::path(file.path).parent_path(); !dir.empty(); dir = dir.parent_path()) dirs.push_back(dir);
        for (auto dir = dirs.rbegin(); dir != dirs.rend(); ++dir)
            if (!fs::is_directory(image_root / *dir, ec) && made.insert(*dir).second) cpio.add_directory(dir->string());
        cpio.add_file(file.path, file.bytes, file.permissions);
    }
    cpio.add_file("init", {reinterpret_cast<const std::uint8_t*>(init.data()), init.size()}, 0755);
    Initramfs out;
    out.files = cpio.members();
    out.archive = cpio.finish();
    return out;
}

}  // namespace strata::kvm
