// vm/boot-linux's boot loader half, without /dev/kvm: the bzImage setup
// header read from a real kernel (Debian's, as the build or the KVM
// suite's QEMU fallback fetched it) and from broken copies of it, the zero
// page built from it, the placement of kernel and initramfs, and the cpio
// archive the initramfs is.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "backends/kvm/boot_params.hpp"
#include "backends/kvm/bzimage.hpp"
#include "backends/kvm/cpio_newc.hpp"
#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/linux_boot.hpp"

namespace kvm = strata::kvm;
namespace fs = std::filesystem;

namespace {

// A real kernel: $STRATA_TEST_KERNEL, the build's, or the KVM suite's cached one.
std::vector<std::uint8_t> real_kernel() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("STRATA_TEST_KERNEL")) candidates.emplace_back(env);
    std::error_code ec;
    for (const fs::path& dir : {fs::path(STRATA_TEST_BUILD_DIR) / "guest-kernel",
                               fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/root") / ".cache/strata/kvm-in-qemu"})
        for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec))
            if (it->path().filename().string().starts_with("vmlinuz-")) candidates.push_back(it->path());
    for (const auto& c : candidates) {
        std::ifstream in(c, std::ios::binary);
        if (in) return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    return {};
}

template <class T>
T at(const std::vector<std::uint8_t>& b, std::size_t offset) {
    T v{};
    std::memcpy(&v, b.data() + offset, sizeof v);
    return v;
}

}  // namespace

TEST_CASE("A real kernel's setup header is read field by field", "[unit][linux-boot]") {
    const auto image = real_kernel();
    if (image.empty()) {
        WARN("no kernel image here (build strata to fetch Debian's)");
        return;
    }
    auto h = kvm::read_setup_header(image, "vmlinuz");
    REQUIRE(h);
    CHECK(h->version >= kvm::kMinimumBootProtocol);
    CHECK(h->has_64bit_entry());
    CHECK(h->relocatable_kernel == 1);
    CHECK(h->pref_address == 0x1000000);
    CHECK(h->kernel_alignment == 0x200000);
    CHECK(h->init_size > h->kernel_bytes());  // it needs room to decompress
    CHECK(h->cmdline_size >= 2047);
    CHECK(h->setup_bytes() + h->kernel_bytes() <= image.size());
    CHECK(kvm::protected_mode_kernel(image, *h).size() == h->kernel_bytes());
    // The version string the header points at, as uname -r will say it.
    CHECK(h->kernel_version.find(" (") != std::string::npos);
    CHECK(h->release().starts_with("6."));
    CHECK(h->release().ends_with("-amd64"));
}

TEST_CASE("A file that is not a bzImage, or is cut short, is refused with its own error", "[unit][linux-boot]") {
    std::vector<std::uint8_t> text(8192, 'x');
    auto not_kernel = kvm::read_setup_header(text, "notes.txt");
    REQUIRE_FALSE(not_kernel);
    CHECK(not_kernel.error().message.find("not a bzImage") != std::string::npos);
    CHECK(not_kernel.error().hint.find("--set kernel=") != std::string::npos);
    CHECK_FALSE(kvm::read_setup_header({}, "empty"));

    const auto image = real_kernel();
    if (image.empty()) {
        WARN("no kernel image here (build strata to fetch Debian's)");
        return;
    }
    std::vector<std::uint8_t> half(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(image.size() / 2));
    auto truncated = kvm::read_setup_header(half, "half");
    REQUIRE_FALSE(truncated);
    CHECK(truncated.error().message.find("truncated") != std::string::npos);
    std::vector<std::uint8_t> header_only(image.begin(), image.begin() + 0x230);
    auto cut = kvm::read_setup_header(header_only, "cut");
    REQUIRE_FALSE(cut);
    CHECK(cut.error().message.find("truncated") != std::string::npos);

    auto old = image;
    old[0x206] = 0x0b;  // protocol 2.11
    auto too_old = kvm::read_setup_header(old, "old");
    REQUIRE_FALSE(too_old);
    CHECK(too_old.error().message.find("too old") != std::string::npos);
}

TEST_CASE("The zero page carries the kernel's header, the loader's answers and the e820 map", "[unit][linux-boot]") {
    const auto image = real_kernel();
    if (image.empty()) {
        WARN("no kernel image here (build strata to fetch Debian's)");
        return;
    }
    auto h = kvm::read_setup_header(image, "vmlinuz");
    REQUIRE(h);
    auto plan = kvm::linux_guest::plan_boot(*h, 3 << 20, 256ull << 20, kvm::linux_guest::default_cmdline());
    REQUIRE(plan);
    CHECK(plan->kernel_address == 0x1000000);
    CHECK(plan->entry == 0x1000200);
    CHECK(plan->initrd_address % 4096 == 0);
    CHECK(plan->initrd_address >= plan->kernel_end);
    CHECK(plan->initrd_address + plan->initrd_size <= plan->ram_size);

    kvm::BootParamsInput in{image, *h, kvm::linux_guest::kCmdline, plan->cmdline.size(), plan->initrd_address,
                            plan->initrd_size, kvm::pc_memory_map(plan->ram_size)};
    auto page = kvm::build_boot_params(in);
    REQUIRE(page);
    REQUIRE(page->size() == 4096);
    namespace off = kvm::boot_params_offset;
    CHECK(at<std::uint32_t>(*page, 0x202) == 0x53726448);  // "HdrS", copied from the kernel
    CHECK(at<std::uint16_t>(*page, 0x206) == h->version);
    CHECK((*page)[off::type_of_loader] == 0xff);
    CHECK(at<std::uint32_t>(*page, off::cmd_line_ptr) == kvm::linux_guest::kCmdline);
    CHECK(at<std::uint32_t>(*page, off::ramdisk_image) == plan->initrd_address);
    CHECK(at<std::uint32_t>(*page, off::ramdisk_size) == plan->initrd_size);
    CHECK(at<std::uint32_t>(*page, off::ext_ramdisk_image) == 0);
    REQUIRE((*page)[off::e820_entries] == 3);
    CHECK(at<std::uint64_t>(*page, off::e820_table + 40) == 0x100000);                    // third entry: 1 MiB on
    CHECK(at<std::uint64_t>(*page, off::e820_table + 48) == (256ull << 20) - 0x100000);  // to the end of RAM
    CHECK(at<std::uint32_t>(*page, off::e820_table + 56) == 1);                          // usable

    std::string long_line(h->cmdline_size + 1, 'a');
    in.cmdline_length = long_line.size();
    CHECK_FALSE(kvm::build_boot_params(in));
    CHECK(kvm::linux_guest::default_cmdline(true).starts_with("quiet console=ttyS0 "));
}

TEST_CASE("An initramfs too large for guest RAM is refused before anything is written", "[unit][linux-boot]") {
    const auto image = real_kernel();
    if (image.empty()) {
        WARN("no kernel image here (build strata to fetch Debian's)");
        return;
    }
    auto h = kvm::read_setup_header(image, "vmlinuz");
    REQUIRE(h);
    auto plan = kvm::linux_guest::plan_boot(*h, 200ull << 20, 256ull << 20, "console=ttyS0");
    REQUIRE_FALSE(plan);
    CHECK(plan.error().message.find("initramfs is too large for guest RAM") != std::string::npos);
    CHECK_FALSE(kvm::linux_guest::plan_boot(*h, 1 << 20, 32ull << 20, "console=ttyS0"));  // not even the kernel fits
}

TEST_CASE("The cpio archive is newc, as the kernel and cpio(1) read it", "[unit][linux-boot]") {
    kvm::CpioNewc cpio;
    cpio.add_directory("bin");
    const std::string hello = "hello\n";
    cpio.add_file("bin/hello", {reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()}, 0755);
    cpio.add_symlink("bin/sh", "busybox");
    cpio.add_char_device("console", 5, 1);
    CHECK(cpio.members() == 4);
    const auto bytes = cpio.finish();
    REQUIRE(bytes.size() % 4 == 0);
    CHECK(std::string(bytes.begin(), bytes.begin() + 6) == "070701");
    const std::string all(bytes.begin(), bytes.end());
    CHECK(all.find("TRAILER!!!") != std::string::npos);
    // The second header: 110 bytes of header, "bin\0", padding to 116.
    CHECK(all.substr(116, 6) == "070701");

    const fs::path dir = fs::temp_directory_path() / ("strata-cpio-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream out(dir / "a.cpio", std::ios::binary);
        out.write(all.data(), static_cast<std::streamsize>(all.size()));
    }
    const std::string list = "cd " + dir.string() + " && busybox cpio -it < a.cpio > list 2>/dev/null";
    const bool listed = std::system(list.c_str()) == 0;
    std::ifstream names(dir / "list");
    const std::string listing((std::istreambuf_iterator<char>(names)), std::istreambuf_iterator<char>());
    fs::remove_all(dir);
    if (!listed) {
        WARN("no busybox cpio to cross-check with");
        return;
    }
    CHECK(listing == "bin\nbin/hello\nbin/sh\nconsole\n");
}

TEST_CASE("strata's /init mounts /proc and prints the markers the lesson watches for", "[unit][linux-boot]") {
    const auto plain = kvm::init_script(false);
    CHECK(plain.starts_with("#!/bin/sh\n"));
    CHECK(plain.find("mount -t proc proc /proc") != std::string::npos);
    CHECK(plain.find(std::string(kvm::kGuestUnameMarker) + "$(uname -r)") != std::string::npos);
    CHECK(plain.find("reboot -f") != std::string::npos);
    CHECK(plain.find("sh -l") == std::string::npos);
    CHECK(kvm::init_script(true).find("sh -l") != std::string::npos);
}

TEST_CASE("The initramfs holds the image's links as links, not as copies of what they point to", "[unit][linux-boot]") {
    const fs::path dir = fs::temp_directory_path() / ("strata-image-" + std::to_string(::getpid()));
    fs::create_directories(dir / "bin");
    { std::ofstream(dir / "bin" / "busybox") << "not really busybox"; }
    fs::create_symlink("busybox", dir / "bin" / "sh");
    auto built = kvm::build_initramfs(dir, kvm::init_script(false));
    fs::remove_all(dir);
    REQUIRE(built);
    CHECK(built->files == 6);  // bin, bin/busybox, bin/sh, dev, dev/console and init
    const std::string all(built->archive.begin(), built->archive.end());
    const auto sh = all.find("bin/sh");
    REQUIRE(sh != std::string::npos);
    CHECK(all.substr(sh - 110 + 14, 8) == "0000a1ff");  // the mode field: S_IFLNK | 0777
    CHECK(all.find("bin/busybox") == all.rfind("bin/busybox"));
    CHECK(all.find("init") != std::string::npos);
}
