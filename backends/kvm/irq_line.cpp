#include "backends/kvm/irq_line.hpp"

#include <fmt/format.h>

#include "backends/kvm/ioctl.hpp"
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

engine::Result<void> IrqLine::set(bool level) {
    if (level == level_) return {};
    kvm_irq_level line{};
    line.irq = irq_;
    line.level = level ? 1 : 0;
    auto r = traced_ioctl(vm_.recorder(), vm_.fd(), KVM_IRQ_LINE, &line,
                          {{"irq", std::to_string(irq_)}, {"level", level ? "1 (raised)" : "0 (lowered)"}});
    if (!r) return std::unexpected(r.error());
    level_ = level;
    if (level) ++raised_;
    return {};
}

}  // namespace strata::kvm
