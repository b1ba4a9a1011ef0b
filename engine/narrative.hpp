// A lesson's narrative: assets/lessons/<lesson id>.md, Markdown with one
// `## Title {#step-id}` section per step. The text before the first
// section is the introduction. A YAML front matter block at the top (the
// lesson's title and summary, engine/lesson_metadata.hpp; its exercises,
// engine/front_matter.hpp) is not part of the text: the lesson's title is
// written there once, and the views show it from the Lesson.
//
// A section may hold a line `<!-- reveal -->` (docs/AUTHORING.md): the text
// above it is shown before the step runs, when its predictions are asked;
// the text below it is revealed only once the step has run, so what a
// step shows never gives away the answer to what it asks.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/install_layout.hpp"  // asset_dir()

namespace strata::engine {

struct NarrativeSection {
    std::string id;        // the step id, from {#...}
    std::string title;     // the heading without the id
    std::string markdown;  // shown before the step runs (the whole body without a marker)
    std::string revealed;  // shown once it has run: the body after the marker
};

// The line that splits a section into what is shown and what is revealed.
inline constexpr std::string_view kRevealMarker = "<!-- reveal -->";

struct Narrative {
    std::string introduction;  // Markdown before the first section
    std::vector<NarrativeSection> sections;

    const NarrativeSection* section(std::string_view id) const;
};

Narrative parse_narrative(std::string_view markdown);
Result<Narrative> load_narrative(const std::filesystem::path& assets, std::string_view lesson_id);

}  // namespace strata::engine
