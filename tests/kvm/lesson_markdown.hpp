// The VM lessons' Markdown files, embedded into the KVM test binary at
// build time (tests/kvm/embed_vm_assets.cmake): their front matter holds the
// exercises the suite checks against live runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::tests {

struct LessonMarkdown {
    std::string lesson_id;
    std::string_view text;
};

std::vector<LessonMarkdown> vm_lesson_markdown();

}  // namespace strata::tests
