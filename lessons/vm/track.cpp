// Track vm: a hypervisor from scratch (KVM).
//
// This list is the one place a lesson is registered: each lesson's .cpp
// defines its factory in strata::lessons::vm, declared here, and its order
// here is the course order.
#include "lessons/catalogue.hpp"

namespace strata::lessons {

namespace vm {
engine::Lesson hello_kvm_lesson();
engine::Lesson single_step_lesson();
engine::Lesson devices_are_exits_lesson();
engine::Lesson long_mode_lesson();
engine::Lesson interrupts_lesson();
engine::Lesson tiny_os_lesson();
engine::Lesson snapshot_lesson();
engine::Lesson boot_linux_lesson();
engine::Lesson virtio_lesson();
}  // namespace vm

std::vector<engine::Lesson> vm_track() {
    using namespace vm;
    return {hello_kvm_lesson(),   single_step_lesson(), devices_are_exits_lesson(), long_mode_lesson(),
            interrupts_lesson(),  tiny_os_lesson(),     snapshot_lesson(),          boot_linux_lesson(),
            virtio_lesson()};
}

}  // namespace strata::lessons
