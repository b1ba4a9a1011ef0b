// Facts as JSON, for recordings and lab reports.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/facts.hpp"

namespace strata::engine {

nlohmann::json facts_to_json(const Facts& facts);
// Validates types; a malformed object gives an Error naming the field.
Result<Facts> facts_from_json(const nlohmann::json& json);

}  // namespace strata::engine
