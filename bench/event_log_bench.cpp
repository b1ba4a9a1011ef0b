// strata-event-log-bench: what a long run costs the window.
//
// A step that records 100 000 VM exits must not make the window slower or
// fatter per frame than one that records 100. This program runs a made-up
// lesson whose one step records N events (N = 100 and N = 100 000 in one
// run, side by side), then draws the window's two event-driven panels, the
// layer diagram and the timeline, with ImGui headless (no GL: what is
// measured is strata's own work per frame, not the rasteriser's), taking a
// fresh snapshot every frame as the window does while a step runs. It
// prints, per N: the snapshot's cost, the frame's cost (median and 95th
// percentile), the process's RSS, and a frame drawn while a thread is still
// recording (the live case). As a reference it also times copying the list
// of N events, which is what a snapshot did before the event log.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <imgui.h>

#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_view.hpp"
#include "app/gui/theme.hpp"
#include "app/gui/timeline_view.hpp"
#include "bench/stats.hpp"
#include "engine/session.hpp"

namespace {

using namespace strata;
using Clock = std::chrono::steady_clock;

double ns_since(Clock::time_point t) { return std::chrono::duration<double, std::nano>(Clock::now() - t).count(); }

double rss_mib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

// What a VMM records for a guest's port write: an exit through the layers,
// with a device argument, as vm/hello-kvm's events look.
engine::TraceEvent exit_event(std::size_t i) {
    engine::TraceEvent e;
    e.kind = i % 2 ? engine::EventKind::vm_exit : engine::EventKind::vm_entry;
    e.name = i % 2 ? "exit: IO out port 0x3f8" : "ioctl(KVM_RUN)";
    e.args = {{"port", "0x3f8"}, {"value", std::to_string(i % 256)}};
    e.layers = i % 2 ? std::vector{engine::LayerId::guest_program, engine::LayerId::cpu_virt, engine::LayerId::kvm,
                                   engine::LayerId::vmm}
                     : std::vector{engine::LayerId::vmm, engine::LayerId::kvm, engine::LayerId::cpu_virt};
    e.duration = std::chrono::nanoseconds(1500);
    return e;
}

engine::Lesson many_events_lesson(std::size_t n) {
    engine::Lesson lesson;
    lesson.id = "bench/event-log";
    lesson.title = "Many events";
    engine::Step step;
    step.id = "record";
    step.title = "Record many exits";
    step.action = [n](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
        for (std::size_t i = 0; i < n; ++i) ctx.recorder().record(exit_event(i));
        return engine::StepOutcome{"recorded"};
    };
    step.expected_layers = {engine::LayerId::vmm, engine::LayerId::kvm, engine::LayerId::cpu_virt,
                            engine::LayerId::guest_program};
    lesson.steps = {step};
    return lesson;
}

// The window's diagram and timeline, side by side, as one frame.
struct Panels {
    gui::DiagramLayout layout;
    gui::Palette palette;
    gui::DiagramViewState diagram;
    gui::TimelineViewState timeline;
    double now = 100;

    Panels() {
        auto loaded = gui::load_diagram_layout(gui::default_diagram_layout_path());
        if (!loaded) {
            std::fprintf(stderr, "strata-event-log-bench: %s\n", loaded.error().message.c_str());
            std::exit(1);
        }
        layout = *loaded;
        ImGuiStyle style;
        palette = gui::make_theme("dark", style).palette;
        diagram.still = true;  // a step long over: the drawn paths, not the animation
    }

    void frame(const engine::Snapshot& snap) {
        ImGui::NewFrame();
        const ImVec2 size = ImGui::GetIO().DisplaySize;
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(size.x, size.y * 0.6f));
        ImGui::Begin("diagram", nullptr, ImGuiWindowFlags_NoDecoration);
        gui::diagram_view(&snap, layout, palette, diagram, std::nullopt, now += 1.0 / 60, nullptr);
        ImGui::End();
        ImGui::SetNextWindowPos(ImVec2(0, size.y * 0.6f));
        ImGui::SetNextWindowSize(ImVec2(size.x, size.y * 0.4f));
        ImGui::Begin("timeline", nullptr, ImGuiWindowFlags_NoDecoration);
        gui::timeline_view(&snap, palette, timeline);
        ImGui::End();
        ImGui::Render();
    }
};

double p95(std::vector<double> sample) {
    if (sample.empty()) return 0;
    std::sort(sample.begin(), sample.end());
    return sample[sample.size() * 95 / 100];
}

struct Row {
    std::size_t events = 0;
    bench::Summary snapshot, frame, copy;
    double frame_p95 = 0;
    double rss_recorded = 0, rss_first_frame = 0, rss_after_frames = 0;
    bench::Summary live_early, live_late;
    double live_early_fresh = 0, live_late_fresh = 0;  // new events per frame (mean)
    std::size_t live_frames = 0;
};

Row measure(std::size_t n, int frames) {
    Row row;
    row.events = n;
    const engine::Lesson lesson = many_events_lesson(n);
    {
        engine::Session session(lesson);
        if (!session.step()) {
            std::fprintf(stderr, "strata-event-log-bench: the step failed\n");
            std::exit(1);
        }
        row.rss_recorded = rss_mib();
        Panels panels;
        std::vector<double> snapshots, frame_times, copies;
        for (int i = 0; i < frames; ++i) {
            const auto t0 = Clock::now();
            const engine::Snapshot snap = session.snapshot();
            snapshots.push_back(ns_since(t0));
            const auto t1 = Clock::now();
            panels.frame(snap);
            frame_times.push_back(ns_since(t1));
            // The first frame builds the panels' rows and paths, once.
            if (i == 0) row.rss_first_frame = rss_mib();
        }
        row.snapshot = bench::summarize(snapshots);
        row.frame = bench::summarize(frame_times);
        row.frame_p95 = p95(frame_times);
        row.rss_after_frames = rss_mib();
        const engine::EventLogView all = session.snapshot().events;
        for (int i = 0; i < 20; ++i) {
            const auto t0 = Clock::now();
            const std::vector<engine::TraceEvent> copy = all.to_vector();
            copies.push_back(ns_since(t0));
            if (copy.size() != n) std::exit(1);
        }
        row.copy = bench::summarize(copies);
        if (all.size() != n) {
            std::fprintf(stderr, "strata-event-log-bench: recorded %zu events, not %zu\n", all.size(), n);
            std::exit(1);
        }
    }

    // Live: frames drawn while the step is still recording, each on a
    // fresh snapshot, as the window does. Early frames see a short log,
    // late ones a long one; a frame should cost the same either way.
    {
        engine::Recorder recorder;
        recorder.set_step(0);
        Panels panels;
        struct Seen {
            std::size_t events, fresh;  // in the view, and new since the frame before
            double ns;
        };
        std::vector<Seen> seen;
        std::thread writer([&] {
            for (std::size_t i = 0; i < n; ++i) recorder.record(exit_event(i));
        });
        engine::Snapshot snap;
        snap.current_step = 0;
        while (recorder.size() < n) {
            const auto t0 = Clock::now();
            snap.events = recorder.events();
            panels.frame(snap);
            const std::size_t before = seen.empty() ? 0 : seen.back().events;
            seen.push_back({snap.events.size(), snap.events.size() - before, ns_since(t0)});
        }
        writer.join();
        std::vector<double> early, late, early_fresh, late_fresh;
        for (const Seen& f : seen) {
            if (f.events < n / 4) early.push_back(f.ns), early_fresh.push_back(static_cast<double>(f.fresh));
            if (f.events >= n * 3 / 4) late.push_back(f.ns), late_fresh.push_back(static_cast<double>(f.fresh));
        }
        auto mean = [](const std::vector<double>& v) {
            double sum = 0;
            for (double x : v) sum += x;
            return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
        };
        row.live_early_fresh = mean(early_fresh);
        row.live_late_fresh = mean(late_fresh);
        row.live_frames = seen.size();
        row.live_early = bench::summarize(early);
        row.live_late = bench::summarize(late);
    }
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 300;
    std::vector<std::size_t> sizes = {100, 100'000};
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--frames" && i + 1 < argc) frames = std::atoi(argv[++i]);
        else if (arg == "--events" && i + 1 < argc) sizes.back() = std::strtoull(argv[++i], nullptr, 10);
        else {
            std::fprintf(stderr, "usage: strata-event-log-bench [--frames N] [--events N]\n");
            return 2;
        }
    }

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);

    std::printf("strata event log: a window frame (diagram + timeline, headless ImGui 1280x800) against the run's length\n");
    std::printf("%9s %10s %10s %10s %10s %10s %10s   %s\n", "events", "snapshot", "frame", "frame p95", "RSS: run",
                "1st frame", "last", "copying the list");
    std::vector<Row> rows;
    for (const std::size_t n : sizes) rows.push_back(measure(n, frames));
    for (const Row& r : rows)
        std::printf("%9zu %10s %10s %10s %6.1f MiB %6.1f MiB %6.1f MiB   %s\n", r.events,
                    bench::format_ns(r.snapshot.median).c_str(), bench::format_ns(r.frame.median).c_str(),
                    bench::format_ns(r.frame_p95).c_str(), r.rss_recorded, r.rss_first_frame, r.rss_after_frames,
                    bench::format_ns(r.copy.median).c_str());
    std::printf("  (%d frames each, a fresh snapshot per frame. RSS: after the step ran, after the first frame\n"
                "   (which builds the timeline's rows and the diagram's paths once), after the last. \"Copying the\n"
                "   list\" is what a snapshot cost before the event log: a copy of every event.)\n",
                frames);
    std::printf("\nframes drawn while a thread records the step (a fresh snapshot each frame): a frame's cost\n"
                "follows the events new since the frame before, not the length of the log\n");
    std::printf("%9s %8s %34s %34s\n", "events", "frames", "log < 1/4 full: frame (new/frame)",
                "log > 3/4 full: frame (new/frame)");
    auto cell = [](const bench::Summary& s, double fresh) {
        return s.count ? bench::format_ns(s.median) + " (" + std::to_string(static_cast<long>(fresh)) + ")"
                       : std::string("(none: done first)");
    };
    for (const Row& r : rows)
        std::printf("%9zu %8zu %34s %34s\n", r.events, r.live_frames, cell(r.live_early, r.live_early_fresh).c_str(),
                    cell(r.live_late, r.live_late_fresh).c_str());
    const Row& small = rows.front();
    const Row& large = rows.back();
    std::printf("\n%zu events against %zu: snapshot %.2fx, frame %.2fx (medians); frames after the first added "
                "%.1f MiB of RSS to the long run\n",
                large.events, small.events, bench::ratio(large.snapshot.median, small.snapshot.median),
                bench::ratio(large.frame.median, small.frame.median), large.rss_after_frames - large.rss_first_frame);
    ImGui::DestroyContext();
    return 0;
}
