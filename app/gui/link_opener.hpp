// Opening a narrative link in the user's browser: the narrative view only
// returns an open_link command; the app shell carries it out here, with
// xdg-open (from xdg-utils, on every desktop Debian), never from a view.
#pragma once

#include <functional>
#include <string>

namespace strata::gui {

// Returns what happened, for the status line ("opening https://…", or why not).
using LinkOpener = std::function<std::string(const std::string& url)>;

// Only web links open: the narratives are strata's own, but a link is
// still handed to another program, so anything but http(s) is refused.
bool openable_link(const std::string& url);
// Starts `xdg-open URL` detached (the browser outlives nothing of ours and
// leaves no zombie), or says why it could not.
std::string open_with_xdg_open(const std::string& url);

}  // namespace strata::gui
