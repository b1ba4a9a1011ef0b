// container/overlay: how images work. overlayfs stacks a writable "upper"
// directory on a read-only "lower" one (the image); a write inside lands in
// upper, the image never changes, and many containers share one image.
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "backends/linux/container_ids.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/temp_dir.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

namespace fs = std::filesystem;
const std::string kId = "container/overlay";
// The image belongs to root outside; a rootless container's root cannot
// change it (root inside is you outside), but anyone may add files in
// /tmp (mode 1777). Adding a file there makes overlayfs copy /tmp up.
const std::string kFile = "/tmp/note.txt";

struct Box {
    std::optional<linux::Agent> agent;
    fs::path upper, work, merged;
};

struct State final : engine::LessonState {
    std::string lower;
    std::optional<linux::TempDir> dir;
    Box a, b;
};

// Disk blocks actually used by a tree (what `du` reports), in KiB.
std::uint64_t disk_kib(const fs::path& root) {
    std::uint64_t blocks = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st{};
        if (::lstat(it->path().c_str(), &st) == 0) blocks += std::uint64_t(st.st_blocks);
    }
    return blocks / 2;  // st_blocks counts 512-byte units
}

Result<void> make_dirs(State& s, Box& box, const std::string& name) {
    box.upper = s.dir->path() / (name + "-upper");
    box.work = s.dir->path() / (name + "-work");
    box.merged = s.dir->path() / (name + "-merged");
    std::error_code ec;
    for (const auto& d : {box.upper, box.work, box.merged})
        if (!fs::create_directory(d, ec)) return engine::plain_error("mkdir " + d.string(), ec.message());
    return {};
}

Result<void> start_and_mount(Context& ctx, State& s, Box& box, const std::string& who) {
    auto agent = STRATA_TRY(start_container(ctx, CLONE_NEWNS, who));
    box.agent.emplace(std::move(agent));
    STRATA_TRY(box.agent->mount("", "/", "", MS_REC | MS_PRIVATE));
    const std::string options =
        fmt::format("lowerdir={},upperdir={},workdir={}", s.lower, box.upper.string(), box.work.string());
    if (auto r = box.agent->mount("overlay", box.merged.string(), "overlay", 0, options); !r) {
        auto e = r.error();
        if (e.errno_value == EINVAL || e.errno_value == ENODEV || e.errno_value == EPERM)
            e.hint += "; overlayfs unavailable or refused here: unprivileged overlay mounts need Linux 5.11+, and "
                      "the upper directory must be on a file system that supports it (not another overlay, not NFS)";
        return std::unexpected(e);
    }
    return {};
}

Result<StepOutcome> prepare(Context& ctx, State& s) {
    auto lower = STRATA_TRY(linux::find_rootfs());
    s.lower = lower;
    auto dir = STRATA_TRY(linux::TempDir::create("overlay"));
    s.dir.emplace(std::move(dir));
    {
        // overlayfs copies a file up with its owner, and root inside cannot
        // create files owned by a uid its map lacks (the image's uid 0
        // outside: container root is never host root): EOVERFLOW. Rootless
        // runtimes keep images owned by the container's ids for this
        // reason; so does this lesson, with a copy of the shared image.
        const fs::path copy = s.dir->path() / "image";
        std::error_code ec;
        fs::copy(s.lower, copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
        if (ec) return engine::plain_error("copy image to " + copy.string(), ec.message());
        linux::record_note(ctx.recorder(), "cp -a image " + copy.string(), {LayerId::runtime, LayerId::mounts},
                           "the image must belong to a uid the user namespace maps");
        s.lower = copy.string();
    }
    STRATA_TRY(make_dirs(s, s.a, "a"));
    STRATA_TRY(make_dirs(s, s.b, "b"));
    STRATA_TRY(linux::hand_to_container(s.dir->path()));
    STRATA_TRY(linux::host_read(ctx.recorder(), s.lower + "/etc/motd", {LayerId::runtime, LayerId::mounts}));
    const auto kib = disk_kib(s.lower);
    ctx.facts().set_value("image (lower) on disk", fmt::format("{} KiB", kib));
    return StepOutcome{fmt::format("image {} ({} KiB); per container: an empty upper and work directory", s.lower, kib)};
}

Result<StepOutcome> mount_a(Context& ctx, State& s) {
    STRATA_TRY(start_and_mount(ctx, s, s.a, "container A"));
    auto ls = STRATA_TRY(s.a.agent->list_dir(s.a.merged.string() + "/bin", {LayerId::runtime, LayerId::mounts}));
    return StepOutcome{fmt::format("container A sees the image through the overlay ({} programs in /bin)", ls.size())};
}

Result<StepOutcome> write_inside(Context& ctx, State& s) {
    const std::vector<LayerId> layers = {LayerId::runtime, LayerId::mounts};
    STRATA_TRY(s.a.agent->write_file(s.a.merged.string() + kFile, "written by container A\n", layers));
    auto busybox = STRATA_TRY(image_busybox(*s.a.agent));
    auto dd = STRATA_TRY(s.a.agent->run({busybox, "dd", "if=/dev/zero", "of=" + s.a.merged.string() + "/tmp/big", "bs=1024",
                              "count=256"}));
    ctx.console_write("container A$ dd if=/dev/zero of=/tmp/big bs=1024 count=256\n" + dd.out);
    // From outside: where did the bytes go?
    auto upper = STRATA_TRY(linux::host_read(ctx.recorder(), s.a.upper.string() + kFile, layers));
    std::error_code ec;
    const bool in_upper = upper == "written by container A\n" && fs::file_size(s.a.upper / "tmp/big", ec) == 256 * 1024;
    const bool lower_clean = !fs::exists(s.lower + kFile) && !fs::exists(s.lower + "/tmp/big");
    ctx.facts().set_value("upper holds the writes", in_upper ? "yes" : "no");
    ctx.facts().set_value("lower untouched", lower_clean ? "yes" : "no");
    if (!lower_clean) return engine::plain_error(kId, "the image changed: the overlay did not protect it");
    return StepOutcome{"both files landed in A's upper directory (overlayfs copied /tmp up first); the image's "
                       "/tmp is still empty"};
}

Result<StepOutcome> second_container(Context& ctx, State& s) {
    STRATA_TRY(start_and_mount(ctx, s, s.b, "container B"));
    auto entries = STRATA_TRY(s.b.agent->list_dir(s.b.merged.string() + "/tmp", {LayerId::runtime, LayerId::mounts}));
    auto motd = STRATA_TRY(s.b.agent->read_file(s.b.merged.string() + "/etc/motd", {LayerId::runtime, LayerId::mounts}));
    ctx.facts().set_value("B reads the image's files", motd.empty() ? "no" : "yes");
    ctx.facts().set_value("B sees A's files", entries.empty() ? "no" : "yes");
    return StepOutcome{fmt::format("container B reads the same image (/etc/motd: {:?}) but its /tmp holds {} entries",
                                   trim(motd), entries.size())};
}

Result<StepOutcome> disk_use(Context& ctx, State& s) {
    const auto lower = disk_kib(s.lower), a = disk_kib(s.a.upper), b = disk_kib(s.b.upper);
    linux::record_note(ctx.recorder(), "du lower, upper A, upper B", {LayerId::runtime, LayerId::mounts},
                       fmt::format("{} KiB, {} KiB, {} KiB", lower, a, b));
    ctx.facts().set_value("container A's upper on disk", fmt::format("{} KiB", a));
    ctx.facts().set_value("container B's upper on disk", fmt::format("{} KiB", b));
    ctx.facts().set_table({"disk use",
                           {"layer", "KiB", "shared"},
                           {{"image (lower)", std::to_string(lower), "by both"},
                            {"container A (upper)", std::to_string(a), "no"},
                            {"container B (upper)", std::to_string(b), "no"}},
                           {}});
    return StepOutcome{fmt::format("two containers cost {} KiB of image once, plus {} and {} KiB of their own",
                                   lower, a, b)};
}

}  // namespace

engine::Lesson overlay_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    const std::vector<L> start = {L::runtime, L::processes, L::namespaces, L::security, L::mounts};
    lesson.step("prepare", "Image, upper and work directories", {L::runtime, L::mounts}, prepare)
        .provides(&State::dir, "the directories");
    lesson.step("mount-overlay", "Mount the overlay for container A", start, mount_a)
        .provides("container A", [](const State& s) { return s.a.agent.has_value(); });
    lesson.step("write-inside", "Write inside, look outside", {L::runtime, L::mounts, L::processes, L::container},
                write_inside);
    lesson.step("second-container", "A second container, the same image", start, second_container)
        .provides("container B", [](const State& s) { return s.b.agent.has_value(); });
    lesson.step("disk-use", "Measure disk use", {L::runtime, L::mounts}, disk_use);
    return lesson.build();
}

}  // namespace strata::lessons::container
