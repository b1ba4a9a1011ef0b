// `strata lab` and `strata progress` as a user and an autograder run them:
// usage errors (exit 2, before anything runs), listing exercises, moving
// progress between machines, and the report. The exit codes of checks that
// run real lessons are tested in the KVM and container suites.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli/run_strata.hpp"

using strata::tests::run_strata;
namespace fs = std::filesystem;

namespace {

fs::path scratch_file(const std::string& name) { return strata::tests::scratch_state_home() / name; }

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path progress_file() { return strata::tests::scratch_state_home() / "strata" / "progress.json"; }

}  // namespace

TEST_CASE("lab check refuses bad answers before running anything", "[cli][lab]") {
    write_file(scratch_file("bad-key.yaml"), "answers:\n  vm/hello-kvm:\n    first-exit: io\nanswer: typo\n");
    write_file(scratch_file("bad-yaml.yaml"), "answers:\n  vm/hello-kvm: [unclosed\n");
    using Row = std::pair<std::string, std::string>;
    auto [args, expected] = GENERATE(table<std::string, std::string>({
        Row{"lab check vm/helo-kvm", "Did you mean vm/hello-kvm?"},
        Row{"lab check", "needs a lesson id"},
        Row{"lab check container/pid", "no answers to check"},
        Row{"lab check vm/hello-kvm --answer first-exit=maybe", "'maybe' is not one of its choices"},
        Row{"lab check vm/hello-kvm --answer no-such=1", "there is no exercise 'no-such'"},
        Row{"lab check vm/hello-kvm --answer 'print-your-name=mvo x'", "unknown instruction 'mvo'"},
        Row{"lab check container/cgroups --answer oom-the-hog=lots", "a whole number of MiB"},
        Row{"lab check container/pid --answer hide-host-pids=CLONE_VM", "only namespace flags"},
        Row{"lab check vm/hello-kvm container/uts --answer first-exit=io", "does not say which lesson"},
        Row{"lab check vm/hello-kvm --answer justtext", "is not EXERCISE=VALUE"},
        Row{"lab check vm/hello-kvm --exercise nope", "has no exercise 'nope'"},
        Row{"lab check --answers " + scratch_file("bad-key.yaml").string(), "bad-key.yaml:4"},
        Row{"lab check --answers " + scratch_file("bad-yaml.yaml").string(), "bad-yaml.yaml:"},
        Row{"lab check --answers /nonexistent/answers.yaml", "/nonexistent/answers.yaml"},
    }));
    CAPTURE(args);
    const auto run = run_strata(args);
    CHECK(run.status == 2);
    CHECK_THAT(run.output, Catch::Contains(expected));
    CHECK_THAT(run.output, !Catch::Contains("exercises passed"));  // nothing ran
}

TEST_CASE("lab list shows every exercise with the ids an answers file uses", "[cli][lab]") {
    const auto run = run_strata("lab list --json");
    REQUIRE(run.status == 0);
    const auto json = nlohmann::json::parse(run.output, nullptr, false);
    REQUIRE(json.is_array());
    std::size_t lessons_with_exercises = 0;
    for (const auto& lesson : json) {
        if (lesson["exercises"].empty()) continue;
        ++lessons_with_exercises;
        for (const auto& e : lesson["exercises"]) {
            CAPTURE(lesson["lesson"], e["id"]);
            if (e["kind"] == "predict") CHECK(e["choices"].size() >= 2);
            else CHECK_FALSE(e["parameter"]["option"].get<std::string>().empty());
        }
    }
    CHECK(lessons_with_exercises >= 15);
    const auto text = run_strata("lab list vm/hello-kvm");
    CHECK(text.status == 0);
    CHECK_THAT(text.output, Catch::Contains("first-exit") && Catch::Contains("print-your-name"));
}

TEST_CASE("Progress moves between machines by export and import, and a bad import changes nothing", "[cli][progress]") {
    std::error_code ec;
    fs::remove_all(strata::tests::scratch_state_home() / "strata", ec);
    const std::string exported = R"({"format": "strata-progress", "version": 1, "student": "Ada",
      "updated_at": "2026-11-24T10:00:00Z", "last_lesson": "container/uts", "last_step": 1,
      "lessons": {"container/uts": {"steps": {"start": {"first_done": "2026-11-24T09:00:00Z", "live": true},
                                              "unshare-uts": {"first_done": "2026-11-24T09:00:01Z", "live": true}},
                                    "exercises": {"hostname-inside": {"attempts": [
                                        {"at": "2026-11-24T09:00:02Z", "answer": "new-name", "passed": true, "replay": false}]}}}}})";
    write_file(scratch_file("other-machine.json"), exported);

    auto first = run_strata("progress import " + scratch_file("other-machine.json").string());
    CHECK(first.status == 0);
    CHECK_THAT(first.output, Catch::Contains("2 new step(s) and 1 new attempt(s)"));
    auto again = run_strata("progress import " + scratch_file("other-machine.json").string());
    CHECK_THAT(again.output, Catch::Contains("0 new step(s) and 0 new attempt(s)"));

    const auto show = run_strata("progress show");
    CHECK(show.status == 0);
    CHECK_THAT(show.output, Catch::Contains("container/uts") && Catch::Contains("2 of 4 steps done") &&
                                Catch::Contains("1 exercise(s) passed in 1 attempt(s)"));

    const auto out = run_strata("progress export " + scratch_file("exported.json").string());
    CHECK(out.status == 0);
    const auto json = nlohmann::json::parse(read_file(scratch_file("exported.json")), nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(json["student"] == "Ada");
    CHECK(json["lessons"]["container/uts"]["exercises"]["hostname-inside"]["attempts"].size() == 1);

    SECTION("a corrupt file to import is refused and the progress stays as it was") {
        const std::string before = read_file(progress_file());
        write_file(scratch_file("broken.json"), exported.substr(0, exported.size() / 2));
        const auto bad = run_strata("progress import " + scratch_file("broken.json").string());
        CHECK(bad.status == 1);
        CHECK_THAT(bad.output, Catch::Contains("not valid JSON"));
        CHECK(read_file(progress_file()) == before);
    }
    SECTION("a file from a newer strata is refused by name") {
        write_file(scratch_file("newer.json"), R"({"format": "strata-progress", "version": 7})");
        const auto bad = run_strata("progress import " + scratch_file("newer.json").string());
        CHECK(bad.status == 1);
        CHECK_THAT(bad.output, Catch::Contains("format version 7"));
    }
    SECTION("a corrupt progress file of one's own is kept aside and reported") {
        write_file(progress_file(), "{ not json");
        const auto shown = run_strata("progress show");
        CHECK_THAT(shown.output, Catch::Contains("kept as") && Catch::Contains("progress.json.corrupt-"));
        bool kept = false;
        for (const auto& e : fs::directory_iterator(progress_file().parent_path()))
            kept = kept || (e.path().filename().string().starts_with("progress.json.corrupt-") &&
                            read_file(e.path()) == "{ not json");
        CHECK(kept);
    }
}

TEST_CASE("lab report writes JSON and self-contained HTML with the student's name escaped", "[cli][lab]") {
    const auto json_run = run_strata("lab report -o " + scratch_file("report.json").string() + " --name 'Ada <b>Lovelace</b>'");
    REQUIRE(json_run.status == 0);
    const auto json = nlohmann::json::parse(read_file(scratch_file("report.json")), nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(json["format"] == "strata-lab-report");
    CHECK(json["student"] == "Ada <b>Lovelace</b>");
    bool kernel = false, kvm = false, cgroups = false;
    for (const auto& fact : json["machine"]) {
        kernel = kernel || fact[0] == "Kernel";
        kvm = kvm || fact[0] == "KVM";
        cgroups = cgroups || fact[0] == "cgroups";
    }
    CHECK((kernel && kvm && cgroups));
    CHECK(json["lessons"].size() >= 15);

    const auto html_run = run_strata("lab report -o " + scratch_file("report.html").string());
    REQUIRE(html_run.status == 0);
    const std::string html = read_file(scratch_file("report.html"));
    CHECK_THAT(html, Catch::Contains("Ada &lt;b&gt;Lovelace&lt;/b&gt;"));  // the name was remembered
    CHECK_THAT(html, !Catch::Contains("<b>Lovelace"));
    CHECK_THAT(html, !Catch::Contains("<script") && !Catch::Contains("<link") && !Catch::Contains("src="));

    const auto bad = run_strata("lab report -o " + scratch_file("report.txt").string());
    CHECK(bad.status == 2);
    CHECK_THAT(bad.output, Catch::Contains("--format html or json"));
}

TEST_CASE("lab check against the shipped recording: predictions are checked, challenges need a live run (exit 3)",
          "[cli][lab]") {
    const std::string predictions = "lab check vm/hello-kvm --replay --answer first-exit=io --answer exit-count=per-byte";
    const auto right = run_strata(predictions + " --exercise first-exit --exercise exit-count");
    CHECK(right.status == 0);
    CHECK_THAT(right.output, Catch::Contains("(replay)") && Catch::Contains("A real run on Linux") &&
                                 Catch::Contains("2 of 2 exercises passed"));
    const auto wrong = run_strata("lab check vm/hello-kvm --replay --answer first-exit=hlt --exercise first-exit");
    CHECK(wrong.status == 1);
    CHECK_THAT(wrong.output, Catch::Contains("hint:"));
    const auto challenge = run_strata(predictions + " --answer 'print-your-name=hlt' --json");
    CHECK(challenge.status == 3);
    const auto json = nlohmann::json::parse(challenge.output, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(json["exit_code"] == 3);
    const auto& results = json["lessons"][0]["exercises"];
    REQUIRE(results.size() == 3);
    CHECK(results[2]["status"] == "unresolved");
    CHECK(results[2]["needs_live"] == true);
}
