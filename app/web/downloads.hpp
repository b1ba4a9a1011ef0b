// Files the learner saves from the page (a Chrome trace of the timeline,
// their progress) become browser downloads: the app writes them into the
// page's in-memory file system as on the desktop, then hands them over.
#pragma once

#include <filesystem>
#include <string_view>

namespace strata::web {

// Offers `file` for download under its own name. False when it cannot be read.
bool offer_download(const std::filesystem::path& file);
// Offers `text` for download as `name`.
void offer_download(std::string_view name, std::string_view text);

}  // namespace strata::web
