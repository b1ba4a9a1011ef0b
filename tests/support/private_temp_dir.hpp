// PrivateTempDir: gives this test process a temp directory of its own and
// points TMPDIR (and so std::filesystem::temp_directory_path) at it.
//
// CTest runs tests side by side, and the leak check compares the temp
// directory before and after a lesson: in the shared /tmp it would also
// see what a neighbouring test made or removed meanwhile. Children (the
// strata CLI, helpers that drop to nobody) inherit TMPDIR, so what they
// leave behind is still caught. The directory is named like strata's own
// (strata-<pid>-tests-XXXXXX), so a test killed before it could remove it
// is swept by the next strata run, like any other stale strata directory.
#pragma once

#include <filesystem>
#include <string>

namespace strata::tests {

class PrivateTempDir {
public:
    // Throws std::runtime_error when the directory cannot be made.
    PrivateTempDir();
    ~PrivateTempDir();
    PrivateTempDir(const PrivateTempDir&) = delete;
    PrivateTempDir& operator=(const PrivateTempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::string previous_tmpdir_;
    bool had_tmpdir_ = false;
};

}  // namespace strata::tests
