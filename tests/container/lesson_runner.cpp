#include "tests/container/lesson_runner.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "tests/support/as_nobody.hpp"
#include "tests/support/host_state.hpp"

namespace strata::tests {

namespace {

using nlohmann::json;

json run_here(const std::string& id) {
    json out;
    out["uid"] = int(::geteuid());
    const auto* lesson = lessons::catalogue().find(id);
    if (!lesson) {
        out["ok"] = false;
        out["error"] = "no lesson " + id;
        return out;
    }
    const auto before = HostState::capture();
    {
        auto options = lesson->resolve_options({});
        engine::Session session(*lesson, *options);
        auto r = session.run_to_end();
        out["ok"] = bool(r);
        if (!r) out["error"] = r.error().describe() + " | hint: " + r.error().hint;
        const auto snap = session.snapshot();
        json events = json::array(), failed = json::array(), problems = json::array();
        for (const auto& e : snap.events) {
            events.push_back(e.name);
            if (e.failed()) failed.push_back(e.name);
        }
        for (int i = 0; i < int(snap.steps.size()); ++i) {
            if (snap.steps[i].status != engine::StepStatus::done) continue;
            const auto check = snap.check_layers(i);
            for (auto l : check.missing) problems.push_back(lesson->steps[i].id + ": missing " + std::string(engine::layer_key(l)));
            for (auto l : check.unexpected)
                problems.push_back(lesson->steps[i].id + ": unexpected " + std::string(engine::layer_key(l)));
        }
        out["events"] = events;
        out["failed_events"] = failed;
        out["layer_problems"] = problems;
        json values = json::object();
        for (const auto& [k, v] : snap.facts.values) values[k] = v;
        out["values"] = values;
        json tables = json::object();
        for (const auto& t : snap.facts.tables) tables[t.title] = t.rows;
        out["tables"] = tables;
        out["console"] = snap.console;
        int done = 0;
        for (const auto& st : snap.steps) done += st.status == engine::StepStatus::done;
        out["steps"] = done;
    }  // the session and its state are gone: everything must be released now
    out["leaks"] = leaks_between(before, HostState::capture());
    return out;
}

LessonRun from_json(const json& j) {
    LessonRun run;
    run.ok = j.value("ok", false);
    run.error = j.contains("error") ? j["error"].get<std::string>() : "";
    run.uid = j.value("uid", -1);
    run.steps = j.value("steps", 0);
    run.console = j.contains("console") ? j["console"].get<std::string>() : "";
    for (const auto& e : j.value("events", json::array())) run.events.push_back(e.get<std::string>());
    for (const auto& e : j.value("failed_events", json::array())) run.failed_events.push_back(e.get<std::string>());
    for (const auto& e : j.value("layer_problems", json::array())) run.layer_problems.push_back(e.get<std::string>());
    for (const auto& e : j.value("leaks", json::array())) run.leaks.push_back(e.get<std::string>());
    const json values = j.value("values", json::object()), tables = j.value("tables", json::object());
    for (const auto& [k, v] : values.items()) run.values[k] = v.get<std::string>();
    for (const auto& [k, v] : tables.items()) run.tables[k] = v.get<std::vector<std::vector<std::string>>>();
    return run;
}

}  // namespace

bool LessonRun::has_event(const std::string& prefix) const { return index_of(prefix) >= 0; }

int LessonRun::index_of(const std::string& prefix, int from) const {
    for (std::size_t i = std::size_t(std::max(from, 0)); i < events.size(); ++i)
        if (events[i].starts_with(prefix)) return int(i);
    return -1;
}

std::string LessonRun::value(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? "" : it->second;
}

LessonRun run_lesson(const std::string& id, RunAs who) {
    if (who == RunAs::root) {
        auto j = run_here(id);
        if (std::getenv("STRATA_TEST_DUMP")) std::fprintf(stderr, "%s\n", j.dump(1).c_str());
        return from_json(j);
    }
    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const bool dropped = tests::become_nobody();
        json out = dropped ? run_here(id) : json{{"ok", false}, {"error", "could not become nobody"}};
        const std::string text = out.dump();
        std::size_t off = 0;
        while (off < text.size()) {
            ssize_t n = ::write(fds[1], text.data() + off, text.size() - off);
            if (n <= 0) break;
            off += std::size_t(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buf[65536];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, std::size_t(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (text.empty()) {
        LessonRun run;
        run.error = "the unprivileged child died without a report (wait status " + std::to_string(status) + ")";
        return run;
    }
    return from_json(json::parse(text));
}

void check_clean(const LessonRun& run) {
    INFO(run.error);
    REQUIRE(run.ok);
    for (const auto& p : run.layer_problems) UNSCOPED_INFO(p);
    CHECK(run.layer_problems.empty());
    for (const auto& l : run.leaks) UNSCOPED_INFO(l);
    CHECK(run.leaks.empty());
}

}  // namespace strata::tests
