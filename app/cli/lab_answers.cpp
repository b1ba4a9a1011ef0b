#include "app/cli/lab_answers.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace strata::cli {

namespace {

std::unexpected<engine::Error> bad_file(const std::filesystem::path& file, int line, const std::string& what) {
    return engine::plain_error(fmt::format("{}:{}", file.string(), line), what,
                               "answers files look like: answers: {vm/hello-kvm: {first-exit: io}} (README, `strata lab`)");
}

}  // namespace

engine::Result<LabAnswers> load_lab_answers(const std::filesystem::path& file) {
    LabAnswers out;
    try {
        const YAML::Node root = YAML::LoadFile(file.string());
        if (!root.IsMap()) return bad_file(file, root.Mark().line + 1, "the file must be a mapping with `answers:`");
        for (const auto& kv : root) {
            const std::string key = kv.first.as<std::string>();
            if (key != "student" && key != "answers")
                return bad_file(file, kv.first.Mark().line + 1, "unknown key '" + key + "' (known: student, answers)");
        }
        if (const YAML::Node student = root["student"]; student && !student.IsNull()) {
            if (!student.IsScalar()) return bad_file(file, student.Mark().line + 1, "`student` is a name");
            out.student = student.as<std::string>();
        }
        const YAML::Node answers = root["answers"];
        if (!answers || !answers.IsMap()) return bad_file(file, root.Mark().line + 1, "`answers` maps lesson ids to their answers");
        for (const auto& lesson : answers) {
            const std::string id = lesson.first.as<std::string>();
            if (!lesson.second.IsMap())
                return bad_file(file, lesson.second.Mark().line + 1, id + ": map each exercise id to its answer");
            auto& mine = out.lessons[id];
            for (const auto& answer : lesson.second) {
                if (!answer.second.IsScalar())
                    return bad_file(file, answer.second.Mark().line + 1,
                                    fmt::format("{} {}: an answer is one value", id, answer.first.as<std::string>()));
                mine[answer.first.as<std::string>()] = answer.second.as<std::string>();
            }
        }
    } catch (const YAML::BadFile&) {
        return engine::errno_error("open " + file.string(), errno, "cannot read the answers file");
    } catch (const YAML::Exception& e) {
        return bad_file(file, e.mark.line >= 0 ? e.mark.line + 1 : 1, "YAML: " + e.msg);
    }
    return out;
}

engine::Result<void> add_answer_flag(LabAnswers& answers, const std::string& flag, const std::string& only_lesson) {
    const auto eq = flag.find('=');
    if (eq == std::string::npos || eq == 0)
        return engine::plain_error("--answer", fmt::format("'{}' is not EXERCISE=VALUE", flag),
                                   "e.g. --answer vm/hello-kvm:first-exit=io");
    std::string key = flag.substr(0, eq);
    std::string lesson = only_lesson;
    if (const auto colon = key.find(':'); colon != std::string::npos) {
        lesson = key.substr(0, colon);
        key = key.substr(colon + 1);
    }
    if (lesson.empty())
        return engine::plain_error("--answer", fmt::format("'{}' does not say which lesson it answers", flag),
                                   "with several lessons, write LESSON:EXERCISE=VALUE");
    answers.lessons[lesson][key] = flag.substr(eq + 1);
    return {};
}

}  // namespace strata::cli
