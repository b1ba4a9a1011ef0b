// vm/virtio's device half without /dev/kvm: the ACPI tables that name the
// device, the virtio-mmio transport's handshake, and virtio-blk requests
// built in guest RAM the way Linux's driver builds them, served from a memfd.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "backends/kvm/acpi_tables.hpp"
#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/virtio_blk.hpp"
#include "backends/kvm/virtio_mmio.hpp"
#include "backends/sys/fd.hpp"
#include "engine/recorder.hpp"

namespace kvm = strata::kvm;
namespace acpi = strata::kvm::acpi;
using R = kvm::VirtioMmio;

namespace {

template <class T>
T at(const std::vector<std::uint8_t>& b, std::size_t offset) {
    T v;
    std::memcpy(&v, b.data() + offset, sizeof v);
    return v;
}

std::uint32_t reg(kvm::Device& d, std::uint64_t offset) {
    std::array<std::uint8_t, 4> b{};
    d.read(offset, b);
    std::uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
}

void set(kvm::Device& d, std::uint64_t offset, std::uint32_t v) {
    std::array<std::uint8_t, 4> b{};
    std::memcpy(b.data(), &v, 4);
    d.write(offset, b);
}

bool contains(std::span<const std::uint8_t> hay, std::initializer_list<std::uint8_t> needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

// Guest RAM (64 KiB at guest-physical 0), a 64 KiB memfd disk, the device
// and its transport, and a queue of 16 laid out as Linux's driver would.
struct Bench {
    static constexpr std::uint64_t kDesc = 0x1000, kAvail = 0x2000, kUsed = 0x3000, kBuffers = 0x4000;
    static constexpr std::uint16_t kQueue = 16;
    strata::engine::Recorder recorder;
    kvm::GuestMemory ram = *kvm::GuestMemory::allocate(recorder, 0, 64 << 10);
    strata::sys::Fd disk{::memfd_create("virtio-test", MFD_CLOEXEC)};
    kvm::VirtioBlk blk{nullptr, disk.get(), 64 << 10, "test-disk"};
    kvm::VirtioMmio dev{&recorder, ram, blk};
    std::uint16_t next_free = 0, avail_idx = 0;

    Bench() {
        REQUIRE(disk.valid());
        REQUIRE(::ftruncate(disk.get(), 64 << 10) == 0);
    }

    // ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue 0, DRIVER_OK.
    void handshake() {
        set(dev, R::status, kvm::virtio_status::acknowledge | kvm::virtio_status::driver);
        set(dev, R::driver_features_sel, 1);
        set(dev, R::driver_features, 1);  // VERSION_1
        set(dev, R::status, 0xb);
        REQUIRE(reg(dev, R::status) & kvm::virtio_status::features_ok);
        set(dev, R::queue_sel, 0);
        set(dev, R::queue_num, kQueue);
        set(dev, R::queue_desc_low, kDesc);
        set(dev, R::queue_driver_low, kAvail);
        set(dev, R::queue_device_low, kUsed);
        set(dev, R::queue_ready, 1);
        set(dev, R::status, 0xf);
        REQUIRE(dev.queue().has_value());
    }

    std::uint16_t descriptor(std::uint64_t address, std::uint32_t length, std::uint16_t flags, bool chained) {
        const std::uint16_t i = next_free++;
        std::array<std::uint8_t, 16> d{};
        const std::uint16_t next = chained ? static_cast<std::uint16_t>(i + 1) : 0;
        if (chained) flags |= kvm::VirtqDescriptor::kNext;
        std::memcpy(d.data(), &address, 8);
        std::memcpy(d.data() + 8, &length, 4);
        std::memcpy(d.data() + 12, &flags, 2);
        std::memcpy(d.data() + 14, &next, 2);
        REQUIRE(ram.write(kDesc + 16u * i, d));
        return i;
    }

    struct Request {
        std::uint16_t head;
        std::uint64_t data, status;
    };
    // header, data, status: the chain virtio_blk makes for one sector.
    Request request(std::uint32_t type, std::uint64_t sector, std::uint32_t bytes) {
        const std::uint64_t header = kBuffers + 0x100u * next_free, data = 0x8000 + 0x400u * next_free;
        std::array<std::uint8_t, 16> h{};
        std::memcpy(h.data(), &type, 4);
        std::memcpy(h.data() + 8, &sector, 8);
        REQUIRE(ram.write(header, h));
        const std::uint16_t head = descriptor(header, 16, 0, true);
        descriptor(data, bytes, type == 0 ? kvm::VirtqDescriptor::kWrite : 0, true);
        descriptor(header + 0x80, 1, kvm::VirtqDescriptor::kWrite, false);
        return {head, data, header + 0x80};
    }

    void offer(std::uint16_t head) {
        REQUIRE(ram.write(kAvail + 4 + 2u * (avail_idx % kQueue), {reinterpret_cast<std::uint8_t*>(&head), 2}));
        ++avail_idx;
        REQUIRE(ram.write(kAvail + 2, {reinterpret_cast<std::uint8_t*>(&avail_idx), 2}));
    }

    std::uint8_t byte(std::uint64_t gpa) { return (*ram.bytes(gpa, 1))[0]; }
    std::uint16_t used_idx() {
        std::uint16_t v;
        std::memcpy(&v, ram.bytes(kUsed + 2, 2)->data(), 2);
        return v;
    }
};

}  // namespace

TEST_CASE("ACPI tables: checksums, the chain RSDP to XSDT to FADT and MADT to DSDT", "[unit][virtio]") {
    const auto t = acpi::build_tables();
    const auto& b = t.bytes;
    REQUIRE(t.rsdp == acpi::kTablesAddress);
    CHECK(std::string_view(reinterpret_cast<const char*>(b.data()), 8) == "RSD PTR ");
    CHECK(acpi::checksum({b.data(), 20}) == 0);
    CHECK(acpi::checksum({b.data(), 36}) == 0);
    for (const auto& table : t.tables) {
        INFO(table.signature);
        const std::size_t off = table.address - acpi::kTablesAddress;
        REQUIRE(off + table.length <= b.size());
        CHECK(acpi::checksum({b.data() + off, table.length}) == 0);
        if (table.signature != "RSDP")
            CHECK(std::string_view(reinterpret_cast<const char*>(b.data() + off), 4) == table.signature);
    }
    auto find = [&](std::string_view sig) {
        return std::find_if(t.tables.begin(), t.tables.end(), [&](const auto& x) { return x.signature == sig; });
    };
    const auto xsdt = find("XSDT"), fadt = find("FACP"), madt = find("APIC"), dsdt = find("DSDT");
    REQUIRE((xsdt != t.tables.end() && fadt != t.tables.end() && madt != t.tables.end() && dsdt != t.tables.end()));
    CHECK(at<std::uint64_t>(b, 24) == xsdt->address);
    const std::size_t x = xsdt->address - acpi::kTablesAddress;
    CHECK(at<std::uint64_t>(b, x + 36) == fadt->address);
    CHECK(at<std::uint64_t>(b, x + 44) == madt->address);
    const std::size_t f = fadt->address - acpi::kTablesAddress;
    CHECK(at<std::uint64_t>(b, f + 140) == dsdt->address);
    CHECK((at<std::uint32_t>(b, f + 112) & (1u << 20)) != 0);  // hardware-reduced
    const std::size_t m = madt->address - acpi::kTablesAddress;
    CHECK(at<std::uint32_t>(b, m + 36) == 0xfee00000);
    CHECK(b[m + 44] == 0);  // a local APIC first
    CHECK(b[m + 52] == 1);  // then the I/O APIC
    CHECK(at<std::uint32_t>(b, m + 56) == 0xfec00000);
}

TEST_CASE("The DSDT iasl compiled says what acpi_tables.hpp says", "[unit][virtio]") {
    const auto aml = acpi::virtio_dsdt();
    REQUIRE(aml.size() > 36);
    CHECK(acpi::checksum(aml) == 0);
    const std::string text(aml.begin(), aml.end());
    CHECK(text.find("LNRO0005") != std::string::npos);
    // Memory32Fixed (0x86, length 9, read-write): base and length, little-endian.
    const auto base = static_cast<std::uint32_t>(acpi::kVirtioMmioBase);
    const auto length = static_cast<std::uint32_t>(acpi::kVirtioMmioLength);
    CHECK(contains(aml, {0x86, 0x09, 0x00, 0x01, static_cast<std::uint8_t>(base), static_cast<std::uint8_t>(base >> 8),
                         static_cast<std::uint8_t>(base >> 16), static_cast<std::uint8_t>(base >> 24),
                         static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8), 0, 0}));
    // Extended interrupt (0x89): consumer, level, active high, exclusive; one IRQ.
    CHECK(contains(aml, {0x89, 0x06, 0x00, 0x01, 0x01, static_cast<std::uint8_t>(acpi::kVirtioIrq), 0, 0, 0}));
    // COM1 (PNP0501 as an EISA id, 0x0105d041) on its ports.
    CHECK(contains(aml, {0x41, 0xd0, 0x05, 0x01}));
    CHECK(contains(aml, {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03}));
}

TEST_CASE("virtio-mmio identifies itself and agrees only to modern features it offered", "[unit][virtio]") {
    Bench b;
    CHECK(reg(b.dev, R::magic) == 0x74726976);
    CHECK(reg(b.dev, R::version) == 2);
    CHECK(reg(b.dev, R::device_id) == 2);
    set(b.dev, R::device_features_sel, 1);
    CHECK(reg(b.dev, R::device_features) == 1);  // VERSION_1 is bit 32
    set(b.dev, R::device_features_sel, 0);
    CHECK(reg(b.dev, R::device_features) == (1u << 9));  // FLUSH
    // The capacity in the configuration space: 128 sectors of 512 bytes.
    std::array<std::uint8_t, 8> capacity{};
    b.dev.read(R::config, capacity);
    CHECK(at<std::uint64_t>({capacity.begin(), capacity.end()}, 0) == 128);

    SECTION("a legacy driver (no VERSION_1) is refused FEATURES_OK") {
        set(b.dev, R::status, 3);
        set(b.dev, R::status, 0xb);
        CHECK((reg(b.dev, R::status) & kvm::virtio_status::features_ok) == 0);
    }
    SECTION("a feature the device did not offer is refused") {
        set(b.dev, R::status, 3);
        set(b.dev, R::driver_features_sel, 1);
        set(b.dev, R::driver_features, 1);
        set(b.dev, R::driver_features_sel, 0);
        set(b.dev, R::driver_features, 1u << 5);  // VIRTIO_BLK_F_RO, never offered
        set(b.dev, R::status, 0xb);
        CHECK((reg(b.dev, R::status) & kvm::virtio_status::features_ok) == 0);
    }
    SECTION("a queue larger than QueueNumMax is not made ready") {
        b.handshake();
        set(b.dev, R::status, 0);  // reset
        CHECK_FALSE(b.dev.queue().has_value());
        set(b.dev, R::queue_num, 1024);
        set(b.dev, R::queue_ready, 1);
        CHECK_FALSE(b.dev.queue().has_value());
        CHECK((reg(b.dev, R::status) & kvm::virtio_status::needs_reset) != 0);
    }
}

TEST_CASE("A read request: pread into the guest's buffer, used ring, interrupt, acknowledge", "[unit][virtio]") {
    Bench b;
    const std::string sector = "sector three of the disk";
    REQUIRE(::pwrite(b.disk.get(), sector.data(), sector.size(), 3 * 512) == static_cast<ssize_t>(sector.size()));
    b.handshake();
    const auto read = b.request(0, 3, 512);
    b.offer(read.head);
    CHECK_FALSE(b.dev.interrupt_asserted());
    set(b.dev, R::queue_notify, 0);
    CHECK(b.dev.requests() == 1);
    CHECK(b.dev.interrupt_asserted());
    CHECK(reg(b.dev, R::interrupt_status) == 1);
    const auto data = *b.ram.bytes(read.data, sector.size());
    CHECK(std::string(data.begin(), data.end()) == sector);
    CHECK(b.byte(read.status) == 0);  // OK
    CHECK(b.used_idx() == 1);
    const auto used = *b.ram.bytes(Bench::kUsed + 4, 8);
    CHECK(at<std::uint32_t>({used.begin(), used.end()}, 0) == read.head);
    CHECK(at<std::uint32_t>({used.begin(), used.end()}, 4) == 513);  // data + the status byte
    set(b.dev, R::interrupt_ack, 1);
    CHECK_FALSE(b.dev.interrupt_asserted());
    CHECK(b.blk.reads() == 1);
    CHECK(b.dev.last_chain()->descriptors.size() == 3);
}

TEST_CASE("A write request lands in the file, a flush is accepted, past the end is an I/O error", "[unit][virtio]") {
    Bench b;
    b.handshake();
    const std::string text = "written by the guest";
    const auto write = b.request(1, 5, 512);
    REQUIRE(b.ram.write(write.data, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
    b.offer(write.head);
    b.offer(b.request(4, 0, 0).head);  // a flush (here with an empty data buffer)
    const auto beyond = b.request(0, 200, 512);
    b.offer(beyond.head);
    set(b.dev, R::queue_notify, 0);
    CHECK(b.dev.failure().value_or("") == "");
    CHECK(b.dev.requests() == 3);
    std::array<char, 32> file{};
    REQUIRE(::pread(b.disk.get(), file.data(), file.size(), 5 * 512) == 32);
    CHECK(std::string(file.data()) == text);
    CHECK(b.blk.writes() == 1);
    CHECK(b.blk.flushes() == 1);
    const auto& log = b.blk.log();
    REQUIRE(log.size() == 3);
    CHECK(log[0].status == 0);
    CHECK(log[1].status == 0);
    CHECK(log[2].status == 1);  // IOERR: sector 200 of a 128-sector disk
}

TEST_CASE("A broken ring stops the device instead of the VMM", "[unit][virtio]") {
    Bench b;
    b.handshake();
    SECTION("a chain that loops") {
        const auto first = b.descriptor(Bench::kBuffers, 16, 0, true);
        b.descriptor(Bench::kBuffers, 16, 0, true);  // points at 2, which points back...
        std::array<std::uint8_t, 2> back{0, 0};
        REQUIRE(b.ram.write(Bench::kDesc + 16u * 1 + 14, back));  // descriptor 1's next = 0
        b.offer(first);
    }
    SECTION("a buffer outside guest RAM") {
        const auto first = b.descriptor(Bench::kBuffers, 16, 0, true);
        b.descriptor(1ull << 40, 512, kvm::VirtqDescriptor::kWrite, false);
        b.offer(first);
    }
    SECTION("an available index far ahead of the ring") {
        std::uint16_t idx = 100;
        REQUIRE(b.ram.write(Bench::kAvail + 2, {reinterpret_cast<std::uint8_t*>(&idx), 2}));
    }
    set(b.dev, R::queue_notify, 0);
    CHECK(b.dev.failure().has_value());
    CHECK((reg(b.dev, R::status) & kvm::virtio_status::needs_reset) != 0);
    CHECK(b.dev.requests() == 0);
    CHECK(b.used_idx() == 0);
}

TEST_CASE("vm/virtio's /init loads the modules in order and its markers are milestones", "[unit][virtio]") {
    const auto script = kvm::virtio_init_script({"/lib/modules/virtio_ring.ko", "/lib/modules/virtio.ko"}, "hello");
    const auto ring = script.find("insmod /lib/modules/virtio_ring.ko");
    const auto virtio = script.find("insmod /lib/modules/virtio.ko");
    REQUIRE(ring != std::string::npos);
    REQUIRE(virtio != std::string::npos);
    CHECK(ring < virtio);
    CHECK(script.find("conv=sync,notrunc,fsync") != std::string::npos);
    CHECK(script.find("reboot -f") != std::string::npos);

    strata::engine::Recorder recorder;
    kvm::Devices devices;
    kvm::ConsoleMilestones m(&recorder, devices);
    m.feed(std::string(kvm::kVirtioReadyMarker) + "/dev/vda, 2048 sectors\r\n");
    m.feed(std::string(kvm::kDiskReadMarker) + "strata's virtio disk\r\n");
    REQUIRE(m.find(kvm::Milestone::virtio_ready));
    REQUIRE(m.find(kvm::Milestone::disk_read));
    CHECK_FALSE(m.find(kvm::Milestone::disk_written));
}
