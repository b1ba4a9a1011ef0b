// A lesson: an ordered list of steps, each a real action with the layers it
// is expected to touch. Lessons are data plus small functions; they never
// include a UI header and make system calls only through the backends.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/facts.hpp"
#include "engine/layers.hpp"
#include "engine/recorder.hpp"

namespace strata::engine {

enum class Requirement {
    kvm,              // a usable /dev/kvm
    userns,           // unprivileged user namespaces
    root,             // real root on the host
    cgroup_writable,  // strata can create child cgroups
    guest_kernel,     // a bootable guest kernel image
};
std::string_view requirement_key(Requirement r);

// Per-run state a lesson keeps between steps (open fds, the VM, the
// container). Destroying it releases everything: that is how restart,
// cancel and failure leave the host clean.
class LessonState {
public:
    virtual ~LessonState() = default;
};

// What a step's action gets: the recorder for its backends, the console the
// guest or container writes to, the facts for inspectors, and its state.
class Context {
public:
    Context(Recorder& recorder, Facts& facts, std::string& console,
            const std::atomic<bool>& cancelled);

    Recorder& recorder() { return recorder_; }
    Facts& facts() { return facts_; }
    // Appends guest/container output to the console view (thread-safe).
    void console_write(std::string_view bytes);
    std::string console_text() const;
    bool cancelled() const { return cancelled_.load(); }

    // Registered by a backend object that can block (a running vCPU, a
    // waiting child); Session::cancel() calls it from another thread (at once if already cancelled).
    void set_canceller(std::function<void()> cancel);
    void run_canceller();

    template <class State>
    State& state() { return static_cast<State&>(*state_); }
    void set_state(std::unique_ptr<LessonState> state) { state_ = std::move(state); }

private:
    Recorder& recorder_;
    Facts& facts_;
    std::string& console_;
    mutable std::mutex console_mutex_;
    const std::atomic<bool>& cancelled_;
    std::mutex canceller_mutex_;
    std::function<void()> canceller_;
    std::unique_ptr<LessonState> state_;
};

// What a step reports when its action succeeded: one line for the learner.
struct StepOutcome {
    std::string summary;  // "the guest printed \"Hello\" and halted"
};

struct Step {
    std::string id;                      // stable, also the narrative section id
    std::string title;                   // "Create the VM"
    std::function<Result<StepOutcome>(Context&)> action;
    std::vector<LayerId> expected_layers;
};

// A knob a lesson offers (`strata run ID --set guest=loop`): which guest
// to boot, which flags to use. Values are checked against `choices`; an
// option without choices takes any value `validate` accepts (a memory
// limit, guest code typed by the learner) and defaults to `default_value`.
struct LessonOption {
    std::string key;                   // "guest"
    std::string description;           // "which guest program to run"
    std::vector<std::string> choices;  // first is the default
    std::string default_value;         // when `choices` is empty
    // When `choices` is empty: why `value` is not allowed, or nullopt.
    std::function<std::optional<std::string>(const std::string& value)> validate;
};
using LessonOptions = std::map<std::string, std::string>;

struct Lesson {
    std::string id;     // stable: "vm/hello-kvm"
    std::string title;  // "Hello, KVM"
    std::string track;  // "vm", "container", "compare"
    std::string summary;
    std::vector<Requirement> requirements;
    std::vector<LessonOption> options;
    // Creates the lesson's state before the first step. `options` holds a
    // validated value for every option (defaults filled in).
    std::function<std::unique_ptr<LessonState>(const LessonOptions& options)> make_state;
    std::vector<Step> steps;
    // Optional: after the last step, hand the user an interactive shell
    // inside the lesson's container on the controlling terminal (`strata run
    // ID --shell`). Returns the shell's exit status; the container is torn
    // down when the session's state is released. Empty: no shell offered.
    std::function<Result<int>(Context&)> interactive_shell;
    // Set when the steps play back a recording instead of making real calls:
    // "A real run on Linux 6.1.0 (2026-11-24; KVM: hardware-assisted), replayed".
    // Every view shows it.
    std::optional<std::string> replay_label;

    // Fills in defaults; an unknown key or value is an Error naming the
    // allowed ones.
    Result<LessonOptions> resolve_options(const LessonOptions& given) const;
};

}  // namespace strata::engine
