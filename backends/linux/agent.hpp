// Agent: strata's hand inside a container. Agent::start clones a process
// into the namespaces asked for; each method then makes one call in that
// process and records it (name, decoded flags, result or errno, layers).
//
// The agent dies with strata: PR_SET_PDEATHSIG, the socket's EOF, and, when
// it is PID 1 of its own PID namespace, the kernel kills everything inside
// with it. Destroying an Agent kills and reaps it.
#pragma once

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/linux/agent_protocol.hpp"
#include "backends/linux/child_process.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/linux/traced.hpp"
#include "backends/sys/fd.hpp"

namespace strata::linux {

struct AgentReply {
    std::int64_t result = 0;
    std::string out;
    std::chrono::nanoseconds inside{};  // the call's duration, measured in the agent
    sys::Fd fd;                         // an fd the agent handed out (net_socket), else invalid
};

// How one agent call is recorded.
struct CallSpec {
    std::string name;               // "sethostname(\"strata-box\")"
    std::string syscall;            // for the hint: "sethostname"
    std::vector<LayerId> layers;
    std::vector<EventArg> args = {};
    EventKind kind = EventKind::syscall;
    std::string detail = {};
    bool failure_is_result = false;  // an errno is an expected observation, not an error
};

struct AgentOptions {
    std::uint64_t clone_flags = 0;
    // With CLONE_NEWUSER: map uid/gid 0 inside to strata's uid/gid right
    // away. container/user leaves it off to show the unmapped state first.
    bool map_root = true;
    // With CLONE_NEWNS: the image is read-only from outside (sealed_image.hpp).
    bool seal_image = true;
    std::string image;  // the root file system to seal; empty: strata's image (find_rootfs)
    std::string who = "container";  // for labels: "container", "peer"
};

class Agent {
public:
    static Result<Agent> start(Recorder& recorder, AgentOptions options);
    Agent(Agent&&) noexcept = default;
    Agent& operator=(Agent&&) noexcept = default;
    ~Agent();

    pid_t pid() const { return process_->pid(); }  // as the host sees it
    std::uint64_t clone_flags() const { return flags_; }
    // Where the container sees strata's image, sealed read-only
    // (sealed_image.hpp): a directory of strata's temp dir the image is
    // bound on in the container's mount namespace only. Empty when the
    // container has no mount namespace of its own.
    const std::string& image() const { return image_; }
    Recorder& recorder() { return *recorder_; }
    // Kills the agent (a cancel from another thread); pending calls fail.
    void kill() const { process_->signal(SIGKILL); }

    // One request, one reply, one event. `tick` runs every `every` while the
    // call is pending (a step sampling cgroup counters), `timeout` bounds it.
    Result<AgentReply> call(const wire::Request& request, const CallSpec& spec,
                            std::function<void()> tick = {},
                            std::chrono::milliseconds every = std::chrono::milliseconds(100),
                            std::chrono::milliseconds timeout = std::chrono::seconds(30),
                            int pass_fd = -1);

    // The calls lessons make, each recorded with its own name and layers.
    // After the id maps: take uid/gid 0 of the namespace (a no-op unless
    // container root is a subordinate uid, container_ids.hpp).
    Result<void> become_root();
    Result<AgentReply> unshare(std::uint64_t flags);
    Result<AgentReply> setns(pid_t target, std::string_view kind, std::uint64_t nstype);
    Result<AgentReply> sethostname(const std::string& name, bool failure_expected = false);
    Result<std::string> gethostname();
    Result<AgentReply> mount(const std::string& source, const std::string& target, const std::string& fstype,
                             std::uint64_t flags, const std::string& data = {});
    Result<AgentReply> umount2(const std::string& target, std::uint64_t flags);
    Result<AgentReply> pivot_root(const std::string& new_root, const std::string& put_old);
    Result<AgentReply> chdir(const std::string& path);
    Result<AgentReply> mkdir(const std::string& path, unsigned mode = 0755);
    Result<std::string> readlink(const std::string& path, std::vector<LayerId> layers);
    Result<std::string> read_file(const std::string& path, std::vector<LayerId> layers);
    Result<AgentReply> write_file(const std::string& path, const std::string& bytes, std::vector<LayerId> layers);
    Result<std::vector<std::string>> list_dir(const std::string& path, std::vector<LayerId> layers);
    // "pid ppid uid gid euid" as the agent sees them.
    struct Ids { long pid, ppid, uid, gid, euid; };
    Result<Ids> ids(std::vector<LayerId> layers);
    // Runs a program inside (fork + execve), output captured. result = wait
    // status. `env` empty: a fixed PATH, HOME, TERM.
    Result<AgentReply> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                           const std::vector<std::string>& env = {});
    Result<AgentReply> uname(std::vector<LayerId> layers);
    // Runs `code` (machine code of `uint64_t f(uint64_t)`, position-independent)
    // inside, on `argument`: result = f(argument), inside = how long f ran.
    Result<AgentReply> run_code(std::span<const std::uint8_t> code, std::uint64_t argument, const std::string& what);

    // Network (agent_net.cpp). net_socket opens a NETLINK_ROUTE socket in the
    // agent's network namespace and hands it to strata (see netlink.hpp).
    Result<sys::Fd> net_socket();
    Result<AgentReply> udp_bind(const std::string& address, std::uint16_t port);
    Result<AgentReply> udp_send(const std::string& address, std::uint16_t port, const std::string& payload);
    // -> out = "from-ip:port\npayload"
    Result<AgentReply> udp_recv(std::chrono::milliseconds timeout);
    // ICMP echo, `count` times; -> out = round-trip times in ns, space separated.
    Result<AgentReply> ping(const std::string& address, int count, const std::string& payload);

    // Lockdown (agent_lockdown.cpp). `keep` is a capability bit mask; the
    // names are for the label (from libcap).
    Result<AgentReply> drop_caps(std::uint64_t keep, const std::string& kept_names);
    Result<AgentReply> no_new_privs();
    // /proc's read-only and masked paths (needs /proc mounted inside); both
    // lists empty: runc's defaults. out = one line per path done.
    Result<AgentReply> harden_proc(const std::vector<std::string>& readonly_paths = {},
                                   const std::vector<std::string>& masked_paths = {});
    // Loads a compiled filter (struct sock_filter[]). failure_expected: the
    // refusal is what the step shows (no_new_privs not set yet).
    Result<AgentReply> seccomp(const std::vector<std::uint8_t>& bpf, const std::string& what, bool failure_expected);

    std::uint64_t flags_ = 0;

private:
    Agent() = default;
    Recorder* recorder_ = nullptr;
    std::optional<TempDir> image_dir_;  // outlives the process: removed after it is reaped
    std::string image_;
    std::unique_ptr<ChildProcess> process_;
    sys::Fd socket_;
};

// A command line as a label: an argument with newlines, or a long one,
// shown by its start and its size (a probe script is not a name).
std::string command_label(const std::vector<std::string>& argv);

// Fills a request's string field, refusing what does not fit.
Result<void> set_string(char (&field)[wire::kStringSize], const std::string& value);

}  // namespace strata::linux
