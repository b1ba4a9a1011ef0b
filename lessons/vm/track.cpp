// Track vm: a hypervisor from scratch KVM.
#include "lessons/catalogue.hpp"
#include "lessons/vm/boot_linux.hpp"
#include "lessons/vm/devices_are_exits.hpp"
#include "lessons/vm/hello_kvm.hpp"
#include "lessons/vm/interrupts.hpp"
#include "lessons/vm/long_mode.hpp"
#include "lessons/vm/single_step.hpp"
#include "lessons/vm/snapshot.hpp"
#include "lessons/vm/tiny_os.hpp"

namespace strata::lessons {

// In course order (LESSONS.md).
std::vector<engine::Lesson> vm_track() {
    return {hello_kvm_lesson(), single_step_lesson(), devices_are_exits_lesson(), long_mode_lesson(),
            interrupts_lesson(), tiny_os_lesson(), snapshot_lesson(), boot_linux_lesson()};
}

}  // namespace strata::lessons
