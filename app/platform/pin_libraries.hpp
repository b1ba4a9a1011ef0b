// Keeps every library loaded so far in memory until the process exits, in
// sanitizer builds only.
//
// Why: tearing down the window (glfwTerminate, SDL_Quit) makes libglvnd
// dlclose the GL driver (Mesa's llvmpipe, its LLVM). The driver keeps a few
// process-lifetime allocations; LeakSanitizer looks at them after main, when
// the code that made them is unmapped, and reports them from "<unknown
// module>", a frame no suppression can name (tests/sanitize/lsan.supp). With
// the libraries pinned, the same reports carry their library's name, so the
// driver's own are suppressed by name and anything of strata's still fails.
// In a normal build this does nothing: unloading at exit is harmless there.
#pragma once

namespace strata::platform {

void pin_loaded_libraries_for_leak_reports();

}  // namespace strata::platform
