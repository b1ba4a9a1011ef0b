// Reading back what was drawn: the GL back buffer as RGBA pixels, and PNG
// files written with stb_image_write (libstb).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strata::platform {

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;  // top row first

    // RGBA packed as IM_COL32 does (R in the low byte).
    std::uint32_t pixel(int x, int y) const;
    bool empty() const { return rgba.empty(); }
};

// Reads the current GL back buffer (call after rendering, before swap).
Image read_back_buffer(int width, int height);
// False with `error` set when the file cannot be written.
bool write_png(const std::string& path, const Image& image, std::string& error);

}  // namespace strata::platform
