#include "backends/linux/host_uname.hpp"

#include <cerrno>
#include <sstream>

#include <sys/utsname.h>

namespace strata::linux {

Result<Uname> host_uname(Recorder& recorder, std::vector<LayerId> layers) {
    CallRecord call;
    call.name = "uname() (strata, outside)";
    call.layers = std::move(layers);
    call.start = recorder.now();
    struct utsname u{};
    const int r = ::uname(&u);
    call.error = r < 0 ? errno : 0;
    call.result = r;
    call.duration = recorder.now() - call.start;
    Uname out{u.sysname, u.release, u.nodename};
    if (r == 0) call.args = {{"release", out.release}, {"nodename", out.nodename}};
    if (auto rec = record_call(recorder, std::move(call), "uname"); !rec) return std::unexpected(rec.error());
    return out;
}

Uname parse_uname(const std::string& line) {
    Uname u;
    std::istringstream in(line);
    in >> u.sysname >> u.release >> u.nodename;
    return u;
}

}  // namespace strata::linux
