#include "app/platform/screenshot.hpp"

#include <cerrno>
#include <cstring>

#include <GL/gl.h>
#include <stb_image_write.h>

namespace strata::platform {

std::uint32_t Image::pixel(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return 0;
    const auto* p = &rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 4];
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

Image read_back_buffer(int width, int height) {
    Image image;
    if (width <= 0 || height <= 0) return image;
    image.width = width;
    image.height = height;
    image.rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, image.rgba.data());
    // GL's rows start at the bottom; PNGs and tests expect the top first.
    const std::size_t row = static_cast<std::size_t>(width) * 4;
    std::vector<std::uint8_t> tmp(row);
    for (int y = 0; y < height / 2; ++y) {
        auto* a = &image.rgba[static_cast<std::size_t>(y) * row];
        auto* b = &image.rgba[static_cast<std::size_t>(height - 1 - y) * row];
        std::memcpy(tmp.data(), a, row);
        std::memcpy(a, b, row);
        std::memcpy(b, tmp.data(), row);
    }
    for (std::size_t i = 3; i < image.rgba.size(); i += 4) image.rgba[i] = 255;  // the window is opaque
    return image;
}

bool write_png(const std::string& path, const Image& image, std::string& error) {
    if (image.empty()) {
        error = "nothing was rendered";
        return false;
    }
    errno = 0;
    if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4)) {
        error = "cannot write " + path + (errno ? std::string(": ") + std::strerror(errno) : std::string{});
        return false;
    }
    return true;
}

}  // namespace strata::platform
