// Tests for Duration's String, ParseDuration and methods (go::to_string,
// go::parse_duration, go::seconds, go::round, ...).
// The duration tables are Go's own, from src/time/time_test.go.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <utility>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMinNs = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
constexpr go::duration kMin{kMinNs};
constexpr go::duration kMax{kMaxNs};

constexpr go::duration ns(std::int64_t n) { return go::duration(n); }

// ---------------------------------------------------------------------------
// Duration.String
// ---------------------------------------------------------------------------

struct string_case {
  const char* str;
  go::duration d;
};

TEST(DurationString, GoTable) {
  // Go's durationTests.
  const string_case cases[] = {
      {"0s", 0ns},
      {"1ns", 1ns},
      {"1.1\u00b5s", 1100ns},
      {"2.2ms", 2200us},
      {"3.3s", 3300ms},
      {"4m5s", 4min + 5s},
      {"4m5.001s", 4min + 5001ms},
      {"5h6m7.001s", 5h + 6min + 7001ms},
      {"8m0.000000001s", 8min + 1ns},
      {"2562047h47m16.854775807s", kMax},
      {"-2562047h47m16.854775808s", kMin},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(go::to_string(c.d), c.str) << c.d.count() << "ns";
    // Go checks the negations too (all but the minimum, which has none).
    if (c.d > 0ns) EXPECT_EQ(go::to_string(-c.d), std::string("-") + c.str) << c.d.count() << "ns";
  }
}

TEST(DurationString, UnitsAndSigns) {
  const string_case cases[] = {
      {"1.5\u00b5s", 1500ns},  // U+00B5 MICRO SIGN, two bytes, as Go prints it
      {"1.5ms", 1500us},
      {"10s", 10s},
      {"1m0s", 1min},
      {"1h0m0s", 1h},
      {"1h2m3.5s", 1h + 2min + 3500ms},
      {"999ns", 999ns},
      {"1\u00b5s", 1us},
      {"999.999\u00b5s", 999999ns},
      {"1ms", 1ms},
      {"999.999999ms", 999999999ns},
      {"1s", 1s},
      {"-1ns", -1ns},
      {"-1.5ms", -1500us},
      {"-1m0s", -1min},
      {"-1h2m3.5s", -(1h + 2min + 3500ms)},
  };
  for (const auto& c : cases) EXPECT_EQ(go::to_string(c.d), c.str) << c.d.count() << "ns";
  EXPECT_EQ(std::string("\u00b5"), "\xc2\xb5");
}

TEST(DurationString, TakesOtherChronoDurations) {
  EXPECT_EQ(go::to_string(90s), "1m30s");
  EXPECT_EQ(go::to_string(std::chrono::hours(3)), "3h0m0s");
  EXPECT_EQ(go::to_string(2 * 1ms), "2ms");
}

// C++20's <chrono> (libstdc++ 12 has it) prints durations itself, and the
// runtime adds no go:: operator<< that would print the same expression Go's
// way only where `using namespace go` is in scope. If this starts printing
// "1.5ms", someone added one: see gocxx/duration.hpp.
TEST(DurationString, StreamingIsStdChronos) {
  using namespace go;
  std::ostringstream os;
  os << go::duration(1500us);
  EXPECT_EQ(os.str(), "1500000ns");
  EXPECT_EQ(go::to_string(1500us), "1.5ms");
}

// ---------------------------------------------------------------------------
// ParseDuration
// ---------------------------------------------------------------------------

struct parse_case {
  const char* in;
  go::duration want;
};

TEST(ParseDuration, GoTable) {
  // Go's parseDurationTests.
  const parse_case cases[] = {
      // simple
      {"0", 0ns},
      {"5s", 5s},
      {"30s", 30s},
      {"1478s", 1478s},
      // sign
      {"-5s", -5s},
      {"+5s", 5s},
      {"-0", 0ns},
      {"+0", 0ns},
      // decimal
      {"5.0s", 5s},
      {"5.6s", 5s + 600ms},
      {"5.s", 5s},
      {".5s", 500ms},
      {"1.0s", 1s},
      {"1.00s", 1s},
      {"1.004s", 1s + 4ms},
      {"1.0040s", 1s + 4ms},
      {"100.00100s", 100s + 1ms},
      // different units
      {"10ns", 10ns},
      {"11us", 11us},
      {"12\u00b5s", 12us},  // U+00B5
      {"12\u03bcs", 12us},  // U+03BC
      {"13ms", 13ms},
      {"14s", 14s},
      {"15m", 15min},
      {"16h", 16h},
      // composite durations
      {"3h30m", 3h + 30min},
      {"10.5s4m", 4min + 10s + 500ms},
      {"-2m3.4s", -(2min + 3s + 400ms)},
      {"1h2m3s4ms5us6ns", 1h + 2min + 3s + 4ms + 5us + 6ns},
      {"39h9m14.425s", 39h + 9min + 14s + 425ms},
      // large value
      {"52763797000ns", 52763797000ns},
      // more than 9 digits after decimal point, see https://golang.org/issue/6617
      {"0.3333333333333333333h", 20min},
      // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
      {"9007199254740993ns", ns((std::int64_t{1} << 53) + 1)},
      // largest duration that can be represented by int64 in nanoseconds
      {"9223372036854775807ns", kMax},
      {"9223372036854775.807us", kMax},
      {"9223372036s854ms775us807ns", kMax},
      {"-9223372036854775808ns", kMin},
      {"-9223372036854775.808us", kMin},
      {"-9223372036s854ms775us808ns", kMin},
      // largest negative round trip value, see https://golang.org/issue/48629
      {"-2562047h47m16.854775808s", kMin},
      // huge string; issue 15011.
      {"0.100000000000000000000h", 6min},
      // This value tests the first overflow check in leadingFraction.
      {"0.830103483285477580700h", 49min + 48s + 372539827ns},
  };
  for (const auto& c : cases) {
    auto [d, err] = go::parse_duration(c.in);
    EXPECT_FALSE(err) << c.in << ": " << err.message();
    EXPECT_EQ(d.count(), c.want.count()) << c.in;
  }
}

TEST(ParseDuration, GoErrorTable) {
  // Go's parseDurationErrorTests (Go checks that the message contains the
  // quoted input; here the whole message is Go's, read from its code).
  const std::pair<std::string, std::string> cases[] = {
      // invalid
      {"", R"(time: invalid duration "")"},
      {"3", R"(time: missing unit in duration "3")"},
      {"-", R"(time: invalid duration "-")"},
      {"s", R"(time: invalid duration "s")"},
      {".", R"(time: invalid duration ".")"},
      {"-.", R"(time: invalid duration "-.")"},
      {".s", R"(time: invalid duration ".s")"},
      {"+.s", R"(time: invalid duration "+.s")"},
      {"1d", R"(time: unknown unit "d" in duration "1d")"},
      {"\x85\x85", R"(time: invalid duration "\x85\x85")"},
      {"\xff"
       "ff",
       R"(time: invalid duration "\xffff")"},
      {"hello \xff"
       "ff world",
       R"(time: invalid duration "hello \xffff world")"},
      {"\uFFFD", R"(time: invalid duration "\xef\xbf\xbd")"},  // utf8.RuneError
      {"\uFFFD hello \uFFFD world", R"(time: invalid duration "\xef\xbf\xbd hello \xef\xbf\xbd world")"},
      // overflow
      {"9223372036854775810ns", R"(time: invalid duration "9223372036854775810ns")"},
      {"9223372036854775808ns", R"(time: invalid duration "9223372036854775808ns")"},
      {"-9223372036854775809ns", R"(time: invalid duration "-9223372036854775809ns")"},
      {"9223372036854776us", R"(time: invalid duration "9223372036854776us")"},
      {"3000000h", R"(time: invalid duration "3000000h")"},
      {"9223372036854775.808us", R"(time: invalid duration "9223372036854775.808us")"},
      {"9223372036854ms775us808ns", R"(time: invalid duration "9223372036854ms775us808ns")"},
      // beyond Go's table: the other texts, and the quoting of the unit
      {"1.2.3s", R"(time: missing unit in duration "1.2.3s")"},     // ".3s" has no unit before it
      {"1h-2m", R"(time: unknown unit "h-" in duration "1h-2m")"},  // a unit runs to the next digit or '.'
      {"1h.", R"(time: invalid duration "1h.")"},
      {"1.s.", R"(time: invalid duration "1.s.")"},
      {"1s2", R"(time: missing unit in duration "1s2")"},
      {"5 s", R"(time: unknown unit " s" in duration "5 s")"},
      {"1\u00b5", R"(time: unknown unit "\xc2\xb5" in duration "1\xc2\xb5")"},
      {"1\"s", R"(time: unknown unit "\"s" in duration "1\"s")"},
      {"1\\s", R"(time: unknown unit "\\s" in duration "1\\s")"},
      {"1\ts", R"(time: unknown unit "\x09s" in duration "1\x09s")"},
      {"1S", R"(time: unknown unit "S" in duration "1S")"},
      {"99999999999999999999s", R"(time: invalid duration "99999999999999999999s")"},
  };
  for (const auto& [in, want] : cases) {
    auto [d, err] = go::parse_duration(in);
    ASSERT_TRUE(err) << in << " parsed as " << d.count() << "ns";
    EXPECT_EQ(err.message(), want) << in;
    EXPECT_EQ(d, 0ns) << in;
  }
}

TEST(ParseDuration, RoundTripsString) {
  // Go's TestParseDurationRoundTrip: the extremes, then random values.
  std::vector<std::int64_t> values = {kMaxNs, kMinNs, 0, 1, -1, 999, 1000, 1'000'000, 1'000'000'000, 3'600'000'000'000};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 1000; ++i) values.push_back(static_cast<std::int64_t>(rng()) >> (rng() % 63));
  for (std::int64_t v : values) {
    const std::string s = go::to_string(ns(v));
    auto [d, err] = go::parse_duration(s);
    EXPECT_FALSE(err) << s << ": " << err.message();
    EXPECT_EQ(d.count(), v) << s;
  }
}

// ---------------------------------------------------------------------------
// Duration's methods
// ---------------------------------------------------------------------------

TEST(DurationMethods, IntegerCounts) {
  // Go's TestDurationMicroseconds and TestDurationMilliseconds: truncated.
  EXPECT_EQ(go::microseconds(ns(-1000)), -1);
  EXPECT_EQ(go::microseconds(ns(1000)), 1);
  EXPECT_EQ(go::microseconds(ns(-999)), 0);
  EXPECT_EQ(go::microseconds(ns(999)), 0);
  EXPECT_EQ(go::milliseconds(ns(-1000000)), -1);
  EXPECT_EQ(go::milliseconds(ns(1000000)), 1);
  EXPECT_EQ(go::milliseconds(ns(1999999)), 1);
  EXPECT_EQ(go::milliseconds(kMax), kMaxNs / 1'000'000);
  static_assert(go::milliseconds(1500us) == 1);
}

TEST(DurationMethods, FloatCounts) {
  // Go's TestDurationSeconds, TestDurationMinutes, TestDurationHours.
  EXPECT_EQ(go::seconds(ns(300000000)), 0.3);
  EXPECT_EQ(go::minutes(ns(-60000000000)), -1);
  EXPECT_EQ(go::minutes(ns(-1)), -1 / 60e9);
  EXPECT_EQ(go::minutes(ns(1)), 1 / 60e9);
  EXPECT_EQ(go::minutes(ns(60000000000)), 1);
  EXPECT_EQ(go::minutes(ns(3000)), 5e-8);
  EXPECT_EQ(go::hours(ns(-3600000000000)), -1);
  EXPECT_EQ(go::hours(ns(-1)), -1 / 3600e9);
  EXPECT_EQ(go::hours(ns(1)), 1 / 3600e9);
  EXPECT_EQ(go::hours(ns(3600000000000)), 1);
  EXPECT_EQ(go::hours(ns(36)), 1e-11);
  // Exact in the integer part, where a single division is not.
  EXPECT_EQ(go::seconds(kMax), 9223372036.0 + 0.854775807);
  EXPECT_EQ(go::seconds(1500ms), 1.5);
}

struct round_case {
  go::duration d, m, want;
};

TEST(DurationMethods, Truncate) {
  // Go's durationTruncateTests.
  const round_case cases[] = {
      {0ns, 1s, 0ns},
      {1min, -7s, 1min},
      {1min, 0ns, 1min},
      {1min, 1ns, 1min},
      {1min + 10s, 10s, 1min + 10s},
      {2min + 10s, 1min, 2min},
      {10min + 10s, 3min, 9min},
      {1min + 10s, 1min + 10s + 1ns, 0ns},
      {1min + 10s, 1h, 0ns},
      {-1min, 1s, -1min},
      {-10min, 3min, -9min},
      {-10min, 1h, 0ns},
  };
  for (const auto& c : cases)
    EXPECT_EQ(go::truncate(c.d, c.m), c.want) << go::to_string(c.d) << ".Truncate(" << go::to_string(c.m) << ")";
}

TEST(DurationMethods, Round) {
  // Go's durationRoundTests, with its overflow cases.
  const round_case cases[] = {
      {0ns, 1s, 0ns},
      {1min, -11s, 1min},
      {1min, 0ns, 1min},
      {1min, 1ns, 1min},
      {2min, 1min, 2min},
      {2min + 10s, 1min, 2min},
      {2min + 30s, 1min, 3min},
      {2min + 50s, 1min, 3min},
      {-1min, 1ns, -1min},
      {-2min, 1min, -2min},
      {-2min - 10s, 1min, -2min},
      {-2min - 30s, 1min, -3min},
      {-2min - 50s, 1min, -3min},
      {ns(8'000'000'000'000'000'000), ns(3'000'000'000'000'000'000), ns(9'000'000'000'000'000'000)},
      {ns(9'000'000'000'000'000'000), ns(5'000'000'000'000'000'000), kMax},
      {ns(-8'000'000'000'000'000'000), ns(3'000'000'000'000'000'000), ns(-9'000'000'000'000'000'000)},
      {ns(-9'000'000'000'000'000'000), ns(5'000'000'000'000'000'000), kMin},
      {ns((std::int64_t{3} << 61) - 1), ns(std::int64_t{3} << 61), ns(std::int64_t{3} << 61)},
  };
  for (const auto& c : cases)
    EXPECT_EQ(go::round(c.d, c.m), c.want) << go::to_string(c.d) << ".Round(" << go::to_string(c.m) << ")";
}

TEST(DurationMethods, Abs) {
  // Go's durationAbsTests.
  const std::pair<go::duration, go::duration> cases[] = {
      {0ns, 0ns},         {1ns, 1ns},
      {-1ns, 1ns},        {1min, 1min},
      {-1min, 1min},      {kMin, kMax},
      {kMin + 1ns, kMax}, {kMin + 2ns, kMax - 1ns},
      {kMax, kMax},       {kMax - 1ns, kMax - 1ns},
  };
  for (const auto& [d, want] : cases) EXPECT_EQ(go::abs(d), want) << d.count();
}

// What a Go programmer writes with both namespaces open: the chrono literals
// and go's names do not collide, and unqualified round and abs are go's (the
// minimum maps to the maximum, where std::chrono::abs would overflow).
namespace with_both {
using namespace std::chrono_literals;
using namespace go;

TEST(DurationMethods, NamesDoNotCollideWithChronoLiterals) {
  const duration d = 2 * 1500ms;
  EXPECT_EQ(seconds(d), 3.0);
  EXPECT_EQ(milliseconds(d), 3000);
  EXPECT_EQ(microseconds(d), 3'000'000);
  EXPECT_EQ(minutes(90s), 1.5);
  EXPECT_EQ(hours(90min), 1.5);
  EXPECT_EQ(round(d + 600ms, 1s), 4s);
  EXPECT_EQ(truncate(d + 600ms, 1s), 3s);
  EXPECT_EQ(abs(duration(kMinNs)), kMax);
  EXPECT_EQ(abs(-d), d);
  EXPECT_EQ(d / 1ms, 3000);  // Go's d / time.Millisecond
  EXPECT_EQ(to_string(d), "3s");
}
}  // namespace with_both

}  // namespace
