#include "backends/replay/replayer.hpp"

#include <thread>

#include <fmt/format.h>

namespace strata::replay {

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until `deadline` in short slices so that Cancel stays responsive.
bool wait_until(Clock::time_point deadline, const engine::Context& ctx) {
    while (Clock::now() < deadline) {
        if (ctx.cancelled()) return false;
        std::this_thread::sleep_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
    }
    return !ctx.cancelled();
}

engine::Result<engine::StepOutcome> replay_step(engine::Context& ctx, const Recording& recording, std::size_t index,
                                                const ReplayOptions& options) {
    if (index >= recording.steps.size())
        return engine::plain_error("replay", "the recorded run ended before this step",
                                   "the recording stops where the live run failed or was cancelled");
    const RecordedStep& step = recording.steps[index];

    const auto started = Clock::now();
    std::optional<std::chrono::nanoseconds> first_start;
    for (const auto& recorded : recording.events) {
        if (recorded.step != static_cast<int>(index)) continue;
        if (!first_start) first_start = recorded.start;
        if (options.speed > 0) {
            const auto offset = std::chrono::duration_cast<Clock::duration>((recorded.start - *first_start) / options.speed);
            if (!wait_until(started + offset, ctx))
                return engine::errno_error("replay", ECANCELED, "cancelled");
        } else if (ctx.cancelled()) {
            return engine::errno_error("replay", ECANCELED, "cancelled");
        }
        engine::TraceEvent event = recorded;
        event.replayed = true;
        event.step = -1;  // the recorder stamps the running step
        // The real run's own clock: in step-by-step the learner's reading
        // time between steps would otherwise count as the machine's.
        event.start = recorded.start;
        ctx.recorder().record(std::move(event));
    }

    const std::string before = ctx.console_text();
    if (step.console.size() > before.size() && step.console.starts_with(before))
        ctx.console_write(std::string_view(step.console).substr(before.size()));
    ctx.facts() = step.facts;

    if (step.status != engine::StepStatus::done) {
        engine::Error error = step.error.value_or(engine::Error{"replay", 0, "the recorded step did not finish", ""});
        // The recorded error already names its step; the Session names it
        // again, so it is taken off here ("mount-proc: mount-proc: ...").
        if (const auto prefix = step.id + ": "; error.operation.starts_with(prefix))
            error.operation.erase(0, prefix.size());
        return std::unexpected(error);
    }
    return engine::StepOutcome{step.summary};
}

}  // namespace

engine::Lesson make_replay_lesson(const engine::Lesson& original, std::shared_ptr<const Recording> recording,
                                  ReplayOptions options) {
    engine::Lesson lesson;
    lesson.id = original.id;
    lesson.title = original.title;
    lesson.track = original.track;
    lesson.summary = original.summary;
    lesson.options = original.options;
    lesson.replay_label = recording->label();
    // Playing back needs nothing from the machine.
    lesson.make_state = [](const engine::LessonOptions&) { return std::make_unique<engine::LessonState>(); };
    for (std::size_t i = 0; i < original.steps.size(); ++i) {
        engine::Step step = original.steps[i];
        step.action = [recording, i, options](engine::Context& ctx) { return replay_step(ctx, *recording, i, options); };
        lesson.steps.push_back(std::move(step));
    }
    return lesson;
}

}  // namespace strata::replay
