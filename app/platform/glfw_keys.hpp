// GLFW's names for the keys strata reads: the desktop's GLFW platform and
// the browser's (Emscripten implements the same GLFW API) share them.
#pragma once

#include <GLFW/glfw3.h>

#include "app/gui/controls_view.hpp"
#include "app/platform/platform.hpp"

namespace strata::platform {

inline gui::KeyMap glfw_key_map() {
    gui::KeyMap keys{GLFW_KEY_P, GLFW_KEY_R, GLFW_KEY_EQUAL, GLFW_KEY_KP_ADD, GLFW_KEY_MINUS, GLFW_KEY_KP_SUBTRACT};
    keys.blank = GLFW_KEY_B;
    keys.fullscreen = GLFW_KEY_F;
    keys.notes = GLFW_KEY_N;
    for (int d = 0; d <= 9; ++d) keys.digits[d] = GLFW_KEY_0 + d;
    return keys;
}

// The key a test presses, as GLFW numbers it.
inline int glfw_key(TestKey key) {
    switch (key) {
        case TestKey::space: return GLFW_KEY_SPACE;
        case TestKey::right: return GLFW_KEY_RIGHT;
        case TestKey::left: return GLFW_KEY_LEFT;
        case TestKey::end: return GLFW_KEY_END;
        case TestKey::home: return GLFW_KEY_HOME;
        case TestKey::escape: return GLFW_KEY_ESCAPE;
        case TestKey::p: return GLFW_KEY_P;
        case TestKey::page_down: return GLFW_KEY_PAGE_DOWN;
        case TestKey::page_up: return GLFW_KEY_PAGE_UP;
        case TestKey::b: return GLFW_KEY_B;
        case TestKey::f: return GLFW_KEY_F;
        case TestKey::n: return GLFW_KEY_N;
        case TestKey::digit_2: return GLFW_KEY_2;
        case TestKey::plus: return GLFW_KEY_EQUAL;
        case TestKey::minus: return GLFW_KEY_MINUS;
    }
    return GLFW_KEY_UNKNOWN;
}

}  // namespace strata::platform
