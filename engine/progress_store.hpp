// Where a learner's progress lives: $XDG_STATE_HOME/strata/progress.json
// (default ~/.local/state/strata). The GUI and the CLI may run at once, so
// every change is load-change-save under a lock, and every save replaces
// the file atomically. A file that cannot be read as progress (corrupt, or
// written by a newer strata) is never overwritten: it is renamed aside,
// reported, and a fresh progress starts.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/error.hpp"
#include "engine/progress.hpp"

namespace strata::engine {

// $XDG_STATE_HOME/strata, else ~/.local/state/strata; empty when neither
// XDG_STATE_HOME nor HOME is set.
std::filesystem::path state_dir();

class ProgressStore {
public:
    explicit ProgressStore(std::filesystem::path dir);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path file() const { return dir_ / "progress.json"; }

    struct Loaded {
        Progress progress;
        // Set when a bad file was moved aside: what was wrong and where it is now.
        std::optional<std::string> problem;
    };
    // A missing file is an empty progress. An unreadable one (EACCES) is an
    // Error and stays where it is.
    Result<Loaded> load() const;
    // Loads, applies `change`, saves; the lock keeps a second strata from
    // saving in between. Returns what was saved.
    Result<Loaded> update(const std::function<void(Progress&)>& change) const;

    // A free name beside the progress file for something kept aside:
    // "progress.json.<why>-20261124T103105Z", "-2", "-3" if taken.
    std::filesystem::path aside_path(const std::string& why) const;

private:
    Result<Loaded> load_unlocked() const;
    Result<void> save_unlocked(const Progress& progress) const;

    std::filesystem::path dir_;
};

}  // namespace strata::engine
