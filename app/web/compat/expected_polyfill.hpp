// std::expected (C++23) for a standard library that lacks it: Debian's
// Emscripten 3.1.6 ships libc++ 13, and the browser edition compiles the
// same engine and views as the desktop, which return std::expected
// everywhere. This is the part of the standard class strata uses: made
// from a value or an unexpected, has_value / bool, *, ->, value() (which
// throws bad_expected_access when there is none), error(), value_or, and
// expected<void, E>. app/web/compat/expected puts it in namespace std only
// where <expected> is missing; tests/unit/expected_polyfill_test.cpp holds
// it to std::expected's behaviour natively.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace strata::compat {

template <class E>
class unexpected {
public:
    template <class G = E>
        requires(!std::is_same_v<std::remove_cvref_t<G>, unexpected> && std::is_constructible_v<E, G>)
    constexpr explicit unexpected(G&& error) : error_(std::forward<G>(error)) {}

    constexpr E& error() & noexcept { return error_; }
    constexpr const E& error() const& noexcept { return error_; }
    constexpr E&& error() && noexcept { return std::move(error_); }

private:
    E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class E>
class bad_expected_access : public std::exception {
public:
    explicit bad_expected_access(E error) : error_(std::move(error)) {}
    const char* what() const noexcept override { return "bad access to std::expected without expected value"; }
    const E& error() const& noexcept { return error_; }

private:
    E error_;
};

template <class T, class E>
class expected {
public:
    using value_type = T;
    using error_type = E;
    using unexpected_type = unexpected<E>;

    constexpr expected()
        requires std::is_default_constructible_v<T>
        : state_(std::in_place_index<0>) {}
    template <class U = T>
        requires(!std::is_same_v<std::remove_cvref_t<U>, expected> &&
                 !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t> && std::is_constructible_v<T, U>)
    constexpr expected(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}
    template <class G>
    constexpr expected(const unexpected<G>& error) : state_(std::in_place_index<1>, error.error()) {}
    template <class G>
    constexpr expected(unexpected<G>&& error) : state_(std::in_place_index<1>, std::move(error).error()) {}

    constexpr bool has_value() const noexcept { return state_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    constexpr T& value() & {
        check();
        return std::get<0>(state_);
    }
    constexpr const T& value() const& {
        check();
        return std::get<0>(state_);
    }
    constexpr T&& value() && {
        check();
        return std::get<0>(std::move(state_));
    }
    constexpr T& operator*() & noexcept { return *std::get_if<0>(&state_); }
    constexpr const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
    constexpr T&& operator*() && noexcept { return std::move(*std::get_if<0>(&state_)); }
    constexpr T* operator->() noexcept { return std::get_if<0>(&state_); }
    constexpr const T* operator->() const noexcept { return std::get_if<0>(&state_); }

    constexpr E& error() & noexcept { return *std::get_if<1>(&state_); }
    constexpr const E& error() const& noexcept { return *std::get_if<1>(&state_); }
    constexpr E&& error() && noexcept { return std::move(*std::get_if<1>(&state_)); }

    template <class U>
    constexpr T value_or(U&& fallback) const& {
        return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
    }
    template <class U>
    constexpr T value_or(U&& fallback) && {
        return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
    }

private:
    constexpr void check() const {
        if (!has_value()) throw bad_expected_access<E>(error());
    }

    std::variant<T, E> state_;
};

template <class E>
class expected<void, E> {
public:
    using value_type = void;
    using error_type = E;
    using unexpected_type = unexpected<E>;

    constexpr expected() noexcept = default;
    template <class G>
    constexpr expected(const unexpected<G>& error) : state_(std::in_place_index<1>, error.error()) {}
    template <class G>
    constexpr expected(unexpected<G>&& error) : state_(std::in_place_index<1>, std::move(error).error()) {}

    constexpr bool has_value() const noexcept { return state_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }
    constexpr void operator*() const noexcept {}
    constexpr void value() const {
        if (!has_value()) throw bad_expected_access<E>(error());
    }

    constexpr E& error() & noexcept { return *std::get_if<1>(&state_); }
    constexpr const E& error() const& noexcept { return *std::get_if<1>(&state_); }
    constexpr E&& error() && noexcept { return std::move(*std::get_if<1>(&state_)); }

private:
    std::variant<std::monostate, E> state_;
};

}  // namespace strata::compat
