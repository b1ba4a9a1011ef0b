// PrivateTempDir: gives this test process a temp directory of its own and
// points TMPDIR (and so std::filesystem::temp_directory_path) at it.
//
// CTest runs tests side by side, and the leak check compares the temp
// directory before and after a lesson: in the shared /tmp it would also
// see what a neighbouring test made or removed meanwhile. Children (the
// strata CLI, helpers that drop to nobody) inherit TMPDIR, so what they
// leave behind is still caught. It is a linux::TempDir
// (strata-<pid>-tests-XXXXXX), so a test killed before it could remove it
// is swept by the next strata run, like any other stale strata directory.
#pragma once

#include <optional>
#include <string>

#include "backends/linux/temp_dir.hpp"

namespace strata::tests {

class PrivateTempDir {
public:
    // Throws std::runtime_error when the directory cannot be made.
    PrivateTempDir();
    ~PrivateTempDir();
    PrivateTempDir(const PrivateTempDir&) = delete;
    PrivateTempDir& operator=(const PrivateTempDir&) = delete;

    const std::filesystem::path& path() const { return dir_.path(); }

private:
    linux::TempDir dir_;
    std::optional<std::string> previous_tmpdir_;
};

}  // namespace strata::tests
