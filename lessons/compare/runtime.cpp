// compare/runtime: strata's whole container next to crun's default one, the
// same probe run as the process of each (backends/linux/isolation_probe),
// one table with every difference explained. strata's container is
// container/whole's, from strata's bundle; crun's is `crun spec`'s default
// with the same image as its root.
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "backends/linux/captured_run.hpp"
#include "backends/linux/isolation_probe.hpp"
#include "backends/linux/oci_spec.hpp"
#include "backends/linux/program_timer.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/sweep.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/linux/traced.hpp"
#include "backends/measure/oci_bundle.hpp"
#include "engine/lesson_builder.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::compare {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

const std::string kId = "compare/runtime";

struct State final : engine::LessonState {
    std::optional<linux::TempDir> dir;
    std::map<std::string, std::string> host_ns, ours, theirs;
    std::string crun_missing;  // why crun's column is empty, if it is
};

std::vector<std::string> probe_args() { return {"/bin/sh", "-c", linux::isolation_probe_script()}; }

Result<void> make_dir(State& s) {
    if (s.dir) return {};
    auto dir = STRATA_TRY(linux::TempDir::create("runtime"));
    s.dir.emplace(std::move(dir));
    return {};
}

Result<StepOutcome> strata_container(Context& ctx, State& s) {
    STRATA_TRY(make_dir(s));
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    const std::string bundle = (s.dir->path() / "strata").string();
    STRATA_TRY(linux::write_bundle(bundle, rootfs, probe_args()));
    auto host = STRATA_TRY(container::host_namespaces(ctx, "self"));
    s.host_ns = host;
    // container/whole builds it, every call recorded here as well.
    const engine::Lesson* whole = catalogue().find("container/whole");
    if (!whole) return engine::plain_error(kId, "container/whole is missing from the course");
    auto options = STRATA_TRY(whole->resolve_options({{"bundle", bundle}}));
    const auto offset = ctx.recorder().now();
    engine::Session session(*whole, options);
    session.set_listener([&ctx, offset](const engine::TraceEvent& event) {
        auto copy = event;
        copy.start += offset;
        copy.step = -1;  // this lesson's step, not container/whole's
        ctx.recorder().record(std::move(copy));
    });
    if (auto r = session.run_to_end(); !r) return std::unexpected(r.error().with_context("strata's whole container"));
    s.ours = linux::parse_probe_output(session.snapshot().console);
    linux::classify_namespaces(s.ours, s.host_ns);
    ctx.console_write("strata's container:\n" + session.snapshot().console);
    return StepOutcome{fmt::format("the probe ran in strata's whole container: {} answers", s.ours.size())};
}

// crun's own default config.json (`crun spec`), pointed at strata's image
// and running the probe.
Result<std::string> crun_bundle(Context& ctx, State& s, const std::string& crun, const std::string& rootfs) {
    const std::string bundle = (s.dir->path() / "crun").string();
    std::filesystem::create_directories(bundle);
    auto spec = STRATA_TRY(linux::run_captured(ctx.recorder(), {crun, "spec", "--bundle", bundle}, "crun spec",
                                    std::chrono::seconds(10), 1 << 20, {LayerId::processes}));
    if (!spec.exited_ok) return engine::plain_error("crun spec", spec.err);
    std::ifstream in(bundle + "/config.json");
    auto config = nlohmann::json::parse(in, nullptr, false);
    if (config.is_discarded()) return engine::plain_error("crun spec", "wrote no valid config.json");
    config["process"]["terminal"] = false;
    config["process"]["args"] = probe_args();
    config["root"]["path"] = rootfs;
    std::ofstream(bundle + "/config.json") << config.dump(2);
    return bundle;
}

Result<StepOutcome> crun_container(Context& ctx, State& s) {
    STRATA_TRY(make_dir(s));
    const std::string crun = linux::find_program("crun");
    if (crun.empty()) s.crun_missing = "crun is not installed (apt install crun)";
    else if (::geteuid() != 0) s.crun_missing = "crun runs its default (rootful) container as root only";
    if (!s.crun_missing.empty()) return StepOutcome{s.crun_missing + ": its column stays empty"};
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    auto bundle = STRATA_TRY(crun_bundle(ctx, s, crun, rootfs));
    // crun names its cgroups after the container; the id removes them if
    // strata is stopped before crun could.
    const linux::PeerContainerId id("runtime");
    std::vector<std::string> run = {crun, "--root", (s.dir->path() / "crun-state").string(), "run", "--bundle",
                                    bundle, id.id()};
    // crun 1.8 refuses hybrid cgroups (v1 controllers and a v2 tree): it
    // runs without the v2 tree, as in `strata bench`.
    run = measure::for_crun_here(std::move(run));
    auto ran = STRATA_TRY(linux::run_captured(ctx.recorder(), run, "crun run (its default container)", std::chrono::seconds(20),
                                   1 << 20, {LayerId::processes, LayerId::namespaces, LayerId::container}));
    ctx.console_write("crun's container:\n" + ran.out + ran.err);
    s.theirs = linux::parse_probe_output(ran.out);
    linux::classify_namespaces(s.theirs, s.host_ns);
    if (s.theirs.empty())
        return engine::plain_error("crun run", "the probe printed nothing: " + ran.err,
                                   "run the same command by hand to see crun's own message");
    return StepOutcome{fmt::format("the probe ran in crun's default container: {} answers", s.theirs.size())};
}

const char* why(const linux::ProbeComparison& row) {
    if (row.key == "CapEff")
        return "strata's are held in a user namespace of its own: they reach only what it owns; crun's are the "
               "host's";
    if (row.key == "NS_user") return "by design: container root is a subordinate uid outside, not host root";
    if (row.key == "NS_cgroup") return "strata's bundle asks for a cgroup namespace; crun's default does not";
    if (row.key == "Seccomp") return "crun's default has no seccomp profile; strata's denies by default";
    if (row.key == "UNSHARE") return "strata's seccomp profile refuses clone/unshare with namespace flags";
    if (row.key == "ENVIRON") return "strata's PID 1 is its agent, environment wiped; crun's is the process";
    if (row.key == "MOUNTS") return "strata adds /sys read-only and binds devices; crun masks with more mounts";
    if (row.key == "HOSTNAME") return "each bundle names its container";
    return "";
}

Result<StepOutcome> compare(Context& ctx, State& s) {
    const auto rows = linux::compare_probes(s.ours, s.theirs);
    engine::TableView table;
    table.title = "strata's whole container vs crun's default";
    table.columns = {"probe", "strata", s.crun_missing.empty() ? "crun" : "crun (not run)", "strata is", "why"};
    int stricter = 0, same = 0, looser = 0;
    for (const auto& row : rows) {
        const char* verdict = row.verdict == linux::Strictness::stricter ? "stricter"
                              : row.verdict == linux::Strictness::same    ? "the same"
                              : row.verdict == linux::Strictness::looser  ? "LOOSER"
                                                                          : "-";
        stricter += row.verdict == linux::Strictness::stricter;
        same += row.verdict == linux::Strictness::same;
        looser += row.verdict == linux::Strictness::looser;
        table.rows.push_back({row.what, row.ours, row.theirs, verdict, row.verdict == linux::Strictness::same ? "" : why(row)});
        table.row_marked.push_back(row.verdict != linux::Strictness::same);
        ctx.facts().set_value("strata: " + row.key, row.ours);
        ctx.facts().set_value("crun: " + row.key, row.theirs);
        ctx.facts().set_value("verdict: " + row.key, verdict);
    }
    ctx.facts().set_table(table);
    linux::record_note(ctx.recorder(), fmt::format("compare {} probes", rows.size()), {LayerId::runtime},
                       fmt::format("strata stricter on {}, the same on {}, looser on {}", stricter, same, looser));
    ctx.facts().set_value("probes stricter in strata", std::to_string(stricter));
    ctx.facts().set_value("probes looser in strata", std::to_string(looser));
    if (!s.crun_missing.empty()) return StepOutcome{"strata's answers only: " + s.crun_missing};
    return StepOutcome{fmt::format("strata's container is stricter on {} probes, the same on {}, looser on {}",
                                   stricter, same, looser)};
}

}  // namespace

engine::Lesson runtime_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson.step("strata", "The probe in strata's whole container",
                {L::runtime, L::processes, L::namespaces, L::mounts, L::security, L::cgroups, L::network, L::container},
                strata_container);
    lesson.step("crun", "The probe in crun's default container", {L::processes, L::namespaces, L::container},
                crun_container);
    lesson.step("compare", "Side by side", {L::runtime}, compare);
    return lesson.build();
}

}  // namespace strata::lessons::compare
