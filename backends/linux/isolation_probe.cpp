#include "backends/linux/isolation_probe.hpp"

#include <bit>
#include <charconv>
#include <optional>
#include <cstdint>
#include <sstream>

namespace strata::linux {

namespace {

// How a probe's answers order: refusals beat successes, fewer beats more.
enum class Kind { refused, masked, higher, fewer_bits, fewer, own, info };

struct Probe {
    const char* key;
    const char* what;
    Kind kind;
};

const Probe kProbes[] = {
    {"UID", "uid inside", Kind::info},
    {"CapEff", "effective capabilities (how many)", Kind::fewer_bits},
    {"NoNewPrivs", "no_new_privs", Kind::higher},
    {"Seccomp", "seccomp mode (2: a filter)", Kind::higher},
    {"NS_user", "user namespace", Kind::own},
    {"NS_mnt", "mount namespace", Kind::own},
    {"NS_pid", "PID namespace", Kind::own},
    {"NS_net", "network namespace", Kind::own},
    {"NS_ipc", "IPC namespace", Kind::own},
    {"NS_uts", "UTS namespace", Kind::own},
    {"NS_cgroup", "cgroup namespace", Kind::own},
    {"PROCSYS", "write /proc/sys/kernel/hostname", Kind::refused},
    {"REMOUNT", "remount / read-write", Kind::refused},
    {"WRITE", "create a file in the image", Kind::refused},
    {"MOUNT", "mount a tmpfs", Kind::refused},
    {"UNSHARE", "unshare a user namespace", Kind::refused},
    {"CHROOT", "chroot", Kind::refused},
    {"MKNOD", "mknod a device", Kind::refused},
    {"KEYS", "/proc/keys", Kind::masked},
    {"TIMERS", "/proc/timer_list", Kind::masked},
    {"KCORE", "/proc/kcore", Kind::masked},
    {"ENVIRON", "variables in PID 1's environment it can read", Kind::fewer},
    {"MOUNTS", "mounts it sees", Kind::info},
    {"HOSTNAME", "host name", Kind::info},
    {"REBOOT", "reboot -f", Kind::refused},
};

// A whole decimal number, or nullopt (empty, signs, other characters, or
// too large: the output comes from whatever ran in the container).
std::optional<long long> whole_number(const std::string& v) {
    long long n = 0;
    const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || error != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}

int rank(Kind kind, const std::string& v, bool& known) {
    known = true;
    switch (kind) {
        case Kind::refused: known = v == "refused" || v == "done"; return v == "refused" ? 1 : 0;
        case Kind::masked: known = v == "masked" || v == "visible"; return v == "masked" ? 1 : 0;
        case Kind::own: known = v == "own" || v == "shared"; return v == "own" ? 1 : 0;
        case Kind::higher: {
            const auto n = whole_number(v);
            known = n && *n <= 1'000'000;
            return known ? int(*n) : 0;
        }
        case Kind::fewer: {  // "unreadable" tells even less than an empty list
            if (v == "unreadable") return 1;
            const auto n = whole_number(v);
            known = n && *n <= 1'000'000;
            return known ? -int(*n) : 0;
        }
        case Kind::fewer_bits: {
            known = !v.empty() && v.size() <= 16 && v.find_first_not_of("0123456789abcdef") == std::string::npos;
            return known ? -std::popcount(std::stoull(v, nullptr, 16)) : 0;
        }
        case Kind::info: known = false; return 0;
    }
    return 0;
}

}  // namespace

const std::string& isolation_probe_script() {
    static const std::string script = R"probe(id -u | sed 's/^/UID=/'
grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | tr -d ' \t' | tr ':' '='
for ns in user mnt pid net ipc uts cgroup; do echo "NS_$ns=$(readlink /proc/self/ns/$ns)"; done
echo strata-probe > /proc/sys/kernel/hostname 2>/dev/null && echo PROCSYS=done || echo PROCSYS=refused
mount -o remount,rw / 2>/dev/null && echo REMOUNT=done || echo REMOUNT=refused
touch /strata-probe-was-here 2>/dev/null && echo WRITE=done || echo WRITE=refused
mount -t tmpfs none /mnt 2>/dev/null && echo MOUNT=done || echo MOUNT=refused
unshare -U true 2>/dev/null && echo UNSHARE=done || echo UNSHARE=refused
chroot / true 2>/dev/null && echo CHROOT=done || echo CHROOT=refused
mknod /strata-probe-null c 1 3 2>/dev/null && echo MKNOD=done || echo MKNOD=refused
test -s /proc/keys && echo KEYS=visible || echo KEYS=masked
test -s /proc/timer_list && echo TIMERS=visible || echo TIMERS=masked
head -c 1 /proc/kcore >/dev/null 2>&1 && echo KCORE=visible || echo KCORE=masked
if test -r /proc/1/environ; then echo "ENVIRON=$(tr '\0' '\n' < /proc/1/environ | grep -c =)"; else echo ENVIRON=unreadable; fi
echo "MOUNTS=$(wc -l < /proc/self/mountinfo)"
echo "HOSTNAME=$(hostname)"
reboot -f 2>/dev/null; echo REBOOT=refused
)probe";
    return script;
}

std::map<std::string, std::string> parse_probe_output(const std::string& output) {
    std::map<std::string, std::string> out;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0 || line.find(' ') < eq) continue;
        out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

void classify_namespaces(std::map<std::string, std::string>& answers,
                         const std::map<std::string, std::string>& host_links) {
    for (auto& [key, value] : answers) {
        if (key.rfind("NS_", 0) != 0) continue;
        const auto host = host_links.find(key.substr(3));
        if (host == host_links.end() || value.empty()) continue;
        value = value == host->second ? "shared" : "own";
    }
}

std::vector<ProbeComparison> compare_probes(const std::map<std::string, std::string>& ours,
                                            const std::map<std::string, std::string>& theirs) {
    std::vector<ProbeComparison> out;
    for (const auto& probe : kProbes) {
        ProbeComparison row{probe.key, probe.what, "", "", Strictness::unknown};
        if (auto it = ours.find(probe.key); it != ours.end()) row.ours = it->second;
        if (auto it = theirs.find(probe.key); it != theirs.end()) row.theirs = it->second;
        bool known_ours = false, known_theirs = false;
        const int a = rank(probe.kind, row.ours, known_ours), b = rank(probe.kind, row.theirs, known_theirs);
        if (probe.kind == Kind::info) row.verdict = row.ours == row.theirs ? Strictness::same : Strictness::unknown;
        else if (known_ours && known_theirs) row.verdict = a > b ? Strictness::stricter : a == b ? Strictness::same : Strictness::looser;
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace strata::linux
