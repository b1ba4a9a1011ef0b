#include "backends/linux/host_files.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "backends/sys/fd.hpp"

namespace strata::linux {

namespace {

int read_all(const std::string& path, std::string& out) {
    sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return errno;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return 0;
        out.append(buf, std::size_t(n));
        if (out.size() > (1u << 22)) return 0;  // 4 MiB is more than any file we read
    }
}

}  // namespace

Result<std::string> host_read(Recorder& recorder, const std::string& path, std::vector<LayerId> layers) {
    CallRecord call;
    call.kind = EventKind::file_read;
    call.name = "read " + path;
    call.layers = std::move(layers);
    call.start = recorder.now();
    std::string out;
    call.error = read_all(path, out);
    call.duration = recorder.now() - call.start;
    call.result = call.error ? -1 : std::int64_t(out.size());
    if (auto r = record_call(recorder, std::move(call), "read"); !r) return std::unexpected(r.error());
    return out;
}

Result<std::string> host_readlink(Recorder& recorder, const std::string& path, std::vector<LayerId> layers) {
    CallRecord call;
    call.kind = EventKind::file_read;
    call.name = "readlink " + path;
    call.layers = std::move(layers);
    call.start = recorder.now();
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    call.error = n < 0 ? errno : 0;
    call.result = n;
    call.duration = recorder.now() - call.start;
    if (auto r = record_call(recorder, std::move(call), "readlink"); !r) return std::unexpected(r.error());
    return std::string(buf, std::size_t(n));
}

Result<std::vector<std::string>> host_list_dir(Recorder& recorder, const std::string& path, std::vector<LayerId> layers) {
    CallRecord call;
    call.kind = EventKind::file_read;
    call.name = "list " + path;
    call.layers = std::move(layers);
    call.start = recorder.now();
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    call.error = ec.value();
    call.result = ec ? -1 : std::int64_t(names.size());
    call.duration = recorder.now() - call.start;
    if (auto r = record_call(recorder, std::move(call), "open"); !r) return std::unexpected(r.error());
    return names;
}

Result<void> host_write(Recorder& recorder, const std::string& path, const std::string& content,
                        std::vector<LayerId> layers, const std::string& syscall) {
    CallRecord call;
    call.name = "write " + path;
    call.args = {{"content", content.size() > 80 ? content.substr(0, 80) + "..." : content}};
    call.layers = std::move(layers);
    call.start = recorder.now();
    sys::Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) {
        call.error = errno;
    } else {
        ssize_t n = ::write(fd.get(), content.data(), content.size());
        call.error = n < 0 ? errno : 0;
        call.result = n;
    }
    if (call.error) call.result = -1;
    call.duration = recorder.now() - call.start;
    if (auto r = record_call(recorder, std::move(call), syscall); !r) return std::unexpected(r.error());
    return {};
}

std::string read_text(const std::string& path) {
    std::string out;
    read_all(path, out);
    return out;
}

}  // namespace strata::linux
