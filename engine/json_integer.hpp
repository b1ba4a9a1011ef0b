// Whole numbers read from outside JSON (recordings, progress files,
// outlines). nlohmann's get<Integer>() casts whatever number the JSON
// holds: a float out of the integer's range — 6.3e87, or an integer
// literal too long for 64 bits, which parses as one — makes that cast
// undefined behaviour. Every loader of outside input reads integers here.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

namespace strata::engine {

// Whether `value` is a whole number (not a float) that T can hold.
template <class T>
bool fits_integer(const nlohmann::json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max());
    if (!value.is_number_integer()) return false;
    const auto v = value.get<std::int64_t>();
    return v >= std::int64_t(std::numeric_limits<T>::min()) &&
           (v < 0 || std::uint64_t(v) <= std::uint64_t(std::numeric_limits<T>::max()));
}

// `value` as T, or nlohmann's type_error (which the loaders already turn
// into their error) when it is not a whole number in T's range.
template <class T>
T integer(const nlohmann::json& value) {
    if (!fits_integer<T>(value))
        throw nlohmann::json::type_error::create(302, "expected a whole number in range, got " + value.dump(), &value);
    return value.get<T>();
}

// A JSON array of whole numbers as a vector of T, checked the same way.
template <class T>
std::vector<T> integers(const nlohmann::json& array) {
    if (!array.is_array())
        throw nlohmann::json::type_error::create(302, "expected a list of whole numbers", &array);
    std::vector<T> out;
    out.reserve(array.size());
    for (const auto& v : array) out.push_back(integer<T>(v));
    return out;
}

}  // namespace strata::engine
