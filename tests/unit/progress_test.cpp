// Progress: what a run adds, the file's round trip, merging another
// machine's export, and what happens to a file strata cannot read.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "engine/progress_store.hpp"
#include "engine/session.hpp"
#include "tests/unit/exercise_fixture.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it.
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        std::string pattern = (fs::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-unit-progress-XXXXXX")).string();
        REQUIRE(::mkdtemp(pattern.data()));
        path = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& entry : fs::directory_iterator(path)) out.push_back(entry.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

engine::Snapshot fixture_run(int steps) {
    engine::Session session(tests::exercise_fixture_lesson(), *tests::exercise_fixture_lesson().resolve_options({}));
    for (int i = 0; i < steps; ++i) (void)session.step();
    return session.snapshot();
}

engine::Verdict verdict(const std::string& id, const std::string& answer, engine::Outcome outcome) {
    engine::Verdict v;
    v.exercise_id = id;
    v.answer = answer;
    v.outcome = outcome;
    return v;
}

}  // namespace

TEST_CASE("A run records the steps done, where the learner is, and attempts", "[unit][progress]") {
    engine::Progress p;
    engine::record_run(p, fixture_run(2));
    const auto& lesson = p.lessons.at("test/exercises");
    CHECK(lesson.steps.size() == 2);
    CHECK(lesson.steps.at("boot").live);
    CHECK(p.last_lesson == "test/exercises");
    CHECK(p.last_step == 1);
    CHECK_FALSE(lesson.measurements);  // the run has not reached its end

    engine::record_attempt(p, "test/exercises", verdict("first-exit", "hlt", engine::Outcome::failed), false);
    engine::record_attempt(p, "test/exercises", verdict("first-exit", "io", engine::Outcome::passed), true);
    engine::record_attempt(p, "test/exercises", verdict("first-exit", "io", engine::Outcome::unresolved), false);
    const auto& attempts = p.lessons.at("test/exercises").exercises.at("first-exit").attempts;
    REQUIRE(attempts.size() == 2);  // unresolved is not an attempt
    CHECK_FALSE(attempts[0].passed);
    CHECK(attempts[1].passed);
    CHECK(attempts[1].replay);
    CHECK(p.lessons.at("test/exercises").exercises.at("first-exit").passed());
}

TEST_CASE("A run whose every step is done records its measurements", "[unit][progress]") {
    // The fixture's last step fails: a lesson without it finishes.
    engine::Lesson lesson = tests::exercise_fixture_lesson();
    lesson.steps.pop_back();
    engine::Session session(lesson, *lesson.resolve_options({}));
    REQUIRE(session.run_to_end());
    engine::Progress p;
    engine::record_run(p, session.snapshot());
    const auto& m = p.lessons.at("test/exercises").measurements;
    REQUIRE(m);
    CHECK(m->live);
    CHECK(m->values == std::vector<std::pair<std::string, std::string>>{{"VM exits", "3"}, {"budget used", "32 MiB"}});
}

TEST_CASE("Progress survives a round trip through its file", "[unit][progress]") {
    ScratchDir dir;
    engine::ProgressStore store(dir.path / "strata");
    auto saved = store.update([](engine::Progress& p) {
        p.student = "Ada Lovelace";
        engine::record_run(p, fixture_run(3));
        engine::record_attempt(p, "test/exercises", verdict("mount-fails", "eperm", engine::Outcome::passed), false);
    });
    REQUIRE(saved);
    CHECK_FALSE(saved->problem);
    auto loaded = store.load();
    REQUIRE(loaded);
    CHECK(engine::progress_to_json(loaded->progress) == engine::progress_to_json(saved->progress));
    CHECK(loaded->progress.student == "Ada Lovelace");
    CHECK(loaded->progress.lessons.at("test/exercises").exercises.at("mount-fails").passed());
    // No temporary file is left next to it.
    CHECK(dir.names() == std::vector<std::string>{"strata"});
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir.path / "strata")) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{"progress.json", "progress.lock"});
}

TEST_CASE("No file yet is an empty progress, and loading creates nothing", "[unit][progress]") {
    ScratchDir dir;
    engine::ProgressStore store(dir.path / "strata");
    auto loaded = store.load();
    REQUIRE(loaded);
    CHECK(loaded->progress.lessons.empty());
    CHECK_FALSE(loaded->problem);
    CHECK(dir.names().empty());
}

TEST_CASE("A file strata cannot read is moved aside and reported, never overwritten", "[unit][progress]") {
    ScratchDir dir;
    engine::ProgressStore store(dir.path);
    using Row = std::tuple<std::string, std::string, std::string>;
    auto [content, aside_prefix, says] = GENERATE(table<std::string, std::string, std::string>({
        Row{"{\"format\": \"strata-progress\", \"vers", "progress.json.corrupt-", "not valid JSON"},
        Row{"{\"format\": \"strata-progress\", \"version\": 1, \"lessons\": {\"vm/x\": {\"steps\": 7}}}",
            "progress.json.corrupt-", "lessons.vm/x.steps"},
        Row{"[1, 2, 3]", "progress.json.corrupt-", "not a strata progress file"},
        // Found by fuzz_progress_file: a format that is a number once threw out of the reader.
        Row{"{\"format\": 2}", "progress.json.corrupt-", "not a strata progress file"},
        // Found by fuzz_progress_file: a step number too large for an int (a long
        // integer literal parses as a float) was cast, which is undefined.
        Row{"{\"format\": \"strata-progress\", \"version\": 1, \"last_step\": 41111111111111111111111111}",
            "progress.json.corrupt-", "last_step is not a whole number in range"},
        Row{"{\"format\": \"strata-progress\", \"version\": 1, \"last_step\": 2.5}", "progress.json.corrupt-",
            "last_step is not a whole number in range"},
        Row{"{\"format\": \"strata-progress\", \"version\": 99}", "progress.json.newer-", "format version 99"},
    }));
    CAPTURE(content);
    write_file(dir.path / "progress.json", content);

    auto saved = store.update([](engine::Progress& p) { p.student = "Grace"; });
    REQUIRE(saved);
    REQUIRE(saved->problem);
    CHECK_THAT(*saved->problem, Catch::Contains(says));
    CHECK_THAT(*saved->problem, Catch::Contains(aside_prefix));
    // The bad file is kept, byte for byte, under its new name; the new one is fresh.
    fs::path aside;
    for (const auto& e : fs::directory_iterator(dir.path))
        if (e.path().filename().string().starts_with(aside_prefix)) aside = e.path();
    REQUIRE_FALSE(aside.empty());
    CHECK(read_file(aside) == content);
    auto again = store.load();
    REQUIRE(again);
    CHECK_FALSE(again->problem);
    CHECK(again->progress.student == "Grace");
    fs::remove(aside);
}

TEST_CASE("Two stratas saving at once lose nothing", "[unit][progress]") {
    ScratchDir dir;
    const engine::ProgressStore store(dir.path);
    auto worker = [&](const std::string& who) {
        for (int i = 0; i < 40; ++i)
            REQUIRE(store.update([&](engine::Progress& p) {
                p.lessons["test/exercises"].exercises[who].attempts.push_back({std::to_string(i), "x", false, false});
            }));
    };
    std::thread a(worker, "a"), b(worker, "b");
    a.join();
    b.join();
    auto loaded = store.load();
    REQUIRE(loaded);
    CHECK(loaded->progress.lessons["test/exercises"].exercises["a"].attempts.size() == 40);
    CHECK(loaded->progress.lessons["test/exercises"].exercises["b"].attempts.size() == 40);
}

TEST_CASE("Merging another machine's progress follows the stated rules", "[unit][progress]") {
    engine::Progress here, there;
    here.student = "Ada";
    here.updated_at = "2026-11-20T10:00:00Z";
    here.last_lesson = "vm/hello-kvm";
    here.lessons["vm/hello-kvm"].steps["open-kvm"] = {"2026-11-20T09:00:00Z", false};
    here.lessons["vm/hello-kvm"].exercises["first-exit"].attempts = {{"2026-11-20T09:01:00Z", "hlt", false, false}};
    here.lessons["vm/hello-kvm"].measurements = engine::Measurements{"2026-11-20T09:02:00Z", true, {{"VM exits", "23"}}};

    there.student = "Someone else";
    there.updated_at = "2026-11-21T10:00:00Z";
    there.last_lesson = "container/uts";
    there.last_step = 2;
    there.lessons["vm/hello-kvm"].steps["open-kvm"] = {"2026-11-19T09:00:00Z", true};
    there.lessons["vm/hello-kvm"].steps["create-vm"] = {"2026-11-19T09:00:01Z", true};
    there.lessons["vm/hello-kvm"].exercises["first-exit"].attempts = {{"2026-11-19T09:01:00Z", "io", true, false},
                                                                       {"2026-11-20T09:01:00Z", "hlt", false, false}};
    there.lessons["vm/hello-kvm"].measurements = engine::Measurements{"2026-11-19T09:02:00Z", true, {{"VM exits", "40"}}};
    there.lessons["container/uts"].steps["start"] = {"2026-11-21T09:00:00Z", true};

    const auto counts = engine::merge_progress(here, there);
    CHECK(counts.steps == 2);     // create-vm and container/uts start
    CHECK(counts.attempts == 1);  // the "hlt" attempt is the same attempt
    const auto& kvm = here.lessons.at("vm/hello-kvm");
    CHECK(kvm.steps.at("open-kvm").first_done == "2026-11-19T09:00:00Z");
    CHECK(kvm.steps.at("open-kvm").live);
    const auto& attempts = kvm.exercises.at("first-exit").attempts;
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0].answer == "io");  // in time order
    CHECK(kvm.measurements->values.front().second == "23");  // the newer run stays
    CHECK(here.student == "Ada");
    CHECK(here.last_lesson == "container/uts");
    CHECK(here.last_step == 2);

    SECTION("importing the same file again adds nothing") {
        const auto again = engine::merge_progress(here, there);
        CHECK(again.steps == 0);
        CHECK(again.attempts == 0);
    }
}
