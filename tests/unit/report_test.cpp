// Lab reports: the JSON says what the progress says, and the HTML is one
// self-contained page in which nothing a run recorded can become markup.
#include <catch2/catch.hpp>

#include "engine/exercise_parse.hpp"
#include "engine/report.hpp"
#include "tests/unit/exercise_fixture.hpp"

using namespace strata;

namespace {

const std::string kExercises = R"(---
exercises:
  - id: first-exit
    kind: predict
    step: run
    prompt: "Which exit <first>?"
    choices:
      - {id: io, text: IO, when: {event: {kind: vm-exit, position: first, name: "exit: IO*"}}}
      - {id: hlt, text: HLT, when: {event: {kind: vm-exit, position: first, name: "exit: HLT"}}}
    hints: [{text: look}]
  - id: untried
    kind: predict
    step: boot
    prompt: Not tried yet
    choices:
      - {id: a, text: A, when: {event: {kind: ioctl}}}
      - {id: b, text: B, when: {event: {kind: syscall}}}
---
)";

engine::Progress sample_progress() {
    engine::Progress p;
    auto& lesson = p.lessons["test/exercises"];
    lesson.steps["boot"] = {"2026-11-24T10:00:00Z", true};
    lesson.steps["run"] = {"2026-11-24T10:00:01Z", false};
    lesson.exercises["first-exit"].attempts = {{"2026-11-24T10:00:02Z", "hlt", false, false},
                                               {"2026-11-24T10:05:00Z", "io", true, false}};
    lesson.exercises["retired"].attempts = {{"2026-11-20T10:00:00Z", "x", true, true}};
    lesson.measurements = engine::Measurements{"2026-11-24T10:06:00Z", true,
                                               {{"VM exits", "23"}, {"guest said", "<script>alert('x')</script>"}},
                                               {{"budget", "12"}}};
    p.lessons["gone/lesson"].steps["a"] = {"2026-11-01T00:00:00Z", true};
    return p;
}

engine::LabReport sample_report(const engine::LessonExercises& exercises) {
    const engine::CourseLesson course[] = {{&tests::exercise_fixture_lesson(), &exercises, ""}};
    return engine::build_report(sample_progress(), course, "Ada \"The Countess\" & <Co>",
                                {{"Kernel", "6.1.0-56-amd64"}, {"KVM", "hardware-assisted"}, {"cgroups", "v2"}}, "0.1.0");
}

}  // namespace

TEST_CASE("A lab report lists every lesson with its steps, exercises, attempts and measurements", "[unit][report]") {
    auto exercises = engine::parse_exercises(kExercises, "fixture.md", tests::exercise_fixture_lesson());
    REQUIRE(exercises);
    const auto json = nlohmann::json::parse(engine::report_to_json(sample_report(*exercises)).dump());

    CHECK(json["format"] == "strata-lab-report");
    CHECK(json["student"] == "Ada \"The Countess\" & <Co>");
    CHECK(json["machine"][0] == nlohmann::json::array({"Kernel", "6.1.0-56-amd64"}));
    REQUIRE(json["lessons"].size() == 2);  // the course's lesson, then the one the course no longer has
    const auto& lesson = json["lessons"][0];
    CHECK(lesson["id"] == "test/exercises");
    CHECK(lesson["steps_total"] == 3);
    CHECK(lesson["steps_done"] == nlohmann::json::array({"boot", "run"}));
    CHECK(lesson["any_live"] == true);
    REQUIRE(lesson["exercises"].size() == 3);  // two authored, one only in the progress
    CHECK(lesson["exercises"][0]["id"] == "first-exit");
    CHECK(lesson["exercises"][0]["attempts"] == 2);
    CHECK(lesson["exercises"][0]["passed"] == true);
    CHECK(lesson["exercises"][0]["first_passed_at"] == "2026-11-24T10:05:00Z");
    CHECK(lesson["exercises"][0]["last_answer"] == "io");
    CHECK(lesson["exercises"][1]["id"] == "untried");
    CHECK(lesson["exercises"][1]["attempts"] == 0);
    CHECK(lesson["exercises"][2]["id"] == "retired");
    CHECK(lesson["exercises"][2]["replay_only"] == true);
    CHECK(lesson["exercises_passed"] == 2);
    CHECK(lesson["measurements"]["values"][0] == nlohmann::json::array({"VM exits", "23"}));
    CHECK(lesson["measurements"]["options"]["budget"] == "12");
    CHECK(json["lessons"][1]["id"] == "gone/lesson");
}

TEST_CASE("The HTML report escapes everything a run recorded and needs nothing external", "[unit][report]") {
    auto exercises = engine::parse_exercises(kExercises, "fixture.md", tests::exercise_fixture_lesson());
    REQUIRE(exercises);
    const std::string html = engine::report_to_html(sample_report(*exercises));

    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<style>") != std::string::npos);  // inline CSS
    for (const char* external : {"<script", "<link", "src=", "href=", "@import", "url("}) {
        CAPTURE(external);
        CHECK(html.find(external) == std::string::npos);
    }
    CHECK(html.find("Ada &quot;The Countess&quot; &amp; &lt;Co&gt;") != std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("Which exit &lt;first&gt;?") != std::string::npos);
    CHECK(html.find("6.1.0-56-amd64") != std::string::npos);
    CHECK(html.find("Steps done: 2 of 3") != std::string::npos);
    CHECK(html.find("<code>budget=12</code>") != std::string::npos);
    CHECK(html.find("2 lessons started; 2 of 3 exercises passed") != std::string::npos);
}

TEST_CASE("html_escape turns every markup character into an entity", "[unit][report]") {
    CHECK(engine::html_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
    CHECK(engine::html_escape("plain") == "plain");
}
