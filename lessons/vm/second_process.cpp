#include "lessons/vm/second_process.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/captured_run.hpp"
#include "backends/linux/child_process.hpp"
#include "engine/try.hpp"

namespace strata::lessons::vm {

engine::Result<std::string> strata_program() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return engine::errno_error("readlink /proc/self/exe", ec.value(), "cannot find strata's own program");
    if (self.filename() == "strata") return self.string();
    const auto sibling = self.parent_path() / "strata";
    if (::access(sibling.c_str(), X_OK) == 0) return sibling.string();
    return engine::plain_error("vm/snapshot", fmt::format("this step runs strata as a second process, and there is no "
                                                          "strata program next to {}", self.string()),
                               "build strata (make build) so that build/bin/strata exists");
}

engine::Result<ResumedElsewhere> resume_in_new_process(engine::Recorder& recorder, const std::filesystem::path& file) {
    auto program = STRATA_TRY(strata_program());
    auto run = STRATA_TRY(linux::run_captured(recorder, {program, "snapshot", "resume", file.string(), "--json"},
                                   "strata snapshot resume FILE --json", std::chrono::milliseconds(30000)));
    std::string last;  // the JSON reply is its last line
    for (std::size_t at = 0; at < run.out.size();) {
        auto end = run.out.find('\n', at);
        if (end == std::string::npos) end = run.out.size();
        if (end > at) last = run.out.substr(at, end - at);
        at = end + 1;
    }
    auto reply = nlohmann::json::parse(last, nullptr, false);
    if (!run.exited_ok || reply.is_discarded() || !reply.is_object()) {
        std::string said = run.err.empty() ? run.out : run.err;
        if (said.size() > 600) said = said.substr(0, 600) + "…";
        return engine::plain_error("strata snapshot resume",
                                   fmt::format("the second strata process {}: {}", linux::describe_wait_status(run.wait_status), said));
    }
    ResumedElsewhere out;
    try {
        out.pid = reply.at("pid").get<long>();
        out.validate_ms = reply.at("validate_ms").get<double>();
        out.restore_ms = reply.at("restore_ms").get<double>();
        out.run_ms = reply.at("run_ms").get<double>();
        out.restore_calls = reply.at("restore_calls").get<std::vector<std::string>>();
        out.console = reply.at("console").get<std::string>();
        out.stopped_at = reply.at("stopped_at").get<std::string>();
        out.ok = reply.at("stop").get<std::string>() == "paused";
    } catch (const nlohmann::json::exception& e) {
        return engine::plain_error("strata snapshot resume", std::string("its reply is not what strata writes: ") + e.what());
    }
    return out;
}

}  // namespace strata::lessons::vm
