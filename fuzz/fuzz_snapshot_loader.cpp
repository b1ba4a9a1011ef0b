// Fuzzes the snapshot loader (decode_snapshot, check_cpu) with what a
// file on disk may hold. Two kinds of input, picked by the first byte:
//
//   even  the rest is the file, as is: truncations, bad magic, versions,
//         checksums, tables that point anywhere
//   odd   the rest edits a well-formed snapshot section by section (cut,
//         grow, change a byte, drop, repeat, reorder, change the header),
//         and the file is written with right checksums, so the fuzzer
//         gets past them to the checks of each section
//
// Invariants beyond "no crash": a refusal always says why; whatever is
// accepted is safe to use (its pieces decode, its UART state is one a
// 16550 can hold) and reads back the same after strata writes it again.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "backends/kvm/snapshot_file.hpp"
#include "tests/support/snapshot_fixture.hpp"

using namespace strata;

namespace {

void require(bool ok) {
    if (!ok) std::abort();  // a broken invariant is a finding, like a crash
}

// Each 4 bytes of `script`: (operation, section, position, value).
std::vector<std::uint8_t> edited_file(std::span<const std::uint8_t> script) {
    const auto snap = tests::example_snapshot();
    kvm::SnapshotOrigin origin = snap.origin;
    auto payloads = tests::payloads_of(snap);
    for (std::size_t i = 0; i + 4 <= script.size() && !payloads.empty(); i += 4) {
        const std::uint8_t op = script[i], value = script[i + 3];
        auto& [id, bytes] = payloads[script[i + 1] % payloads.size()];
        const std::size_t at = bytes.empty() ? 0 : (std::size_t{script[i + 2]} * 131 + value) % bytes.size();
        switch (op % 8) {
            case 0: if (!bytes.empty()) bytes[at] = value; break;
            case 1: bytes.resize(at); break;
            case 2: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), value % 64, value); break;
            case 3: payloads.erase(payloads.begin() + static_cast<std::ptrdiff_t>(script[i + 1] % payloads.size())); break;
            case 4: payloads.push_back(payloads[value % payloads.size()]); break;
            case 5: std::swap(payloads[script[i + 1] % payloads.size()], payloads[value % payloads.size()]); break;
            case 6: id = static_cast<kvm::SectionId>(value); break;
            case 7:
                // The header: the fields a real file from elsewhere would differ in.
                if (value % 4 == 0) origin.xsave_size = script[i + 2] * 64u;
                if (value % 4 == 1) origin.cpu.model = script[i + 2];
                if (value % 4 == 2) origin.xcr0_supported = script[i + 2];
                if (value % 4 == 3) origin.strata_version.assign(1, static_cast<char>(script[i + 2]));
                break;
        }
    }
    return kvm::encode_container(origin, payloads);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    const std::vector<std::uint8_t> file = (data[0] & 1) ? edited_file(rest) : std::vector<std::uint8_t>(rest.begin(), rest.end());

    auto decoded = kvm::decode_snapshot(file);
    if (!decoded) {
        require(!decoded.error().message.empty() && !decoded.error().hint.empty());
        return 0;
    }
    const auto& snap = decoded->snapshot;
    require(kvm::summarize(snap.state.vcpu).has_value());
    require(kvm::summarize(snap.state.vm).has_value());
    require(kvm::Uart16550::check_state(snap.state.uart).has_value());
    require(snap.memory.data.size() == snap.memory.pages.size() * kvm::tinyos::kPageSize);
    // check_cpu either accepts or explains.
    if (auto fits = kvm::check_cpu(snap.origin, tests::example_host()); !fits) require(!fits.error().hint.empty());
    // Written again, it reads back, and writing that gives the same bytes.
    const auto again = kvm::encode_snapshot(snap);
    auto reread = kvm::decode_snapshot(again);
    require(reread.has_value());
    require(kvm::encode_snapshot(reread->snapshot) == again);
    return 0;
}
