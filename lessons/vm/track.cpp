// Track vm: a hypervisor from scratch (KVM).
#include "lessons/catalogue.hpp"
#include "lessons/vm/hello_kvm.hpp"

namespace strata::lessons {

std::vector<engine::Lesson> vm_track() { return {hello_kvm_lesson()}; }

}  // namespace strata::lessons
