// What views ask for. Views never change the session themselves: they
// return Commands, and the app shell hands the lesson ones to the
// Controller (the only owner of the Session) and applies the view-only
// ones (filters, theme, fonts) to its own state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/layers.hpp"
#include "engine/lesson.hpp"

namespace strata::gui {

enum class CommandKind {
    // Lesson commands: executed by the Controller on its worker thread.
    select_lesson,  // text = lesson id
    run_with_options,  // text = lesson id, options = its options: a fresh session, run to the end (a challenge)
    run_to_step,    // number = step index: run the steps up to it (resuming where the learner left)
    step,
    run_to_end,
    restart,
    step_back,
    start_shell,   // the lesson's interactive shell, in the console panel
    shell_input,   // text = bytes for the running shell (a line with its '\n')
    jump_to_step,  // number = how many steps should have run (restarts when going back)
    cancel,
    // View commands: applied by the app shell, never touch the session.
    toggle_autoplay,
    set_autoplay_speed,   // number = steps per second
    filter_layer,         // layer = the node clicked (nullopt clears)
    export_trace,         // text = file path
    font_bigger,
    font_smaller,
    set_theme,            // text = theme key
    answer_prediction,    // text = exercise id, value = choice id: locked in before its step runs
    start_challenge,      // text = exercise id, value = the parameter's value
    open_link,            // text = URL from the narrative (the platform opens it)
    // Demo mode (instructor presenting; see demo_mode.hpp).
    toggle_demo,
    toggle_fullscreen,
    toggle_blank,
    toggle_notes,
};

struct Command {
    CommandKind kind;
    std::string text;
    double number = 0;
    std::optional<engine::LayerId> layer;
    std::string value;              // answer_prediction, start_challenge
    engine::LessonOptions options;  // run_with_options

    bool is_lesson_command() const { return kind <= CommandKind::cancel; }
};

using Commands = std::vector<Command>;

}  // namespace strata::gui
