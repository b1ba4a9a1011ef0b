#include "app/cli/cli.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/cli/help_text.hpp"
#include "app/cli/window_hook.hpp"
#include "engine/catalogue.hpp"

namespace strata::cli {

namespace {

// `strata rnu`, `strata lab chek`: CLI11 calls it an unexpected argument or
// a missing subcommand; the learner meant a command. Follows the words
// typed down the known commands and, at the first unknown one, names the
// closest command there, as unknown lesson ids get theirs.
bool explain_unknown_command(const CLI::App& app, int argc, char** argv) {
    const CLI::App* at = &app;
    std::string known;  // the commands typed so far, each followed by a space: "lab "
    for (int i = 1; i < argc; ++i) {
        const std::string typed = argv[i];
        if (typed.starts_with('-')) return false;  // options: CLI11's own message says it best
        const auto subs = at->get_subcommands({});
        if (subs.empty()) return false;            // a positional argument, not a command
        const CLI::App* next = nullptr;
        std::vector<std::pair<std::size_t, std::string>> scored;
        for (const CLI::App* sub : subs) {
            if (sub->get_name() == typed) next = sub;
            if (!sub->get_group().empty())  // hidden ones are not suggested
                scored.emplace_back(engine::edit_distance(typed, sub->get_name()), sub->get_name());
        }
        if (next) {
            at = next;
            known += typed + " ";
            continue;
        }
        std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        std::string message = "strata: unknown command '" + typed + "'.";
        if (!scored.empty() && scored.front().first <= std::max<std::size_t>(2, typed.size() / 2))
            message += " Did you mean " + known + scored.front().second + "?";
        std::fprintf(stderr, "%s\n`strata %s--help` lists every command.\n", message.c_str(), known.c_str());
        return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv, const WindowCommands& window) {
    CLI::App app{"strata: how virtual machines and containers really work, by doing it for real"};
    app.set_version_flag("--version", "strata " STRATA_VERSION);
    app.set_help_all_flag("--help-all", "Print this help and that of every subcommand, then exit");
    app.require_subcommand(0, 1);

    std::map<CLI::App*, Command> commands;
    auto add = [&](const char* name, auto adder) {
        CLI::App* sub = nullptr;
        Command run = adder(app);
        for (CLI::App* s : app.get_subcommands({}))
            if (s->get_name() == name) sub = s;
        commands[sub] = std::move(run);
    };
    add("list", add_list);
    add("run", add_run);
    add("doctor", add_doctor);
    add("trace", add_trace);
    add("bench", add_bench);
    add("record", add_record);
    add("man-page", add_man_page);
    add("lab", add_lab);
    add("progress", add_progress);
    add("snapshot", add_snapshot);
    add("bundle", add_bundle);
    for (const auto& [name, adder] : window.subcommands) add(name, adder);
    // strata --demo [--auto-advance S]
    const auto top_level = window.add_top_level_options ? window.add_top_level_options(app) : nullptr;
    // After the subcommands, which would otherwise inherit it.
    app.footer(help_footer(help_sections(running_help_paths(), /*with_files=*/false)));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if ((dynamic_cast<const CLI::ExtrasError*>(&e) || dynamic_cast<const CLI::RequiredError*>(&e)) &&
            explain_unknown_command(app, argc, argv))
            return exit_usage;
        // CLI11 prints help for --help (exit 0) and the error otherwise.
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }
    // Whatever a SIGKILLed strata left (it could not clean up) is removed by
    // the next strata, whichever command it runs. Only names of dead pids
    // are touched, so another strata running now keeps its own. The man
    // page is made at build time, where there is nothing to sweep.
    for (auto& [sub, run] : commands) {
        if (!sub || !sub->parsed()) continue;
        if (sub->get_name() != "man-page") sweep_leftovers();
        return run();
    }
    sweep_leftovers();
    // No subcommand: the window when there is a display, else the tour.
    if (top_level)
        if (const int code = top_level(); code >= 0) return code;
    if (window.open_by_default)
        if (const int code = window.open_by_default(); code >= 0) return code;
    return run_tour();
}

int main(int argc, char** argv) { return main(argc, argv, WindowCommands{}); }

}  // namespace strata::cli
