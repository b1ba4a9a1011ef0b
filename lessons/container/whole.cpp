// container/whole: the whole container, assembled from an OCI bundle in
// the order runc and crun follow, one step per stage of
// linux::WholeContainer (whole_container.hpp). Every field of config.json
// is shown with the calls it became; a field strata does not apply is named.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <sys/wait.h>

#include "backends/linux/host_files.hpp"
#include "backends/linux/oci_spec.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/shell.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/linux/whole_container.hpp"
#include "engine/lesson_builder.hpp"
#include "engine/shell_io.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/whole";
// What strata's own bundle runs: who it is, and how locked down.
const std::vector<std::string> kDefaultArgs = {
    "/bin/sh", "-c",
    "echo \"hello from $(hostname), pid $$\"; id; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"};

struct State final : engine::LessonState {
    std::string bundle_option;
    std::optional<linux::TempDir> bundle_dir;  // strata's own bundle, written for this run
    std::optional<linux::WholeContainer> box;
};

Result<StepOutcome> read_bundle(Context& ctx, State& s) {
    std::string dir = s.bundle_option;
    if (dir.empty()) {
        // strata's own bundle, written the way `strata bundle DIR` writes it,
        // then read back like anyone's.
        auto rootfs = STRATA_TRY(linux::find_rootfs());
        auto made = STRATA_TRY(linux::TempDir::create("bundle"));
        s.bundle_dir.emplace(std::move(made));
        dir = s.bundle_dir->path().string();
        STRATA_TRY(linux::write_bundle(dir, rootfs, kDefaultArgs));
    }
    STRATA_TRY(linux::host_read(ctx.recorder(), dir + "/config.json", {LayerId::runtime, LayerId::mounts}));
    auto spec = STRATA_TRY(linux::load_oci_bundle(dir));
    auto box = STRATA_TRY(linux::WholeContainer::prepare(ctx.recorder(), std::move(spec)));
    s.box.emplace(std::move(box));
    const auto& read = s.box->spec();
    ctx.facts().set_value("bundle", dir);
    ctx.facts().set_value("fields strata does not apply",
                          read.unsupported.empty() ? "none" : fmt::format("{}", fmt::join(read.unsupported, "; ")));
    return StepOutcome{fmt::format("config.json (OCI {}): {} namespaces, {} mounts, {} capabilities, seccomp {}; {} "
                                   "field(s) strata does not apply",
                                   read.version, read.namespaces.size(), read.mounts.size(), read.capabilities.size(),
                                   read.has_seccomp ? read.seccomp_default : "none", read.unsupported.size())};
}

Result<StepOutcome> create(Context&, State& s) {
    STRATA_TRY(s.box->create());
    return StepOutcome{fmt::format("pid {} in new namespaces; its root {} is sealed read-only", s.box->agent().pid(),
                                   s.box->spec().root)};
}

Result<StepOutcome> cgroup(Context& ctx, State& s) {
    auto r = STRATA_TRY(s.box->cgroup());
    ctx.facts().set_value("cgroup", r.description);
    if (!r.applied) return StepOutcome{"no cgroup this user may write here: the bundle's limits are not applied"};
    return StepOutcome{fmt::format("cgroup {} holds the container{}", r.description,
                                   s.box->has_namespace("cgroup") ? "; its cgroup namespace is rooted there" : "")};
}

Result<StepOutcome> network(Context& ctx, State& s) {
    if (!s.box->has_namespace("network")) return StepOutcome{"no network namespace in the bundle: the host's network"};
    auto links = STRATA_TRY(s.box->network());
    ctx.facts().set_value("interfaces inside", std::to_string(links));
    return StepOutcome{fmt::format("a network stack of its own: {} interface(s), lo up", links)};
}

Result<StepOutcome> rootfs(Context& ctx, State& s) {
    auto dev = STRATA_TRY(s.box->rootfs());
    ctx.facts().set_value("/dev inside", fmt::format("{}", fmt::join(dev, " ")));
    return StepOutcome{fmt::format("pivot_root done: the image is /, with {} mount(s) of the bundle and a /dev of {}",
                                   s.box->spec().mounts.size(), dev.size())};
}

Result<StepOutcome> proc_paths(Context&, State& s) {
    auto done = STRATA_TRY(s.box->proc_paths());
    return StepOutcome{fmt::format("{} of /proc's paths made read-only or masked", done)};
}

Result<StepOutcome> hostname(Context&, State& s) {
    auto set = STRATA_TRY(s.box->hostname());
    return StepOutcome{set ? "its host name is " + s.box->spec().hostname : "no host name of its own in the bundle"};
}

Result<StepOutcome> capabilities(Context&, State& s) {
    auto kept = STRATA_TRY(s.box->capabilities());
    return StepOutcome{fmt::format("{} capabilities kept, every other one gone", kept)};
}

Result<StepOutcome> no_new_privs(Context&, State& s) {
    auto set = STRATA_TRY(s.box->no_new_privs());
    return StepOutcome{set ? "no_new_privs set: no execve can ever gain privileges"
                            : "process.noNewPrivileges is false: left off"};
}

Result<StepOutcome> seccomp(Context&, State& s) {
    auto filter = STRATA_TRY(s.box->seccomp());
    if (!filter) return StepOutcome{"no linux.seccomp in the bundle: every system call allowed"};
    return StepOutcome{"seccomp filter loaded: " + *filter};
}

Result<StepOutcome> start(Context& ctx, State& s) {
    auto run = STRATA_TRY(s.box->start());
    const auto& args = s.box->spec().args;
    ctx.console_write("container$ " + linux::command_label(args) + "\n" + run.out);
    for (const char* key : {"CapEff:", "NoNewPrivs:", "Seccomp:"}) {
        const auto at = run.out.find(key);
        if (at == std::string::npos) continue;
        auto value = run.out.substr(at + std::strlen(key), run.out.find('\n', at) - at - std::strlen(key));
        value.erase(0, value.find_first_not_of(" \t"));
        ctx.facts().set_value(std::string(key, std::strlen(key) - 1), value);
    }
    engine::TableView table;
    table.title = "config.json: what each field became";
    table.columns = {"field", "value", "what strata did"};
    table.rows = s.box->fields();
    const std::size_t applied = table.rows.size();
    for (const auto& skipped : s.box->spec().unsupported) table.rows.push_back({skipped, "", "not applied"});
    table.row_marked.assign(table.rows.size(), false);
    for (std::size_t i = applied; i < table.rows.size(); ++i) table.row_marked[i] = true;
    ctx.facts().set_table(table);
    const int status = WIFEXITED(run.result) ? WEXITSTATUS(run.result) : 128 + WTERMSIG(run.result);
    ctx.facts().set_value("process exit status", std::to_string(status));
    return StepOutcome{fmt::format("the process ran and exited with status {}", status)};
}

Result<int> shell(Context&, State& s) {
    // Every stage of the lockdown is already in place: the shell inherits it.
    const auto io = engine::shell_io();
    return linux::run_shell(s.box->agent(), {"/bin/sh"}, io.in_fd, io.out_fd);
}

std::optional<std::string> bundle_problem(const std::string& dir) {
    if (dir.empty()) return std::nullopt;
    auto spec = linux::load_oci_bundle(dir);
    if (!spec) return spec.error().describe();
    return std::nullopt;
}

}  // namespace

engine::Lesson whole_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    // Without a cgroup it may write, the cgroup stage says so and the rest runs.
    lesson.requirements = {engine::Requirement::userns};
    lesson.options = {
        {"bundle", "an OCI bundle directory (config.json + rootfs); empty: strata's own", {}, "", bundle_problem}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<State>();
        state->bundle_option = options.at("bundle");
        return state;
    };
    lesson.step("read-bundle", "Read the bundle's config.json", {L::runtime, L::mounts}, read_bundle)
        .provides(&State::box, "the bundle");
    lesson
        .step("create", "Namespaces: clone3, the id maps",
              {L::runtime, L::processes, L::namespaces, L::mounts, L::security}, create)
        .provides("the container", [](const State& s) { return s.box && s.box->created(); });
    lesson.step("cgroup", "A cgroup with the bundle's limits", {L::runtime, L::cgroups, L::namespaces}, cgroup);
    lesson.step("network", "Loopback in its own network stack", {L::runtime, L::network}, network);
    lesson.step("rootfs", "Root file system, mounts, /dev, pivot_root", {L::runtime, L::mounts}, rootfs);
    lesson.step("proc-paths", "/proc: masked and read-only paths", {L::runtime, L::mounts, L::security}, proc_paths);
    lesson.step("hostname", "Its host name", {L::runtime, L::namespaces}, hostname);
    lesson.step("capabilities", "Capabilities: the bundle's set only", {L::runtime, L::security}, capabilities);
    lesson.step("no-new-privs", "no_new_privs", {L::runtime, L::security}, no_new_privs);
    lesson.step("seccomp", "The seccomp profile", {L::runtime, L::security}, seccomp);
    lesson.step("start", "Start the process", {L::runtime, L::processes, L::container}, start);
    lesson.interactive_shell = shell;
    return lesson.build();
}

}  // namespace strata::lessons::container
