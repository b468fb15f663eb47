// go::duration and what Go's time.Duration does with it: String
// (go::to_string), ParseDuration (go::parse_duration) and the methods
// Seconds, Minutes, Hours, Milliseconds, Microseconds, Round, Truncate and
// Abs, as free functions.
//
// go::duration is std::chrono::nanoseconds, Go's int64 count of nanoseconds,
// so arithmetic is std::chrono's: Go's `2 * time.Second` is `2 * 1s`,
// `d / time.Millisecond` is `d / 1ms` (an integer count), `d % time.Minute`
// is `d % 1min`. Unlike Go, an int64 overflow in that arithmetic is undefined
// behaviour rather than wrapping; the functions here never overflow.
//
// No operator<< here: C++20's <chrono> already has one for every duration
// (libstdc++ 12 has it), found by argument-dependent lookup wherever a
// duration is printed, and it prints the count and unit ("1500000ns"). A go::
// operator<< would be a second meaning for the same expression, chosen by
// which using-directives are in scope. Print Go's way with go::to_string(d).
//
// Names: none of these collides with std::chrono_literals (which holds only
// literal operators). Under `using namespace std::chrono;` together with
// `using namespace go;`, the unqualified names seconds, milliseconds,
// microseconds, minutes and hours are ambiguous (std::chrono's are types),
// as duration already is; write go::seconds(d). Unqualified round(d, m) and
// abs(d) are go's: std::chrono::round takes one argument, and for abs a
// non-template beats std::chrono's template.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gocxx/error.hpp"

namespace go {

using duration = std::chrono::nanoseconds;

// time.Duration.String: "1h2m3.5s", "1.5ms", "1.5µs" (U+00B5), "1ns", "0s";
// the shortest form, trailing zeros dropped, a leading '-' when negative.
std::string to_string(duration d);

// time.ParseDuration: a possibly signed sequence of decimal numbers, each
// with an optional fraction and a unit ("300ms", "-1.5h", "2h45m"); units ns,
// us (or µs, μs), ms, s, m, h. Errors carry Go's texts, for example
// `time: invalid duration "1.s."`, `time: missing unit in duration "3"`,
// `time: unknown unit "d" in duration "1d"`.
std::pair<duration, error> parse_duration(std::string_view s);

// Duration.Seconds, Minutes, Hours: floating-point counts, exact in the
// integer part.
double seconds(duration d) noexcept;
double minutes(duration d) noexcept;
double hours(duration d) noexcept;
// Duration.Milliseconds, Microseconds: integer counts, truncated toward zero.
// (Duration.Nanoseconds is d.count().)
constexpr std::int64_t milliseconds(duration d) noexcept { return d.count() / 1'000'000; }
constexpr std::int64_t microseconds(duration d) noexcept { return d.count() / 1'000; }

// Duration.Truncate(m): d rounded toward zero to a multiple of m; d itself
// when m <= 0.
duration truncate(duration d, duration m) noexcept;
// Duration.Round(m): d rounded to the nearest multiple of m, halfway values
// away from zero; saturates at the int64 limits; d itself when m <= 0.
// (std::chrono::round<To>(d) rounds to a unit type, halfway values to even.)
duration round(duration d, duration m) noexcept;
// Duration.Abs: |d|, with the minimum value mapped to the maximum
// (std::chrono::abs overflows there).
duration abs(duration d) noexcept;

}  // namespace go
