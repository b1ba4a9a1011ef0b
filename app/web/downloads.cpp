#include "app/web/downloads.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <emscripten/emscripten.h>

namespace strata::web {

namespace {

EM_JS(void, download_bytes, (const char* name, const char* bytes, int length), {
    var data = HEAPU8.slice(bytes, bytes + length);
    var url = URL.createObjectURL(new Blob([data], {type: "application/json"}));
    var link = document.createElement("a");
    link.href = url;
    link.download = UTF8ToString(name);
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function() { URL.revokeObjectURL(url); }, 10000);
    if (Module.onStrataDownload) Module.onStrataDownload(link.download, data.length);
});

}  // namespace

bool offer_download(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    offer_download(file.filename().string(), text.str());
    return true;
}

void offer_download(std::string_view name, std::string_view text) {
    const std::string n(name);
    download_bytes(n.c_str(), text.data(), static_cast<int>(text.size()));
}

}  // namespace strata::web
