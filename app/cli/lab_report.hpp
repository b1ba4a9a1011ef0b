// `strata lab report -o report.html|json`: the learner's progress with the
// machine facts doctor measures, for a TA to collect.
#pragma once

#include <string>

namespace strata::cli {

struct LabReportRequest {
    std::string output;
    std::string student;  // saved in the progress when given
    std::string format;   // html, json; empty: from the extension
};

int run_lab_report(const LabReportRequest& request);

}  // namespace strata::cli
