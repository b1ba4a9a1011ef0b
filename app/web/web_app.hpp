// The running page: the course, the canvas and the app shell, made once
// the browser's storage has loaded (app/web/main.cpp). The page's own
// controls (app/web/page_api.cpp) reach the shell through it.
#pragma once

#include <cstdint>
#include <memory>

#include "app/gui/app_shell.hpp"
#include "app/platform/platform.hpp"
#include "engine/catalogue.hpp"

namespace strata::web {

struct WebApp {
    engine::Catalogue catalogue;
    std::unique_ptr<platform::Platform> platform;
    std::unique_ptr<gui::AppShell> shell;
    bool animating = false;  // the last frame's diagram was still moving
    std::uint64_t frames = 0;
};

// Null until the app has started (or when it could not).
WebApp* running_app();

}  // namespace strata::web
