// TempDir: a move-only owner of a fresh directory under the temp directory,
// named strata-<pid>-<purpose>-XXXXXX so that sweep_stale() can find the
// ones a killed strata left behind. Destroying it removes the whole tree.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "engine/error.hpp"

namespace strata::linux {

class TempDir {
public:
    static engine::Result<TempDir> create(const std::string& purpose);
    TempDir() = default;
    ~TempDir() { remove(); }
    TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    TempDir& operator=(TempDir&& other) noexcept {
        if (this != &other) {
            remove();
            path_ = std::move(other.path_);
            other.path_.clear();
        }
        return *this;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    void remove();
    // Gives up ownership: the directory stays (for a person to look at).
    std::filesystem::path release() { return std::exchange(path_, {}); }

private:
    std::filesystem::path path_;
};

// Removes a tree even where overlayfs left a mode-000 "work" directory.
void remove_tree(const std::filesystem::path& path);

}  // namespace strata::linux
