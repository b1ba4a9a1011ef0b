// LessonBuilder<State>: how a lesson is written. Its steps receive the
// lesson's own state type, and what one step makes for the later ones is
// declared once, on that step, instead of checked again in each step that
// uses it.
//
//     engine::LessonBuilder<UtsState> lesson("container/uts");
//     lesson.requirements = {engine::Requirement::userns};
//     lesson.step("start", "Start a process in a user namespace", {L::runtime, L::namespaces}, start)
//         .provides(&UtsState::box, "the process");
//     lesson.step("sethostname", "Rename the container", {L::runtime, L::namespaces}, set_name);
//     return lesson.build();
//
// build() yields the type-erased engine::Lesson that the Session, the
// views, replay and the CLI know. The title, summary and track are not
// written here: the catalogue reads them from the lesson's Markdown
// (engine/lesson_metadata.hpp), so each is written once.
#pragma once

#include <algorithm>
#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/lesson.hpp"
#include "engine/try.hpp"  // every lesson uses STRATA_TRY

namespace strata::engine {

// What a step promises to leave in the state: a name for the learner and a
// test that it is there.
template <class State>
struct Provision {
    std::string what;  // "the VM", "the container"
    std::function<bool(const State&)> present;
};

// "the VM does not exist yet": a step ran before the one that makes what it
// uses. A programming error (the Session runs steps in order), reported, not
// a crash.
Error missing_provision(const std::string& lesson_id, const std::string& what);
// A step succeeded but did not make what it declared it provides.
Error unkept_provision(const std::string& lesson_id, const std::string& step_id, const std::string& what);

template <class State>
    requires std::derived_from<State, LessonState>
class LessonBuilder {
public:
    using StepFn = std::function<Result<StepOutcome>(Context&, State&)>;

    // One step under construction; provides() adds to what it promises.
    class StepRef {
    public:
        // `member` is anything that tests true once made: an optional, a
        // unique_ptr, a pointer, a bool.
        template <class Member>
        StepRef& provides(Member State::*member, std::string what) {
            return provides(std::move(what), [member](const State& s) { return static_cast<bool>(s.*member); });
        }
        // For what a member alone does not say ("a non-empty kernel image").
        StepRef& provides(std::string what, std::function<bool(const State&)> present) {
            builder_.steps_[index_].provides.push_back({std::move(what), std::move(present)});
            return *this;
        }
        // This step uses up what an earlier one provided (moves it into a
        // file, releases it to make room): it is checked before this step,
        // and no longer after it.
        StepRef& consumes(const std::string& what) {
            builder_.steps_[index_].consumes.push_back(what);
            return *this;
        }

    private:
        friend class LessonBuilder;
        StepRef(LessonBuilder& builder, std::size_t index) : builder_(builder), index_(index) {}
        LessonBuilder& builder_;
        std::size_t index_;
    };

    explicit LessonBuilder(std::string id) : id_(std::move(id)) {}

    std::vector<Requirement> requirements;
    std::vector<LessonOption> options;
    // Unset: a default-constructed State.
    std::function<std::unique_ptr<State>(const LessonOptions& options)> make_state;
    // Optional: see Lesson::interactive_shell.
    std::function<Result<int>(Context&, State&)> interactive_shell;

    StepRef step(std::string id, std::string title, std::vector<LayerId> expected_layers, StepFn action) {
        steps_.push_back({std::move(id), std::move(title), std::move(expected_layers), std::move(action), {}, {}});
        return StepRef(*this, steps_.size() - 1);
    }

    Lesson build() const {
        Lesson lesson;
        lesson.id = id_;
        lesson.requirements = requirements;
        lesson.options = options;
        if (make_state)
            lesson.make_state = [make = make_state](const LessonOptions& o) -> std::unique_ptr<LessonState> {
                return make(o);
            };
        else
            lesson.make_state = [](const LessonOptions&) -> std::unique_ptr<LessonState> {
                return std::make_unique<State>();
            };
        // Step i checks what steps 0..i-1 promised (and did not use up), runs,
        // then checks its own promise: a later step never meets a missing
        // prerequisite unnoticed.
        std::vector<Provision<State>> earlier;
        for (const auto& s : steps_) {
            lesson.steps.push_back({s.id, s.title, wrap(s, earlier), s.expected_layers});
            std::erase_if(earlier, [&](const Provision<State>& p) {
                return std::find(s.consumes.begin(), s.consumes.end(), p.what) != s.consumes.end();
            });
            earlier.insert(earlier.end(), s.provides.begin(), s.provides.end());
        }
        // No check before the shell: the Session opens it only once every step
        // has succeeded, and each step's promise was checked as it ran.
        if (interactive_shell)
            lesson.interactive_shell = [shell = interactive_shell](Context& ctx) {
                return shell(ctx, ctx.state<State>());
            };
        return lesson;
    }

private:
    struct StepSpec {
        std::string id;
        std::string title;
        std::vector<LayerId> expected_layers;
        StepFn action;
        std::vector<Provision<State>> provides;
        std::vector<std::string> consumes;
    };

    static std::optional<std::string> first_missing(const std::vector<Provision<State>>& provisions,
                                                    const State& state) {
        for (const auto& p : provisions)
            if (!p.present(state)) return p.what;
        return std::nullopt;
    }

    std::function<Result<StepOutcome>(Context&)> wrap(const StepSpec& spec,
                                                      std::vector<Provision<State>> needed) const {
        return [lesson_id = id_, step_id = spec.id, action = spec.action, needed = std::move(needed),
                promised = spec.provides](Context& ctx) -> Result<StepOutcome> {
            auto& state = ctx.state<State>();
            if (auto missing = first_missing(needed, state))
                return std::unexpected(missing_provision(lesson_id, *missing));
            auto outcome = action(ctx, state);
            if (!outcome) return outcome;
            if (auto unkept = first_missing(promised, state))
                return std::unexpected(unkept_provision(lesson_id, step_id, *unkept));
            return outcome;
        };
    }

    std::string id_;
    std::vector<StepSpec> steps_;
};

}  // namespace strata::engine
