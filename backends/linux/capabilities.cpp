#include "backends/linux/capabilities.hpp"

#include <cstdlib>

#include <sys/capability.h>

namespace strata::linux {

std::string cap_name(int cap) {
    char* name = cap_to_name(cap_value_t(cap));  // allocated by libcap
    if (!name) return std::to_string(cap);
    std::string out = name;
    cap_free(name);
    return out;
}

std::string cap_names(std::uint64_t mask) {
    std::string out;
    for (int cap = 0; cap < 64; ++cap)
        if (mask & (1ull << cap)) out += (out.empty() ? "" : " ") + cap_name(cap);
    return out;
}

engine::Result<std::uint64_t> cap_mask(const std::vector<std::string>& names) {
    std::uint64_t mask = 0;
    for (const auto& n : names) {
        cap_value_t value = 0;
        if (cap_from_name(n.c_str(), &value) != 0 || value < 0 || value > 63)
            return engine::plain_error("cap_from_name", "unknown capability '" + n + "'",
                                       "capability names look like cap_sys_admin (see `man 7 capabilities`)");
        mask |= 1ull << value;
    }
    return mask;
}

int cap_last() { return int(cap_max_bits()) - 1; }

bool parse_cap_field(const std::string& status, const std::string& field, std::uint64_t& out) {
    const auto at = status.find(field + ":");
    if (at == std::string::npos) return false;
    char* end = nullptr;
    out = std::strtoull(status.c_str() + at + field.size() + 1, &end, 16);
    return end != status.c_str() + at + field.size() + 1;
}

const std::vector<std::string>& default_container_caps() {
    static const std::vector<std::string> caps = {
        "cap_chown",  "cap_dac_override", "cap_fowner",           "cap_fsetid",     "cap_kill",
        "cap_setgid", "cap_setuid",       "cap_setpcap",          "cap_net_bind_service",
        "cap_net_raw", "cap_sys_chroot",  "cap_mknod",            "cap_audit_write", "cap_setfcap"};
    return caps;
}

}  // namespace strata::linux
