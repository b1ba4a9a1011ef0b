// `strata progress show|export|import`: a learner's progress, and moving
// it between machines (merge rules: engine/progress.hpp, README).
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "engine/progress_store.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

namespace {

int fail(const engine::Error& error) {
    std::fprintf(stderr, "strata: %s\n", error.describe().c_str());
    if (!error.hint.empty()) std::fprintf(stderr, "  %s\n", error.hint.c_str());
    return exit_failed;
}

int show(bool json) {
    const engine::ProgressStore store(engine::state_dir());
    auto loaded = store.load();
    if (!loaded) return fail(loaded.error());
    if (loaded->problem) std::fprintf(stderr, "strata: %s\n", loaded->problem->c_str());
    const auto& p = loaded->progress;
    if (json) {
        std::printf("%s\n", engine::progress_to_json(p).dump(2).c_str());
        return exit_ok;
    }
    std::printf("Progress in %s%s\n", store.file().c_str(), p.student.empty() ? "" : (" (" + p.student + ")").c_str());
    if (p.lessons.empty()) std::printf("  nothing yet: `strata run vm/hello-kvm` is a good start\n");
    for (const auto& [id, lesson] : p.lessons) {
        const engine::Lesson* known = lessons::catalogue().find(id);
        int passed = 0, attempts = 0;
        for (const auto& [_, e] : lesson.exercises) {
            passed += e.passed();
            attempts += static_cast<int>(e.attempts.size());
        }
        std::printf("  %-26s %zu%s steps done, %d exercise(s) passed in %d attempt(s)\n", id.c_str(), lesson.steps.size(),
                    known ? fmt::format(" of {}", known->steps.size()).c_str() : "", passed, attempts);
    }
    if (!p.last_lesson.empty()) std::printf("Last: %s, step %d\n", p.last_lesson.c_str(), p.last_step + 1);
    return exit_ok;
}

int export_to(const std::string& path) {
    const engine::ProgressStore store(engine::state_dir());
    auto loaded = store.load();
    if (!loaded) return fail(loaded.error());
    if (loaded->problem) std::fprintf(stderr, "strata: %s\n", loaded->problem->c_str());
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << engine::progress_to_json(loaded->progress).dump(2) << '\n';
        if (!out.flush()) {
            std::remove(tmp.c_str());
            return fail({"write " + path, errno, "could not write the export", ""});
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        return fail({"rename " + tmp, e, "could not write the export", ""});
    }
    std::printf("Exported the progress of %zu lesson(s) to %s\n", loaded->progress.lessons.size(), path.c_str());
    return exit_ok;
}

int import_from(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail({"open " + path, errno, "cannot read the file to import", ""});
    std::stringstream text;
    text << in.rdbuf();
    auto theirs = engine::progress_from_text(text.str());
    // A bad import changes nothing here.
    if (!theirs) return fail(theirs.error().error.with_context(path));
    engine::MergeCounts counts;
    const engine::ProgressStore store(engine::state_dir());
    auto saved = store.update([&](engine::Progress& mine) { counts = engine::merge_progress(mine, *theirs); });
    if (!saved) return fail(saved.error());
    if (saved->problem) std::fprintf(stderr, "strata: %s\n", saved->problem->c_str());
    std::printf("Imported %s: %d new step(s) and %d new attempt(s) merged into %s\n", path.c_str(), counts.steps,
                counts.attempts, store.file().c_str());
    return exit_ok;
}

}  // namespace

Command add_progress(CLI::App& app) {
    struct Options {
        std::string file;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* progress = app.add_subcommand("progress", "Your progress: show it, or move it between machines");
    progress->require_subcommand(1);
    auto* show_cmd = progress->add_subcommand("show", "Steps done and exercises passed, per lesson");
    show_cmd->add_flag("--json", o->json, "Print the progress file's JSON");
    auto* export_cmd = progress->add_subcommand("export", "Write your progress to FILE (to import on another machine)");
    export_cmd->add_option("file", o->file, "The file to write")->required();
    auto* import_cmd = progress->add_subcommand("import", "Merge progress exported on another machine into yours");
    import_cmd->add_option("file", o->file, "A file made by `strata progress export`")->required()->check(CLI::ExistingFile);
    return [o, show_cmd, export_cmd, import_cmd]() {
        if (show_cmd->parsed()) return show(o->json);
        if (export_cmd->parsed()) return export_to(o->file);
        if (import_cmd->parsed()) return import_from(o->file);
        return static_cast<int>(exit_usage);
    };
}

}  // namespace strata::cli
