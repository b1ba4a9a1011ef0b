// `strata run`'s exercise prompts driven as a terminal would, for tests
// that link strata_cli: `played` (the lesson, or a replay of it) runs step
// by step, each prediction asked before its step and checked after it,
// then the challenges offered on `live`; `typed` is what the learner types.
// Returns everything the prompts printed.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <istream>
#include <string>

#include "app/cli/exercise_prompt.hpp"
#include "engine/session.hpp"

namespace strata::tests {

inline std::string run_terminal_prompts(const engine::Lesson& played, const engine::Lesson& live,
                                        const engine::LessonExercises& exercises, const engine::ProgressStore& store,
                                        const engine::Bindings& bindings, bool replay, std::istream& typed) {
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* out = ::open_memstream(&text, &size);
    REQUIRE(out);
    {
        cli::TerminalExercises prompts(exercises, store, bindings, replay, typed, out);
        engine::Session session(played, *played.resolve_options({}));
        while (!session.finished()) {
            const auto& step = played.steps[static_cast<std::size_t>(session.next_step())];
            prompts.before_step(step.id, session.snapshot());
            REQUIRE(session.step());
            prompts.after_step(step.id, session.snapshot());
        }
        prompts.offer_challenges(&live);
    }
    std::fclose(out);
    std::string shown(text, size);
    std::free(text);
    return shown;
}

}  // namespace strata::tests
