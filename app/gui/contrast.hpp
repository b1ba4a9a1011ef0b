// WCAG 2 contrast between two colours: how readable text of one colour is
// on a background of the other. AA asks 4.5:1 for body text; the
// high-contrast theme (the projector's) is held to it by a test.
#pragma once

#include <imgui.h>

namespace strata::gui {

// sRGB relative luminance, 0 (black) .. 1 (white); alpha is ignored.
double relative_luminance(ImU32 colour);
// (lighter + 0.05) / (darker + 0.05): 1 (same) .. 21 (black on white).
double contrast_ratio(ImU32 a, ImU32 b);
// `top` with its alpha composited over opaque `bottom`.
ImU32 composite(ImU32 top, ImU32 bottom);
// Black or white, whichever reads better on `fill`.
ImU32 text_colour_on(ImU32 fill);

}  // namespace strata::gui
