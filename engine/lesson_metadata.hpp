// What the course lists about a lesson — its title and one-line summary —
// read from the top of its Markdown (assets/lessons/<id>.md), so that each
// is written once, next to the text it names:
//
//     ---
//     title: A host name of its own (UTS namespace)
//     summary: >-
//       unshare(CLONE_NEWUTS) and sethostname: the container is renamed, the host is not.
//     exercises: ...
//     ---
//
// The track is the id's first part ("container/uts" → "container").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/lesson.hpp"

namespace strata::engine {

struct LessonMetadata {
    std::string title;
    std::string summary;
};

// The front matter's `title:` and `summary:`; an error names the file and
// what is missing or malformed.
Result<LessonMetadata> parse_lesson_metadata(std::string_view markdown, const std::string& file);
Result<LessonMetadata> load_lesson_metadata(const std::filesystem::path& assets, std::string_view lesson_id);

// "vm" for "vm/hello-kvm"; the id itself when it has no '/'.
std::string track_of(std::string_view lesson_id);

// Fills every lesson's title, summary and track. A lesson whose Markdown
// cannot be read, or lacks a title, is still listed (its id as its title,
// no summary): a missing file must not take the course down. Each such
// problem is returned, one line per lesson, for `strata doctor` and tests.
std::vector<std::string> fill_metadata(std::vector<Lesson>& lessons, const std::filesystem::path& assets);

}  // namespace strata::engine
