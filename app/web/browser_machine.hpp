// Why every lesson is a replay in the browser, in the navigator's words
// (app/web/browser_machine.cpp).
#pragma once

#include <string_view>

namespace strata::web {

std::string_view browser_replay_why();

}  // namespace strata::web
