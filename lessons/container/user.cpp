// container/user: CLONE_NEWUSER gives a process a fresh set of user ids
// and a full set of capabilities *over things that namespace owns*. Root
// inside is whoever started it outside: the uid_map says so.
#include <fmt/format.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/linux/container_ids.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/linux/userns.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/user";

struct State final : engine::LessonState {
    std::optional<linux::TempDir> dir;
    std::optional<linux::Agent> box;
};

const std::vector<LayerId> kUserLayers = {LayerId::runtime, LayerId::namespaces, LayerId::security};

Result<StepOutcome> clone_userns(Context& ctx, State& s) {
    linux::AgentOptions options;
    options.clone_flags = CLONE_NEWUSER;
    options.map_root = false;  // first look at it unmapped
    auto box = STRATA_TRY(linux::Agent::start(ctx.recorder(), options));
    s.box.emplace(std::move(box));
    auto ids = STRATA_TRY(s.box->ids(kUserLayers));
    ctx.facts().set_value("uid inside before the map", std::to_string(ids.uid));
    return StepOutcome{fmt::format("inside, the process is uid {}: no id is mapped yet, so every id shows as the "
                                   "overflow id",
                                   ids.uid)};
}

Result<StepOutcome> write_maps(Context& ctx, State& s) {
    STRATA_TRY(linux::write_id_maps(ctx.recorder(), s.box->pid(), linux::container_ids()));
    STRATA_TRY(s.box->become_root());
    auto map = STRATA_TRY(linux::host_read(ctx.recorder(), fmt::format("/proc/{}/uid_map", s.box->pid()), kUserLayers));
    ctx.facts().set_value("uid_map", trim(map));
    const auto ids = linux::container_ids();
    return StepOutcome{fmt::format("uid_map now reads \"{}\": inside 0 is {} outside, for {} id(s){}", trim(map),
                                   ids.uid, ids.count,
                                   ids.subordinate ? " — a range no host user owns, not strata's own uid 0" : "")};
}

Result<StepOutcome> root_inside(Context& ctx, State& s) {
    auto ids = STRATA_TRY(s.box->ids(kUserLayers));
    auto status = STRATA_TRY(s.box->read_file("/proc/self/status", kUserLayers));
    std::string cap_eff;
    if (auto at = status.find("CapEff:"); at != std::string::npos)
        cap_eff = trim(status.substr(at + 7, status.find('\n', at) - at - 7));
    while (!cap_eff.empty() && (cap_eff.front() == '\t' || cap_eff.front() == ' ')) cap_eff.erase(0, 1);
    ctx.facts().set_value("uid inside", std::to_string(ids.uid));
    ctx.facts().set_value("uid outside", std::to_string(linux::container_ids().uid));
    ctx.facts().set_value("capabilities inside (CapEff)", cap_eff);
    return StepOutcome{fmt::format("inside: uid {} with capabilities {}; outside the same process is uid {}",
                                   ids.uid, cap_eff, linux::container_ids().uid)};
}

Result<StepOutcome> can_and_cannot(Context& ctx, State& s) {
    // The host's UTS namespace belongs to the host's user namespace: no.
    auto host = STRATA_TRY(s.box->sethostname("not-allowed", /*failure_expected=*/true));
    ctx.facts().set_value("sethostname on the host's UTS namespace",
                          host.result < 0 ? engine::errno_name(int(-host.result)) : "allowed");
    // A UTS namespace it creates belongs to its user namespace: yes.
    STRATA_TRY(s.box->unshare(CLONE_NEWUTS));
    auto own = STRATA_TRY(s.box->sethostname("mine", /*failure_expected=*/true));
    ctx.facts().set_value("sethostname on its own UTS namespace", own.result < 0 ? engine::errno_name(int(-own.result)) : "allowed");
    if (host.result >= 0) return engine::plain_error(kId, "root in a user namespace renamed the host");
    return StepOutcome{fmt::format("the host's name: {}; a UTS namespace of its own: {}",
                                   engine::errno_name(int(-host.result)), own.result < 0 ? "refused" : "allowed")};
}

Result<StepOutcome> owner_outside(Context& ctx, State& s) {
    auto dir = STRATA_TRY(linux::TempDir::create("user"));
    s.dir.emplace(std::move(dir));
    // strata made the directory; container root may write in it only once
    // it is theirs (as root, container root is a subordinate uid).
    STRATA_TRY(linux::hand_to_container(s.dir->path()));
    const std::string file = (s.dir->path() / "made-by-root-inside").string();
    STRATA_TRY(s.box->write_file(file, "hello from uid 0\n", {LayerId::runtime, LayerId::mounts, LayerId::security}));
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0) return engine::errno_error("stat " + file, errno);
    linux::record_note(ctx.recorder(), "stat(" + file + ")", {LayerId::runtime, LayerId::mounts},
                       fmt::format("owner uid {} on disk", st.st_uid));
    ctx.facts().set_value("file owner seen from outside", std::to_string(st.st_uid));
    return StepOutcome{fmt::format("the file root made inside belongs to uid {} on disk", st.st_uid)};
}

}  // namespace

engine::Lesson user_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson
        .step("clone-newuser", "clone(CLONE_NEWUSER)", {L::runtime, L::processes, L::namespaces, L::security},
              clone_userns)
        .provides(&State::box, "the process");
    lesson.step("write-maps", "Write uid_map and gid_map", {L::runtime, L::namespaces, L::security}, write_maps);
    lesson.step("root-inside", "Root inside", {L::runtime, L::namespaces, L::security}, root_inside);
    lesson.step("can-and-cannot", "What this root can and cannot do", {L::runtime, L::namespaces}, can_and_cannot);
    lesson.step("owner-outside", "Who owns its files outside", {L::runtime, L::mounts, L::security}, owner_outside);
    return lesson.build();
}

}  // namespace strata::lessons::container
