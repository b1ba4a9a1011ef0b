// What "this machine" can run, in the browser edition
// (app/gui/machine_choice.hpp): a web page has no /dev/kvm and no
// namespaces, so no lesson runs live. Every lesson is the replay of a
// real run recorded on a named machine, played at once (speed 0): the
// page has no thread to wait on, and the diagram's animation shows the
// step's events instead.
#include "app/web/browser_machine.hpp"

#include "app/gui/machine_choice.hpp"

namespace strata::web {

std::string_view browser_replay_why() {
    // The navigator shows the words before the first ':' under each lesson.
    return "a web page cannot make KVM or namespace calls: every lesson here replays a real run, recorded on "
           "the machine named above the diagram; to run it live, use strata on Linux with KVM (make run)";
}

}  // namespace strata::web

namespace strata::gui {

Chooser machine_chooser() { return replay_chooser(/*speed=*/0); }

LessonAvailability machine_availability(const engine::Catalogue& catalogue) {
    return replay_availability(catalogue, web::browser_replay_why());
}

}  // namespace strata::gui
