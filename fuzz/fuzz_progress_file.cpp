// Fuzzes the progress file reader (engine/progress.hpp). The file lives in
// the learner's data directory, where an editor, a full disk or a newer
// strata may have left anything; strata must refuse it with a reason (and
// keep it aside) rather than crash or lose the rest. Beyond "no crash": a
// refusal explains itself, and an accepted file written again reads back
// to the same JSON, so a save never changes what a learner has done.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/progress.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto progress = strata::engine::progress_from_text(text);
    if (!progress) {
        if (progress.error().error.message.empty()) std::abort();
        return 0;
    }
    const auto written = strata::engine::progress_to_json(*progress);
    auto again = strata::engine::progress_from_json(written);
    if (!again || strata::engine::progress_to_json(*again) != written) std::abort();
    return 0;
}
