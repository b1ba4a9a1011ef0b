#include "app/cli/exercise_prompt.hpp"

#include <cstdio>
#include <istream>
#include <sstream>

#include <fmt/format.h>

#include "app/cli/line_input.hpp"
#include "engine/exercise_run.hpp"

namespace strata::cli {

namespace {

// "1 3" -> {1, 3}; nullopt when a word is not a number in [1, max].
std::optional<std::vector<int>> numbers(const std::string& line, int max) {
    std::istringstream words(line);
    std::vector<int> out;
    for (std::string word; words >> word;) {
        if (word.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        const int n = std::stoi(word.substr(0, 4));
        if (n < 1 || n > max) return std::nullopt;
        out.push_back(n);
    }
    return out;
}

}  // namespace

TerminalExercises::TerminalExercises(engine::LessonExercises exercises, const engine::ProgressStore& store,
                                     engine::Bindings bindings, bool replay, std::istream& in, std::FILE* out)
    : exercises_(std::move(exercises)), store_(store), bindings_(std::move(bindings)), replay_(replay), in_(in), out_(out) {}

std::optional<std::string> TerminalExercises::read_line() {
    std::fflush(out_);
    return read_line_unless_stopped(in_);
}

std::optional<std::string> TerminalExercises::ask_choice(const engine::Exercise& e, const engine::Snapshot& snapshot) {
    const engine::Evidence evidence{snapshot, -1, bindings_};
    std::fprintf(out_, "  ? Predict (%s): %s\n", e.id.c_str(), engine::interpolate(e.prompt, evidence).c_str());
    for (std::size_t i = 0; i < e.choices.size(); ++i)
        std::fprintf(out_, "      %zu) %s\n", i + 1, engine::interpolate(e.choices[i].text, evidence).c_str());
    for (;;) {
        std::fprintf(out_, "    Your answer (1-%zu, Enter to skip): ", e.choices.size());
        auto line = read_line();
        if (!line || line->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
        auto n = numbers(*line, static_cast<int>(e.choices.size()));
        if (n && n->size() == 1) return e.choices[static_cast<std::size_t>(n->front() - 1)].id;
        std::fprintf(out_, "    (a number from 1 to %zu)\n", e.choices.size());
    }
}

void TerminalExercises::before_step(const std::string& step_id, const engine::Snapshot& snapshot) {
    for (const engine::Exercise* e : exercises_.before_step(step_id))
        if (auto choice = ask_choice(*e, snapshot)) pending_[e->id] = *choice;
}

void TerminalExercises::print_verdict(const engine::Verdict& v) {
    const char* mark = v.outcome == engine::Outcome::passed ? "✓" : v.outcome == engine::Outcome::failed ? "✗" : "·";
    std::fprintf(out_, "  %s %s: %s\n", mark, v.exercise_id.c_str(), v.summary.c_str());
    for (const auto& part : v.goal) std::fprintf(out_, "      %s %s\n", part.held ? "✓" : "✗", part.says.c_str());
    if (v.hint) std::fprintf(out_, "    hint: %s\n", v.hint->c_str());
    if (!v.explanation.empty()) std::fprintf(out_, "    %s\n", v.explanation.c_str());
}

void TerminalExercises::record(const engine::Verdict& v, bool replay) {
    auto saved = store_.update([&](engine::Progress& p) { engine::record_attempt(p, exercises_.lesson_id, v, replay); });
    if (!saved) std::fprintf(stderr, "strata: your answer was not saved: %s\n", saved.error().describe().c_str());
}

void TerminalExercises::after_step(const std::string& step_id, const engine::Snapshot& snapshot) {
    for (const engine::Exercise* e : exercises_.before_step(step_id)) {
        auto it = pending_.find(e->id);
        if (it == pending_.end()) continue;
        const auto verdict = engine::check_prediction(*e, snapshot, it->second, bindings_);
        pending_.erase(it);
        print_verdict(verdict);
        record(verdict, replay_);
    }
}

std::optional<std::string> TerminalExercises::ask_value(const engine::Exercise& e) {
    const auto& p = e.parameter;
    switch (p.editor) {
        case engine::EditorKind::choice: {
            for (std::size_t i = 0; i < p.choices.size(); ++i) std::fprintf(out_, "      %zu) %s\n", i + 1, p.choices[i].c_str());
            std::fprintf(out_, "    %s (1-%zu, Enter to skip): ", p.label.c_str(), p.choices.size());
            auto line = read_line();
            if (!line || line->empty()) return std::nullopt;
            auto n = numbers(*line, static_cast<int>(p.choices.size()));
            if (!n || n->size() != 1) return std::string("?");  // refused below by the lesson, with its choices
            return p.choices[static_cast<std::size_t>(n->front() - 1)];
        }
        case engine::EditorKind::flags: {
            for (std::size_t i = 0; i < p.flags.size(); ++i) std::fprintf(out_, "      %zu) %s\n", i + 1, p.flags[i].c_str());
            std::fprintf(out_, "    %s: the numbers of the flags to set, e.g. \"1 3\" (0 for none, Enter to skip): ",
                         p.label.c_str());
            auto line = read_line();
            if (!line || line->empty()) return std::nullopt;
            if (*line == "0") return std::string("0");
            auto n = numbers(*line, static_cast<int>(p.flags.size()));
            if (!n) return *line;  // typed flag names: the lesson's validator judges them
            std::string value;
            for (int i : *n) value += (value.empty() ? "" : "|") + p.flags[static_cast<std::size_t>(i - 1)];
            return value;
        }
        case engine::EditorKind::assembly: {
            std::fprintf(out_, "    %s. It starts as:\n", p.label.c_str());
            std::istringstream lines(p.initial);
            for (std::string line; std::getline(lines, line);) std::fprintf(out_, "      %s\n", line.c_str());
            std::fprintf(out_, "    Type your program, one instruction per line; an empty line ends it "
                               "(an empty program skips):\n");
            std::string program;
            for (;;) {
                std::fprintf(out_, "      > ");
                auto line = read_line();
                if (!line || line->empty()) break;
                program += *line + "\n";
            }
            if (program.empty()) return std::nullopt;
            return program;
        }
        case engine::EditorKind::number:
        case engine::EditorKind::text: {
            std::fprintf(out_, "    %s%s (Enter to skip): ", p.label.c_str(), p.unit.empty() ? "" : (" in " + p.unit).c_str());
            auto line = read_line();
            if (!line || line->empty()) return std::nullopt;
            return *line;
        }
    }
    return std::nullopt;
}

void TerminalExercises::offer_challenges(const engine::Lesson* live) {
    const auto challenges = exercises_.challenges();
    if (challenges.empty()) return;
    std::fprintf(out_, "── Challenges ──\n");
    if (!live) {
        std::fprintf(out_, "  A challenge runs the lesson again with your value, and this machine plays a recording "
                           "instead: try them where the lesson runs live (`strata doctor`).\n\n");
        return;
    }
    for (const engine::Exercise* e : challenges) {
        // The challenge's run is still to come: what it will record is said in words.
        std::fprintf(out_, "  ◆ %s: %s\n", e->id.c_str(), engine::interpolate_without_run(e->prompt, bindings_).c_str());
        for (;;) {
            auto value = ask_value(*e);
            if (!value) {
                std::fprintf(out_, "    (skipped)\n\n");
                break;
            }
            std::fprintf(out_, "    Running %s for real with %s = %s ...\n", live->id.c_str(), e->parameter.option.c_str(),
                         value->find('\n') == std::string::npos ? value->c_str() : "your program");
            auto run = engine::run_challenge(*live, *e, *value, bindings_);
            if (!run) {
                std::fprintf(out_, "    ✗ %s\n      %s\n", run.error().message.c_str(), run.error().hint.c_str());
                continue;  // not an attempt: the value was refused before anything ran
            }
            print_verdict(run->verdict);
            record(run->verdict, false);
            if (run->verdict.outcome == engine::Outcome::passed) {
                std::fprintf(out_, "\n");
                break;
            }
            std::fprintf(out_, "    Try again? [y/N] ");
            auto again = read_line();
            if (!again || (*again != "y" && *again != "Y")) {
                std::fprintf(out_, "\n");
                break;
            }
        }
    }
}

}  // namespace strata::cli
