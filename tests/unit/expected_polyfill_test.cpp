// The browser edition's std::expected (app/web/compat/expected_polyfill.hpp)
// behaves as the standard one does for everything strata uses: each case
// runs the same code on both and compares.
#include <catch2/catch.hpp>

#include <expected>
#include <memory>
#include <string>

#include "app/web/compat/expected_polyfill.hpp"

namespace {

struct Error {
    int code = 0;
    std::string what;
};

// One body, run with each implementation's expected/unexpected.
template <template <class, class> class Expected, template <class> class Unexpected>
struct Behaviour {
    static Expected<int, Error> parse(const std::string& text) {
        if (text.empty()) return Unexpected(Error{22, "empty"});
        return std::stoi(text);
    }
    static Expected<void, Error> check(bool ok) {
        if (!ok) return Unexpected(Error{1, "no"});
        return {};
    }
};

using Std = Behaviour<std::expected, std::unexpected>;
using Ours = Behaviour<strata::compat::expected, strata::compat::unexpected>;

}  // namespace

TEST_CASE("the expected polyfill holds a value as std::expected does", "[unit][web]") {
    auto mine = Ours::parse("42");
    auto theirs = Std::parse("42");
    REQUIRE(static_cast<bool>(mine) == static_cast<bool>(theirs));
    CHECK(mine.has_value());
    CHECK(*mine == *theirs);
    CHECK(mine.value() == theirs.value());
    CHECK(mine.value_or(7) == theirs.value_or(7));
}

TEST_CASE("the expected polyfill holds an error as std::expected does", "[unit][web]") {
    auto mine = Ours::parse("");
    auto theirs = Std::parse("");
    REQUIRE(static_cast<bool>(mine) == static_cast<bool>(theirs));
    CHECK_FALSE(mine);
    CHECK(mine.error().code == theirs.error().code);
    CHECK(mine.error().what == theirs.error().what);
    CHECK(mine.value_or(7) == 7);
    CHECK_THROWS_AS(mine.value(), strata::compat::bad_expected_access<Error>);
    CHECK_THROWS_AS(theirs.value(), std::bad_expected_access<Error>);
    // The error moves out whole.
    Error taken = std::move(mine).error();
    CHECK(taken.what == "empty");
}

TEST_CASE("the expected polyfill's void form reports success and errors", "[unit][web]") {
    CHECK(static_cast<bool>(Ours::check(true)) == static_cast<bool>(Std::check(true)));
    CHECK(static_cast<bool>(Ours::check(false)) == static_cast<bool>(Std::check(false)));
    CHECK(Ours::check(false).error().what == Std::check(false).error().what);
    CHECK_NOTHROW(Ours::check(true).value());
    CHECK_THROWS_AS(Ours::check(false).value(), strata::compat::bad_expected_access<Error>);
}

TEST_CASE("the expected polyfill keeps move-only values and reaches members with ->", "[unit][web]") {
    strata::compat::expected<std::unique_ptr<std::string>, Error> held = std::make_unique<std::string>("kvm");
    REQUIRE(held);
    CHECK((*held)->size() == 3);
    std::unique_ptr<std::string> out = std::move(*held);
    CHECK(*out == "kvm");
    strata::compat::expected<std::string, Error> text = std::string("vmexit");
    CHECK(text->size() == 6);
    // Converting construction, as `return "literal";` does.
    strata::compat::expected<std::string, Error> converted = "hlt";
    CHECK(*converted == "hlt");
}
