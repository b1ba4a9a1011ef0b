#include "backends/linux/agent.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"
#include "backends/linux/flags.hpp"
#include "backends/linux/image_root.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/sealed_image.hpp"
#include "backends/linux/userns.hpp"
#include "backends/sys/fd_passing.hpp"
#include "engine/stop_request.hpp"

namespace strata::linux {

namespace {

const std::vector<LayerId> kMapLayers = {LayerId::runtime, LayerId::namespaces, LayerId::security};


// First thing in the child: keep only the agent's socket (strata's other
// fds, /dev/kvm included, are none of the container's business), die with
// strata, then serve. The agent is a copy of strata, so it also starts
// with strata's terminal on 0/1/2 and strata's environment in its memory,
// which anything in the container could read from /proc/1/fd and
// /proc/1/environ: stdio goes to /dev/null and the environment is wiped
// (in the copy; strata's own is untouched).
[[noreturn]] void agent_entry(int sock) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (sock > 3) ::syscall(SYS_close_range, 3u, unsigned(sock - 1), 0u);
    ::syscall(SYS_close_range, unsigned(sock + 1), ~0u, 0u);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) {
        if (fd == sock) continue;
        if (null >= 0) ::dup2(null, fd);
        else ::close(fd);
    }
    if (null > 2 && null != sock) ::close(null);
    for (char** entry = environ; entry && *entry; ++entry) std::memset(*entry, 0, std::strlen(*entry));
    agent_side::serve(sock);
}

void sealed_agent_entry(void* sock) { agent_entry(*static_cast<int*>(sock)); }

}  // namespace

std::string command_label(const std::vector<std::string>& argv) {
    constexpr std::size_t kLongest = 120, kShown = 48;
    std::string label;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const auto& a = argv[i];
        std::string shown = a;
        const auto lines = std::count(a.begin(), a.end(), '\n');
        // The program itself is always shown whole.
        if (i > 0 && (lines > 0 || a.size() > kLongest)) {
            shown = a.substr(0, std::min(a.find('\n'), kShown)) + "…";
            shown += lines > 0 ? fmt::format(" ({} lines)", lines + 1) : fmt::format(" ({} bytes)", a.size());
        }
        label += (label.empty() ? "" : " ") + shown;
    }
    return label;
}

Result<void> set_string(char (&field)[wire::kStringSize], const std::string& value) {
    if (value.size() >= wire::kStringSize)
        return engine::plain_error("agent request", fmt::format("'{}' is longer than {} bytes", value, wire::kStringSize - 1));
    std::memcpy(field, value.c_str(), value.size() + 1);
    return {};
}

Result<Agent> Agent::start(Recorder& recorder, AgentOptions options) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return engine::errno_error("socketpair", errno, "cannot make the channel to the agent");
    sys::Fd mine(pair[0]), theirs(pair[1]);

    const std::uint64_t flags = options.clone_flags;
    // A container with a mount namespace of its own gets the image sealed
    // read-only from outside (sealed_image.hpp).
    std::string image;
    if (options.seal_image && (flags & CLONE_NEWNS) && (flags & CLONE_NEWUSER)) {
        if (!options.image.empty()) image = options.image;
        else if (auto found = find_rootfs()) image = *found;
    }
    std::optional<TempDir> seal_point;
    std::string sealed;
    CallRecord call;
    call.start = recorder.now();
    const char* used = "clone3";
    long pid = -1;
    if (!image.empty()) {
        auto point = make_seal_point();
        if (!point) return std::unexpected(point.error());
        seal_point.emplace(std::move(*point));
        sealed = seal_point->path().string();
        int sock = theirs.get();
        auto cloned = clone_with_sealed_image({image, sealed, flags, sealed_agent_entry, &sock});
        if (!cloned) return std::unexpected(cloned.error());
        pid = *cloned;
        record_note(recorder, "seal the image: mount(" + image + ", " + sealed + ", MS_BIND|MS_RDONLY)",
                    {LayerId::runtime, LayerId::mounts},
                    "in a sealing process's own mount namespace; the container's is a copy of it in a less "
                    "privileged user namespace, so the read-only flag is locked: no remount inside can lift it");
    } else {
        pid = clone_process(flags, SIGCHLD, &used);
        if (pid == 0) agent_entry(theirs.get());
    }
    call.duration = recorder.now() - call.start;
    call.error = pid < 0 ? errno : 0;
    call.result = pid;
    call.name = fmt::format("{}({})", used, decode_clone_flags(flags | 0));
    call.args = {{"flags", decode_clone_flags(flags)}, {"for", options.who}};
    if (!sealed.empty()) call.args.push_back({"by", "the sealing process, with CLONE_PARENT"});
    call.layers = {LayerId::runtime, LayerId::processes};
    if (flags & all_namespace_flags()) call.layers.push_back(LayerId::namespaces);
    call.detail = pid > 0 ? fmt::format("the {} is host pid {}", options.who, pid) : "";
    if (auto r = record_call(recorder, std::move(call), used); !r) return std::unexpected(r.error());

    Agent agent;
    agent.recorder_ = &recorder;
    agent.flags_ = flags;
    agent.image_dir_ = std::move(seal_point);
    agent.image_ = sealed;
    agent.process_ = std::make_unique<ChildProcess>(pid_t(pid));
    agent.socket_ = std::move(mine);
    theirs.reset();
    // Run by an ordinary user, the sealer has mapped the sealed container.
    if (!sealed.empty() && ::geteuid() != 0)
        record_note(recorder, "uid_map and gid_map \"0 0 1\", written by the sealer", kMapLayers,
                    "the sealer's root is you, and it may map only itself: root inside is you outside");
    if ((flags & CLONE_NEWUSER) && options.map_root && (sealed.empty() || ::geteuid() == 0)) {
        if (auto r = write_id_maps(recorder, pid_t(pid), container_ids()); !r)
            return std::unexpected(r.error());
        if (auto r = agent.become_root(); !r) return std::unexpected(r.error());
    }
    return agent;
}

Agent::~Agent() {
    if (!process_) return;
    // Closing the socket lets the agent leave on its own; SIGKILL makes sure.
    socket_.reset();
    process_->kill_and_wait();
}

Result<AgentReply> Agent::call(const wire::Request& request, const CallSpec& spec, std::function<void()> tick,
                               std::chrono::milliseconds every, std::chrono::milliseconds timeout, int pass_fd) {
    CallRecord record;
    record.kind = spec.kind;
    record.name = spec.name;
    record.args = spec.args;
    record.layers = spec.layers;
    record.detail = spec.detail;
    record.start = recorder_->now();

    auto lost = [&](int e, const char* what) -> Result<AgentReply> {
        record.error = e;
        record.result = -1;
        record.duration = recorder_->now() - record.start;
        record_call(*recorder_, record, "agent");
        return engine::errno_error(spec.name, e, what,
                                   "strata's agent process inside the container stopped answering: it was killed "
                                   "(cancel, OOM killer) or a call did not return in time");
    };

    if (sys::send_with_fd(socket_.get(), &request, offsetof(wire::Request, data) + request.data_len, pass_fd) < 0)
        return lost(errno, "sending the request failed");

    auto reply = std::make_unique<wire::Reply>();
    sys::Fd passed;  // an fd the agent handed back, if any
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) { kill(); return lost(ETIMEDOUT, "the agent did not answer in time"); }
        // strata asked to stop (a signal): no call waits for its reply,
        // however long it may take (a shell, a memory hog).
        pollfd p[2] = {{socket_.get(), POLLIN, 0}, {engine::stop_fd(), POLLIN, 0}};
        const int wait_ms = int(tick ? std::min(left, every).count() : left.count());
        const int r = ::poll(p, 2, wait_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return lost(errno, "poll");
        if (engine::stop_requested()) { kill(); return lost(ECANCELED, "strata was asked to stop"); }
        if (r == 0) { if (tick) tick(); continue; }
        // Some replies carry an fd (SCM_RIGHTS).
        int fd = -1;
        const ssize_t n = sys::receive_with_fd(socket_.get(), reply.get(), sizeof *reply, fd);
        if (n < 0 && errno == EINTR) continue;
        if (fd >= 0) passed = sys::Fd(fd);
        if (n <= 0) return lost(ECHILD, "the agent exited");
        break;
    }
    record.result = reply->result;
    record.error = spec.failure_is_result ? 0 : reply->error;
    record.duration = recorder_->now() - record.start;
    record.args.push_back({"inside", fmt::format("{:.1f} µs", reply->nanos / 1000.0)});
    if (reply->error && spec.failure_is_result) {
        record.args.push_back({"errno", engine::errno_name(reply->error)});
        record.error = reply->error;  // still shown as failed: the failure is the lesson
    }
    if (reply->error && reply->failed_call[0] && spec.syscall != reply->failed_call)
        record.args.push_back({"failed call", reply->failed_call});
    const int error = reply->error;
    auto recorded = record_call(*recorder_, std::move(record), spec.syscall);
    if (!recorded && !spec.failure_is_result) return std::unexpected(recorded.error());
    AgentReply out;
    out.result = error ? -error : reply->result;
    out.out.assign(reply->out, std::min<std::size_t>(reply->out_len, wire::kOutSize));
    out.inside = std::chrono::nanoseconds(reply->nanos);
    out.fd = std::move(passed);
    return out;
}

namespace {
wire::Request request(wire::Op op) {
    wire::Request r;
    r.op = op;
    return r;
}
#define STRATA_TRY_STRING(field, value) \
    if (auto ok_ = set_string(field, value); !ok_) return std::unexpected(ok_.error())
}  // namespace

Result<void> Agent::become_root() {
    // A process keeps its host uid when it enters a user namespace; the map
    // only says how that uid looks inside. Mapped to a subordinate range,
    // strata's own uid 0 is not in it, so the agent takes uid and gid 0 of
    // its namespace, host uid 100000 or so, as runtimes do after the maps.
    if (!container_ids().subordinate) return {};
    auto rq = request(wire::Op::become_root);
    CallSpec spec{"setresgid(0, 0, 0) + setresuid(0, 0, 0)", "setresuid",
                  {LayerId::runtime, LayerId::namespaces, LayerId::security}};
    spec.detail = fmt::format("root inside is host uid {} from now on", container_ids().uid);
    auto r = call(rq, spec);
    if (!r) return std::unexpected(r.error());
    return {};
}

Result<AgentReply> Agent::unshare(std::uint64_t flags) {
    auto rq = request(wire::Op::unshare);
    rq.n[0] = flags;
    return call(rq, {fmt::format("unshare({})", decode_clone_flags(flags)), "unshare",
                     {LayerId::runtime, LayerId::namespaces}, {{"flags", decode_clone_flags(flags)}}});
}

Result<AgentReply> Agent::setns(pid_t target, std::string_view kind, std::uint64_t nstype) {
    auto rq = request(wire::Op::setns);
    STRATA_TRY_STRING(rq.s[0], fmt::format("/proc/{}/ns/{}", target, kind));
    rq.n[0] = nstype;
    return call(rq, {fmt::format("setns({})", decode_clone_flags(nstype)), "setns",
                     {LayerId::runtime, LayerId::namespaces}, {{"namespace", rq.s[0]}}});
}

Result<AgentReply> Agent::sethostname(const std::string& name, bool failure_expected) {
    auto rq = request(wire::Op::sethostname);
    STRATA_TRY_STRING(rq.s[0], name);
    CallSpec spec{fmt::format("sethostname(\"{}\")", name), "sethostname", {LayerId::runtime, LayerId::namespaces},
                  {{"name", name}}};
    spec.failure_is_result = failure_expected;
    return call(rq, spec);
}

Result<std::string> Agent::gethostname() {
    auto r = call(request(wire::Op::gethostname), {"gethostname()", "gethostname", {LayerId::runtime, LayerId::namespaces}});
    if (!r) return std::unexpected(r.error());
    return r->out;
}

Result<AgentReply> Agent::mount(const std::string& source, const std::string& target, const std::string& fstype,
                                std::uint64_t flags, const std::string& data) {
    auto rq = request(wire::Op::mount);
    STRATA_TRY_STRING(rq.s[0], source);
    STRATA_TRY_STRING(rq.s[1], target);
    STRATA_TRY_STRING(rq.s[2], fstype);
    STRATA_TRY_STRING(rq.s[3], data);
    rq.n[0] = flags;
    std::vector<EventArg> args = {{"source", source.empty() ? "NULL" : source}, {"target", target},
                                  {"flags", decode_mount_flags(flags)}};
    if (!fstype.empty()) args.push_back({"type", fstype});
    if (!data.empty()) args.push_back({"data", data});
    const std::string what = !fstype.empty() ? fstype : decode_mount_flags(flags);
    return call(rq, {fmt::format("mount({}, {})", what, target), "mount", {LayerId::runtime, LayerId::mounts}, args});
}

Result<AgentReply> Agent::umount2(const std::string& target, std::uint64_t flags) {
    auto rq = request(wire::Op::umount2);
    STRATA_TRY_STRING(rq.s[0], target);
    rq.n[0] = flags;
    return call(rq, {fmt::format("umount2({}, {})", target, decode_umount_flags(flags)), "umount2",
                     {LayerId::runtime, LayerId::mounts}, {{"target", target}, {"flags", decode_umount_flags(flags)}}});
}

Result<AgentReply> Agent::pivot_root(const std::string& new_root, const std::string& put_old) {
    auto rq = request(wire::Op::pivot_root);
    STRATA_TRY_STRING(rq.s[0], new_root);
    STRATA_TRY_STRING(rq.s[1], put_old);
    return call(rq, {fmt::format("pivot_root({}, {})", new_root, put_old), "pivot_root",
                     {LayerId::runtime, LayerId::mounts}, {{"new_root", new_root}, {"put_old", put_old}}});
}

Result<AgentReply> Agent::chdir(const std::string& path) {
    auto rq = request(wire::Op::chdir);
    STRATA_TRY_STRING(rq.s[0], path);
    return call(rq, {fmt::format("chdir({})", path), "chdir", {LayerId::runtime, LayerId::mounts}});
}

Result<AgentReply> Agent::mkdir(const std::string& path, unsigned mode) {
    auto rq = request(wire::Op::mkdir);
    STRATA_TRY_STRING(rq.s[0], path);
    rq.n[0] = mode;
    return call(rq, {fmt::format("mkdir({})", path), "mkdir", {LayerId::runtime, LayerId::mounts}});
}

Result<std::string> Agent::readlink(const std::string& path, std::vector<LayerId> layers) {
    auto rq = request(wire::Op::readlink);
    STRATA_TRY_STRING(rq.s[0], path);
    auto r = call(rq, {fmt::format("readlink({})", path), "readlink", std::move(layers), {}, EventKind::file_read});
    if (!r) return std::unexpected(r.error());
    return r->out;
}

Result<std::string> Agent::read_file(const std::string& path, std::vector<LayerId> layers) {
    auto rq = request(wire::Op::read_file);
    STRATA_TRY_STRING(rq.s[0], path);
    auto r = call(rq, {fmt::format("read {}", path), "read", std::move(layers), {}, EventKind::file_read});
    if (!r) return std::unexpected(r.error());
    return r->out;
}

Result<AgentReply> Agent::write_file(const std::string& path, const std::string& bytes, std::vector<LayerId> layers) {
    auto rq = request(wire::Op::write_file);
    STRATA_TRY_STRING(rq.s[0], path);
    if (bytes.size() > wire::kDataSize) return engine::plain_error("write " + path, "too much data for one request");
    std::memcpy(rq.data, bytes.data(), bytes.size());
    rq.data_len = std::uint32_t(bytes.size());
    rq.n[0] = 1;
    return call(rq, {fmt::format("write {}", path), "write", std::move(layers), {{"bytes", std::to_string(bytes.size())}}});
}

Result<std::vector<std::string>> Agent::list_dir(const std::string& path, std::vector<LayerId> layers) {
    auto rq = request(wire::Op::list_dir);
    STRATA_TRY_STRING(rq.s[0], path);
    auto r = call(rq, {fmt::format("getdents64({})", path), "getdents64", std::move(layers), {}, EventKind::file_read});
    if (!r) return std::unexpected(r.error());
    std::vector<std::string> names;
    std::size_t start = 0;
    for (std::size_t i = 0; i < r->out.size(); ++i)
        if (r->out[i] == '\n') { names.push_back(r->out.substr(start, i - start)); start = i + 1; }
    return names;
}

Result<Agent::Ids> Agent::ids(std::vector<LayerId> layers) {
    auto r = call(request(wire::Op::getids), {"getpid(), getppid(), getuid(), getgid()", "getpid", std::move(layers)});
    if (!r) return std::unexpected(r.error());
    Ids ids{};
    if (std::sscanf(r->out.c_str(), "%ld %ld %ld %ld %ld", &ids.pid, &ids.ppid, &ids.uid, &ids.gid, &ids.euid) != 5)
        return engine::plain_error("getpid", "the agent's answer was malformed: " + r->out);
    return ids;
}

Result<AgentReply> Agent::run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                              const std::vector<std::string>& env) {
    auto rq = request(wire::Op::run);
    std::string packed, full;
    for (const auto& a : argv) {
        packed += a;
        packed.push_back('\0');
        full += (full.empty() ? "" : " ") + a;
    }
    const std::string shown = command_label(argv);
    for (const auto& e : env) {
        packed += e;
        packed.push_back('\0');
    }
    if (packed.size() > wire::kDataSize) return engine::plain_error("execve", "command line too long");
    std::memcpy(rq.data, packed.data(), packed.size());
    rq.data_len = std::uint32_t(packed.size());
    rq.n[0] = std::uint64_t(timeout.count());
    rq.n[1] = env.empty() ? 0 : argv.size();
    auto r = call(rq, {fmt::format("fork + execve({})", shown), "execve",
                       {LayerId::runtime, LayerId::processes, LayerId::container}, {{"argv", full}},
                       EventKind::process},
                  {}, std::chrono::milliseconds(100), timeout + std::chrono::seconds(2));
    return r;
}

Result<AgentReply> Agent::uname(std::vector<LayerId> layers) {
    CallSpec spec{"uname()", "uname", std::move(layers)};
    spec.failure_is_result = true;
    return call(request(wire::Op::uname), spec);
}

Result<AgentReply> Agent::run_code(std::span<const std::uint8_t> code, std::uint64_t argument, const std::string& what) {
    if (code.size() > wire::kDataSize) return engine::plain_error("run code", "routine larger than a request");
    auto rq = request(wire::Op::run_code);
    std::memcpy(rq.data, code.data(), code.size());
    rq.data_len = std::uint32_t(code.size());
    rq.n[0] = argument;
    return call(rq, {fmt::format("run {} ({} bytes of machine code)", what, code.size()), "mmap",
                     {LayerId::runtime, LayerId::container, LayerId::processes}, {{"argument", std::to_string(argument)}},
                     EventKind::process},
                {}, std::chrono::milliseconds(100), std::chrono::seconds(60));
}

}  // namespace strata::linux
