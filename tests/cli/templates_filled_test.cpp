// No output shows a placeholder as written. Every lesson's every text —
// narrative, prompts, choices, hints, explanations, goals' `says` — goes
// through every output that shows it: the terminal's prompts and verdicts
// (a replay of the shipped recording, each prediction answered with each
// choice in turn), the texts the window draws (filled from that run),
// `strata lab list` and its JSON, and the lab report as HTML and JSON.
// Each fails on any "${".
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "backends/linux/temp_dir.hpp"
#include "backends/replay/recording.hpp"
#include "backends/replay/replayer.hpp"
#include "engine/exercise_check.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/cli/run_strata.hpp"
#include "tests/support/terminal_prompts.hpp"

using namespace strata;

namespace {

const char* kPlaceholder = "${";

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every text of an exercise a learner can be shown, as written.
void collect_says(const engine::Condition& c, std::vector<std::string>& out) {
    if (!c.says.empty()) out.push_back(c.says);
    for (const auto& child : c.children) collect_says(child, out);
}

std::vector<std::string> texts_of(const engine::Exercise& e) {
    std::vector<std::string> out = {e.prompt, e.explanation};
    for (const auto& c : e.choices) out.push_back(c.text);
    for (const auto& h : e.hints) out.push_back(h.text);
    collect_says(e.goal, out);
    return out;
}

engine::Lesson replay_of(const engine::Lesson& lesson) {
    auto recording = replay::load_recording(replay::shipped_recording_path(engine::asset_dir(), lesson.id), lesson);
    REQUIRE(recording);
    return replay::make_replay_lesson(lesson, std::make_shared<const replay::Recording>(std::move(*recording)), {0});
}

}  // namespace

TEST_CASE("Every lesson's texts reach the terminal and the window with every placeholder filled", "[cli][templates]") {
    // strata-<pid>-templates-…, removed however the test ends.
    auto state = linux::TempDir::create("templates");
    REQUIRE(state);
    const engine::ProgressStore store(state->path() / "strata");
    const engine::Bindings bindings{{"student", "Ada Lovelace"}};
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        auto narrative = engine::load_narrative(engine::asset_dir(), lesson.id);
        REQUIRE(narrative);
        CHECK(narrative->introduction.find(kPlaceholder) == std::string::npos);
        for (const auto& s : narrative->sections) {
            CAPTURE(s.id);
            CHECK((s.markdown + s.revealed).find(kPlaceholder) == std::string::npos);
        }
        auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
        REQUIRE(exercises);
        const auto replayed = replay_of(lesson);

        std::size_t most_choices = 1;
        for (const auto& e : exercises->exercises) most_choices = std::max(most_choices, e.choices.size());
        for (std::size_t pick = 1; pick <= most_choices; ++pick) {
            CAPTURE(pick);
            // Choice `pick` (or the last) for every prediction; then an empty
            // line skips each challenge, after its prompt was shown.
            std::string typed;
            for (const auto& e : exercises->exercises)
                if (e.kind == engine::ExerciseKind::predict)
                    typed += std::to_string(std::min(pick, e.choices.size())) + "\n";
            typed += std::string(exercises->challenges().size(), '\n');
            std::istringstream in(typed);
            const std::string shown =
                tests::run_terminal_prompts(replayed, lesson, *exercises, store, bindings, true, in);
            CAPTURE(shown);
            CHECK(shown.find(kPlaceholder) == std::string::npos);
        }

        // The window fills every text from the run it shows (exercise_view,
        // and the verdicts it draws come from the same check as above).
        engine::Session session(replayed);
        REQUIRE(session.run_to_end());
        const auto snap = session.snapshot();
        for (const auto& e : exercises->exercises)
            for (const auto& t : texts_of(e)) {
                CAPTURE(e.id, t);
                CHECK(engine::interpolate(t, {snap, -1, bindings}).find(kPlaceholder) == std::string::npos);
                CHECK(engine::interpolate_without_run(t, bindings).find(kPlaceholder) == std::string::npos);
            }
    }
}

TEST_CASE("lab list and the lab report fill every placeholder, a run's values said in words", "[cli][templates][lab]") {
    const auto report = tests::scratch_state_home() / "templates-report";
    const auto html_run = tests::run_strata("lab report -o " + report.string() + ".html --name 'Ada Lovelace'");
    REQUIRE(html_run.status == 0);
    const std::string html = read_file(report.string() + ".html");
    CHECK(html.find(kPlaceholder) == std::string::npos);
    CHECK_THAT(html, Catch::Contains("strata knows you as &quot;Ada Lovelace&quot;"));
    const auto json_run = tests::run_strata("lab report -o " + report.string() + ".json");
    REQUIRE(json_run.status == 0);
    CHECK(read_file(report.string() + ".json").find(kPlaceholder) == std::string::npos);

    const auto list = tests::run_strata("lab list");
    REQUIRE(list.status == 0);
    CAPTURE(list.output);
    CHECK(list.output.find(kPlaceholder) == std::string::npos);
    CHECK_THAT(list.output, Catch::Contains("strata knows you as \"Ada Lovelace\""));  // the name the report saved
    // A value only a run records is said in words, not left out.
    CHECK_THAT(list.output, Catch::Contains("(the \"UART: exits to the VMM\" a run records)"));
    const auto list_json = tests::run_strata("lab list --json");
    REQUIRE(list_json.status == 0);
    CHECK(list_json.output.find(kPlaceholder) == std::string::npos);
}
