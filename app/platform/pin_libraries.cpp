#include "app/platform/pin_libraries.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>

#include <string>
#include <vector>
#endif

namespace strata::platform {

void pin_loaded_libraries_for_leak_reports() {
#if defined(__SANITIZE_ADDRESS__)
    // Names first, dlopen after: dl_iterate_phdr holds a loader lock that
    // dlopen may want too.
    std::vector<std::string> loaded;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* names) {
            if (info->dlpi_name && info->dlpi_name[0] != '\0')
                static_cast<std::vector<std::string>*>(names)->emplace_back(info->dlpi_name);
            return 0;
        },
        &loaded);
    // RTLD_NOLOAD finds an object already loaded without loading anything;
    // RTLD_NODELETE marks it never to be unloaded, whatever dlclose calls
    // follow. The handles are deliberately kept.
    for (const auto& name : loaded) (void)dlopen(name.c_str(), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
#endif
}

}  // namespace strata::platform
