#include "engine/lesson_builder.hpp"

namespace strata::engine {

Error missing_provision(const std::string& lesson_id, const std::string& what) {
    return {lesson_id, 0, what + " does not exist yet", "run the lesson's steps in order (restart to begin again)"};
}

Error unkept_provision(const std::string& lesson_id, const std::string& step_id, const std::string& what) {
    return {lesson_id, 0, "step " + step_id + " succeeded but " + what + " does not exist",
            "the step must make what it declares it provides"};
}

}  // namespace strata::engine
