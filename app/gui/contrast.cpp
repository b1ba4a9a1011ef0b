#include "app/gui/contrast.hpp"

#include <algorithm>
#include <cmath>

namespace strata::gui {

namespace {

double channel(ImU32 colour, int shift) { return static_cast<double>((colour >> shift) & 0xFF) / 255.0; }

// sRGB to linear light (WCAG 2's definition of the transfer curve).
double linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

}  // namespace

double relative_luminance(ImU32 colour) {
    return 0.2126 * linear(channel(colour, IM_COL32_R_SHIFT)) + 0.7152 * linear(channel(colour, IM_COL32_G_SHIFT)) +
           0.0722 * linear(channel(colour, IM_COL32_B_SHIFT));
}

double contrast_ratio(ImU32 a, ImU32 b) {
    const double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 composite(ImU32 top, ImU32 bottom) {
    const double alpha = channel(top, IM_COL32_A_SHIFT);
    ImU32 out = IM_COL32_A_MASK;
    for (int shift : {IM_COL32_R_SHIFT, IM_COL32_G_SHIFT, IM_COL32_B_SHIFT}) {
        const double c = channel(top, shift) * alpha + channel(bottom, shift) * (1 - alpha);
        out |= static_cast<ImU32>(std::lround(c * 255.0)) << shift;
    }
    return out;
}

ImU32 text_colour_on(ImU32 fill) {
    const ImU32 black = IM_COL32(0, 0, 0, 255), white = IM_COL32(255, 255, 255, 255);
    return contrast_ratio(black, fill) >= contrast_ratio(white, fill) ? black : white;
}

}  // namespace strata::gui
