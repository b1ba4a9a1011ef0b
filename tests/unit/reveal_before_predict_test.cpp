// A prediction tests predicting only if nothing shown before it gives the
// answer away. For every prediction of every lesson this takes the answer
// the lesson's shipped recording gives (the choice whose condition that
// run satisfies) and fails when
//   - the step's title and own text above `<!-- reveal -->`, printed just
//     before the question, hold every distinctive word of the right choice: the words
//     of its text that no wrong choice uses, less common words ("the",
//     "one", "exit", ...). Earlier steps are left out of this rule: they may
//     rightly show what the learner predicts from (the guest's code, say);
//   - or that text states the recorded value of a fact the right choice
//     says the exact value of, where the prompt itself does not state it;
//   - or anything read so far — the introduction, every earlier step's
//     whole section, the step's own text above the marker — states the
//     number of events the right choice counts, where the prompt does not.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>

#include "backends/replay/recording.hpp"
#include "backends/replay/replayer.hpp"
#include "engine/exercise_check.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

namespace {

// Lower-case words: letters, digits and the `_`, `-`, `.` inside a name
// ("strata-box", "0x3f8", "pid_max"), and the parts of a hyphenated one;
// an apostrophe ends a word.
std::set<std::string> words(std::string_view text) {
    std::set<std::string> out;
    std::string word;
    auto flush = [&] {
        while (!word.empty() && (word.back() == '-' || word.back() == '.' || word.back() == '_')) word.pop_back();
        while (!word.empty() && (word.front() == '-' || word.front() == '.' || word.front() == '_')) word.erase(0, 1);
        // "I/O" is no word of its own; "PID 1" holds the number 1.
        auto keep = [&](const std::string& w) {
            if (w.size() > 1 || (w.size() == 1 && std::isdigit(static_cast<unsigned char>(w[0])))) out.insert(w);
        };
        keep(word);
        // "byte-for-byte" says "byte" too.
        if (word.find('-') != std::string::npos)
            for (std::size_t at = 0, dash; at <= word.size(); at = dash + 1) {
                dash = std::min(word.find('-', at), word.size());
                keep(word.substr(at, dash - at));
            }
        word.clear();
    };
    for (char c : text) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-' || l == '.') word.push_back(l);
        else flush();
    }
    flush();
    return out;
}

// Words too common to give an answer away on their own.
const std::set<std::string>& common_words() {
    static const std::set<std::string> common = {
        "a", "an", "the", "and", "or", "but", "not", "no", "of", "to", "in", "on", "at", "by", "for", "from", "with",
        "as", "is", "are", "was", "be", "it", "its", "it's", "this", "that", "these", "those", "there", "then", "than",
        "so", "if", "all", "any", "each", "every", "only", "still", "just", "also", "more", "less", "same", "other",
        "own", "one", "two", "some", "what", "which", "who", "when", "where", "how", "why", "does", "do", "did",
        "can", "cannot", "will", "would", "may", "must", "has", "have", "had", "s", "t", "about", "into", "out",
        "up", "down", "new", "old", "again", "first", "last", "once", "here", "now", "after", "before", "both",
        "nothing", "something", "times", "time", "them", "they", "their", "you", "your", "we", "our", "his", "her",
        "strata", "exit", "exits", "step", "run", "runs", "guest", "host", "kernel", "vm", "container"};
    return common;
}

bool contains_phrase(const std::string& haystack_lower, const std::string& needle) {
    if (needle.empty()) return false;
    std::string n;
    for (char c : needle) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return haystack_lower.find(n) != std::string::npos;
}

// The facts a condition says the exact value of (`equals`), walking
// all/any (a `not` says the opposite). A range (`at_least: 1`) does not
// name the value the run happened to record.
void tested_facts(const engine::Condition& c, std::vector<std::string>& keys) {
    using K = engine::Condition::Kind;
    if (c.kind == K::fact && c.equals) keys.push_back(c.key);
    if (c.kind == K::all || c.kind == K::any)
        for (const auto& child : c.children) tested_facts(child, keys);
}

// The kinds of event a condition counts (`count: {kind: vm-exit, ...}`).
std::vector<std::string> counted_kinds(const engine::Condition& c) {
    using K = engine::Condition::Kind;
    std::vector<std::string> out;
    if (c.kind == K::count && c.event.kind) out.emplace_back(engine::event_kind_key(*c.event.kind));
    if (c.kind == K::all || c.kind == K::any)
        for (const auto& child : c.children)
            for (auto& k : counted_kinds(child)) out.push_back(std::move(k));
    return out;
}

std::string lower(std::string_view text) {
    std::string out;
    for (char c : text) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}

const std::string* fact_value(const engine::Snapshot& snap, const std::string& key) {
    for (const auto& [k, v] : snap.facts.values)
        if (k == key) return &v;
    return nullptr;
}

}  // namespace

TEST_CASE("No text shown before a prediction gives its answer away", "[unit][exercise][reveal]") {
    int predictions = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
        REQUIRE(exercises);
        auto narrative = engine::load_narrative(engine::asset_dir(), lesson.id);
        REQUIRE(narrative);
        auto recording = replay::load_recording(replay::shipped_recording_path(engine::asset_dir(), lesson.id), lesson);
        REQUIRE(recording);
        const auto replayed =
            replay::make_replay_lesson(lesson, std::make_shared<const replay::Recording>(std::move(*recording)), {0});
        engine::Session session(replayed);

        std::string read_so_far = narrative->introduction;  // what the learner has read
        for (const auto& step : lesson.steps) {
            const auto* section = narrative->section(step.id);
            if (section) read_so_far += section->markdown;
            const std::string shown = lower(read_so_far);
            // The step's title is shown with it, in the terminal and the window.
            const std::string step_shown = lower(step.title + "\n" + (section ? section->markdown : ""));
            const auto step_words = words(step_shown);

            REQUIRE(session.step());
            const auto snap = session.snapshot();
            for (const engine::Exercise* e : exercises->before_step(step.id)) {
                CAPTURE(e->id);
                ++predictions;
                const auto verdict = engine::check_prediction(*e, snap, e->choices.front().id);
                REQUIRE(verdict.recorded.size() == 1);  // the recording resolves it to one choice
                const engine::Choice* right = nullptr;
                std::set<std::string> wrong_words;
                for (const auto& c : e->choices) {
                    if (c.id == verdict.recorded.front()) right = &c;
                    else for (const auto& w : words(c.text)) wrong_words.insert(w);
                }
                REQUIRE(right);
                std::set<std::string> distinctive;
                const auto prompt_words = words(e->prompt);
                for (const auto& w : words(right->text)) {
                    // A number the prompt states is the question's data ("injects 20").
                    const bool number = std::isdigit(static_cast<unsigned char>(w[0])) != 0;
                    if (wrong_words.count(w) || common_words().count(w) || (number && prompt_words.count(w))) continue;
                    distinctive.insert(w);
                }
                bool all_shown = !distinctive.empty();
                std::string listed;
                for (const auto& w : distinctive) {
                    all_shown = all_shown && step_words.count(w);
                    listed += " " + w;
                }
                if (all_shown)
                    FAIL_CHECK("the step's text before the question already says the answer, \""
                               << right->text << "\" (its words" << listed << "); move that text below <!-- reveal -->");

                std::vector<std::string> keys;
                tested_facts(right->when, keys);
                for (const auto& key : keys) {
                    const std::string* value = fact_value(snap, key);
                    if (!value || value->size() < 3 || contains_phrase(lower(e->prompt), *value)) continue;
                    if (contains_phrase(step_shown, *value))
                        FAIL_CHECK("the step's text before the question states the recorded \"" << key << "\": " << *value);
                }
                const engine::Evidence evidence{snap, engine::step_index(snap, step.id), {}};
                for (const auto& kind : counted_kinds(right->when)) {
                    const std::string count = engine::interpolate("${count:" + kind + "}", evidence);
                    if (count.size() < 2 || prompt_words.count(count)) continue;  // "3" is any list's
                    if (words(shown).count(count))
                        FAIL_CHECK("the text before it states how many " << kind << " events the step records: " << count);
                }
            }
            if (section) read_so_far += section->revealed;
        }
    }
    CHECK(predictions > 20);  // the course's predictions were all looked at
}

TEST_CASE("The distinctive-words rule catches an answer stated before the prediction", "[unit][exercise][reveal]") {
    // container/uts as it was written before the reveal marker: the rename
    // step said what `hostname` prints before asking it.
    const auto said = words("sethostname inside, then strata runs busybox's hostname inside: it prints `strata-box`.");
    CHECK(said.count("strata-box"));
    const auto right = words("strata-box");
    const auto wrong = words("The host's name: a copied namespace keeps the host's name");
    for (const auto& w : right) CHECK_FALSE(wrong.count(w));
}
