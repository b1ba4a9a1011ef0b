// Answers for `strata lab check`, from a file an autograder writes (YAML,
// or JSON, which is YAML too) and from --answer flags:
//
//   student: Ada Lovelace          # optional
//   answers:
//     vm/hello-kvm:
//       first-exit: io             # predict: the choice's id
//       print-your-name: |         # challenge: the parameter's value
//         mov $0x3f8, %dx
//         ...
//     container/cgroups:
//       oom-the-hog: 64
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/exercise_run.hpp"

namespace strata::cli {

struct LabAnswers {
    std::string student;
    std::map<std::string, engine::Answers> lessons;  // lesson id -> answers
};

engine::Result<LabAnswers> load_lab_answers(const std::filesystem::path& file);
// "[LESSON:]EXERCISE=VALUE"; LESSON may be left out when exactly one
// lesson is being checked (`only_lesson`).
engine::Result<void> add_answer_flag(LabAnswers& answers, const std::string& flag, const std::string& only_lesson);

}  // namespace strata::cli
