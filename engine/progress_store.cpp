#include "engine/progress_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "backends/sys/fd.hpp"

namespace strata::engine {

namespace {

// flock() on <dir>/progress.lock for as long as it lives; closing the fd
// releases it.
Result<sys::Fd> lock_dir(const std::filesystem::path& dir) {
    const auto path = dir / "progress.lock";
    sys::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (fd.get() < 0) return errno_error("open " + path.string(), errno, "cannot lock the progress file");
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return errno_error("flock " + path.string(), errno, "cannot lock the progress file");
    return fd;
}

Result<void> write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("write " + path, errno, "could not save progress");
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

std::filesystem::path state_dir() {
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "strata";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "state" / "strata";
    return {};
}

ProgressStore::ProgressStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path ProgressStore::aside_path(const std::string& why) const {
    std::string stamp = utc_now();
    std::erase(stamp, ':');
    std::erase(stamp, '-');
    const std::string base = file().string() + "." + why + "-" + stamp;
    std::filesystem::path candidate = base;
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(candidate, ec); ++n) candidate = base + "-" + std::to_string(n);
    return candidate;
}

Result<ProgressStore::Loaded> ProgressStore::load() const {
    std::error_code ec;
    if (dir_.empty() || !std::filesystem::exists(file(), ec)) return Loaded{};
    auto lock = lock_dir(dir_);
    if (!lock) return std::unexpected(lock.error());
    return load_unlocked();
}

Result<ProgressStore::Loaded> ProgressStore::update(const std::function<void(Progress&)>& change) const {
    if (dir_.empty())
        return plain_error("save progress", "there is no place for it", "set XDG_STATE_HOME or HOME");
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return errno_error("mkdir " + dir_.string(), ec.value(), "cannot create the progress directory");
    auto lock = lock_dir(dir_);
    if (!lock) return std::unexpected(lock.error());
    auto loaded = load_unlocked();
    if (!loaded) return std::unexpected(loaded.error());
    change(loaded->progress);
    if (auto saved = save_unlocked(loaded->progress); !saved) return std::unexpected(saved.error());
    return loaded;
}

Result<ProgressStore::Loaded> ProgressStore::load_unlocked() const {
    Loaded out;
    const auto path = file();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    std::ifstream in(path);
    if (!in) return errno_error("open " + path.string(), errno, "cannot read the progress file",
                                "check its owner and permissions; strata leaves it as it is");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = progress_from_text(text.str());
    if (parsed) {
        out.progress = std::move(*parsed);
        return out;
    }
    // Keep the file whatever is wrong with it: a newer strata can still read
    // it, and a broken one may still be mended by hand.
    const bool newer = parsed.error().problem == ProgressProblem::future_version;
    const auto aside = aside_path(newer ? "newer" : "corrupt");
    std::filesystem::rename(path, aside, ec);
    if (ec)
        return errno_error("rename " + path.string(), ec.value(),
                           "the progress file cannot be read, and could not be moved aside either",
                           parsed.error().error.message);
    out.problem = fmt::format("{} could not be read ({}); it was kept as {} and progress starts afresh", path.string(),
                              parsed.error().error.message, aside.string());
    return out;
}

Result<void> ProgressStore::save_unlocked(const Progress& progress) const {
    const auto path = file();
    const std::string tmp = path.string() + ".tmp";
    Result<void> written;
    {
        sys::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (fd.get() < 0) return errno_error("open " + tmp, errno, "could not save progress");
        written = write_all(fd.get(), progress_to_json(progress).dump(2) + "\n", tmp);
        // Durable before it replaces the old file: a crash leaves one or the other, whole.
        if (written && ::fsync(fd.get()) != 0) written = errno_error("fsync " + tmp, errno, "could not save progress");
    }
    if (!written) {
        ::unlink(tmp.c_str());
        return written;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return errno_error("rename " + tmp, e, "could not save progress");
    }
    return {};
}

}  // namespace strata::engine
