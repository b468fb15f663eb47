// Tests for the rest of Go's time package surface: go::tick (time.Tick),
// go::after_func (time.AfterFunc) and Duration's String, ParseDuration and
// methods (go::to_string, go::parse_duration, go::seconds, go::round, ...).
// The duration tables are Go's own, from src/time/time_test.go.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <utility>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kMinNs = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
constexpr go::duration kMin{kMinNs};
constexpr go::duration kMax{kMaxNs};

constexpr go::duration ns(std::int64_t n) { return go::duration(n); }

double ms_since(clk::time_point t) { return std::chrono::duration<double, std::milli>(clk::now() - t).count(); }

// Index of the first ready case among "c has a value" (0) and "`limit` passed" (1).
template <class T>
go::task<int> recv_or_timeout(go::recv_chan<T> c, go::duration limit) {
  T v{};
  co_return co_await go::select(go::on_recv(c, &v), go::on_recv(go::after(limit)));
}
template <class T>
go::task<int> recv_or_timeout(go::chan<T> c, go::duration limit) {
  return recv_or_timeout(go::recv_chan<T>(c), limit);
}

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

// ---------------------------------------------------------------------------
// time.Tick
// ---------------------------------------------------------------------------

TEST(Tick, DeliversTicksEveryPeriod) {
  constexpr int kTicks = 5;
  std::vector<double> stamps;
  std::vector<go::time_point> values;
  go::run([&]() -> go::task<> {
    auto t0 = clk::now();
    auto c = go::tick(10ms);
    for (int i = 0; i < kTicks; ++i) {
      values.push_back(co_await c.recv());
      stamps.push_back(ms_since(t0));
    }
  });
  ASSERT_EQ(stamps.size(), size_t(kTicks));
  for (int i = 0; i < kTicks; ++i) EXPECT_GE(stamps[i], 10.0 * (i + 1)) << "tick " << i;
  for (int i = 1; i < kTicks; ++i) EXPECT_GT(values[i], values[i - 1]) << "tick " << i;
  EXPECT_LT(stamps.back(), 10.0 * kTicks + 2000.0) << "ticks much slower than the period";
}

TEST(Tick, KeepsTickingWithoutAHandle) {
  // Nothing stops a Tick channel: values keep coming after the reader paused.
  int got = 0;
  go::run([&]() -> go::task<> {
    auto c = go::tick(5ms);
    co_await c.recv();
    co_await go::sleep(30ms);
    for (int i = 0; i < 3; ++i) {
      co_await c.recv();
      ++got;
    }
  });
  EXPECT_EQ(got, 3);
}

TEST(Tick, DropsTheTicksASlowReaderMisses) {
  // Six periods pass unread; one value waits (Go's channel of capacity 1),
  // the rest were dropped, so right after it there is nothing to receive.
  int after_kept = -2;
  go::run([&]() -> go::task<> {
    auto c = go::tick(50ms);
    co_await go::sleep(300ms);
    co_await c.recv();  // the one kept
    go::time_point tp;
    after_kept = co_await go::select(go::on_recv(c, &tp), go::on_default());
  });
  EXPECT_EQ(after_kept, go::select_default);
}

TEST(Tick, NonPositiveIsANilChannel) {
  int zero = -2, negative = -2, blocked = -2;
  bool nil_zero = false, nil_negative = false;
  go::run([&]() -> go::task<> {
    auto c0 = go::tick(0ns);
    auto cn = go::tick(-1s);
    nil_zero = c0 == nullptr;
    nil_negative = cn == nullptr;
    go::time_point tp;
    zero = co_await go::select(go::on_recv(c0, &tp), go::on_default());
    negative = co_await go::select(go::on_recv(cn, &tp), go::on_default());
    // Still nothing later: a nil channel never delivers.
    blocked = co_await go::select(go::on_recv(c0, &tp), go::on_recv(go::after(30ms)));
  });
  EXPECT_TRUE(nil_zero);
  EXPECT_TRUE(nil_negative);
  EXPECT_EQ(zero, go::select_default);
  EXPECT_EQ(negative, go::select_default);
  EXPECT_EQ(blocked, 1);
}

TEST(Tick, OutlivesItsRunCleanly) {
  // A tick never stopped is dropped when go::run returns; the next run starts
  // clean (under ASan, nothing of it leaks).
  for (int round = 0; round < 2; ++round) {
    int got = 0;
    go::run([&]() -> go::task<> {
      auto c = go::tick(1ms);
      for (int i = 0; i < 3; ++i) {
        co_await c.recv();
        ++got;
      }
    });
    EXPECT_EQ(got, 3) << "round " << round;
  }
}

// ---------------------------------------------------------------------------
// time.AfterFunc
// ---------------------------------------------------------------------------

TEST(AfterFunc, RunsOnceAfterD) {
  std::atomic<int> runs{0};
  double elapsed = 0;
  int later = -1;
  bool stop_after = true;
  go::run([&]() -> go::task<> {
    auto fired = go::make_chan<go::unit>(1);
    auto t0 = clk::now();
    auto t = go::after_func(20ms, [&runs, fired] {
      runs.fetch_add(1);
      fired.close();
    });
    co_await fired.recv();
    elapsed = ms_since(t0);
    later = co_await recv_or_timeout(go::after(50ms), 5s);  // time for a second run
    stop_after = t.stop();
  });
  EXPECT_EQ(runs.load(), 1);
  EXPECT_GE(elapsed, 20.0);
  EXPECT_LT(elapsed, 2000.0);
  EXPECT_EQ(later, 0);
  EXPECT_FALSE(stop_after) << "stop() after the timer fired";
}

TEST(AfterFunc, RunsInAGoroutineOfItsOwn) {
  // fn returns a task and blocks: only a goroutine of its own can do that
  // while the one that armed it is blocked too.
  bool done = false;
  std::size_t goroutines_while_blocked = 0;
  go::run([&]() -> go::task<> {
    auto ping = go::make_chan<int>();
    auto pong = go::make_chan<int>();
    auto t = go::after_func(1ms, [ping, pong]() -> go::task<> {
      int v = co_await ping.recv();
      co_await go::sleep(1ms);  // the captures must survive a suspension
      co_await pong.send(v + 1);
    });
    co_await go::sleep(5ms);
    goroutines_while_blocked = go::num_goroutine();
    co_await ping.send(41);
    done = co_await pong.recv() == 42;
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(goroutines_while_blocked, 2u);
}

TEST(AfterFunc, NonPositiveRunsAtOnce) {
  int which = -1;
  go::run([&]() -> go::task<> {
    auto fired = go::make_chan<go::unit>(1);
    go::after_func(-1s, [fired] { fired.close(); });
    which = co_await recv_or_timeout(fired, 5s);
  });
  EXPECT_EQ(which, 0);
}

TEST(AfterFunc, StopBeforeFiringPreventsTheCall) {
  std::atomic<int> runs{0};
  bool first = false, second = true;
  go::run([&]() -> go::task<> {
    auto t = go::after_func(200ms, [&runs] { runs.fetch_add(1); });
    first = t.stop();
    second = t.stop();
    co_await go::sleep(400ms);
  });
  EXPECT_TRUE(first) << "stop() of a pending timer";
  EXPECT_FALSE(second) << "stop() of a stopped timer";
  EXPECT_EQ(runs.load(), 0);
}

TEST(AfterFunc, ResetOfAnActiveTimerPostponesIt) {
  std::atomic<int> runs{0};
  bool reset_ret = false;
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    auto fired = go::make_chan<go::unit>(1);
    auto t = go::after_func(10s, [&runs, fired] {
      runs.fetch_add(1);
      fired.close();
    });
    auto t0 = clk::now();
    reset_ret = t.reset(30ms);
    co_await fired.recv();
    elapsed = ms_since(t0);
  });
  EXPECT_TRUE(reset_ret) << "reset() of a pending timer";
  EXPECT_EQ(runs.load(), 1);
  EXPECT_GE(elapsed, 30.0);
  EXPECT_LT(elapsed, 5000.0) << "still at the original 10 s";
}

TEST(AfterFunc, ResetAfterFiringRunsItAgain) {
  std::atomic<int> runs{0};
  bool reset_ret = true;
  go::run([&]() -> go::task<> {
    auto fired = go::make_chan<int>(4);
    auto t = go::after_func(5ms, [&runs, fired]() -> go::task<> { co_await fired.send(runs.fetch_add(1) + 1); });
    co_await fired.recv();
    reset_ret = t.reset(5ms);
    co_await fired.recv();
  });
  EXPECT_FALSE(reset_ret) << "reset() of a timer that had fired";
  EXPECT_EQ(runs.load(), 2);
}

TEST(AfterFunc, ResetAfterStopRearms) {
  std::atomic<int> runs{0};
  bool stop_ret = false, reset_ret = true;
  int which = -1;
  go::run([&]() -> go::task<> {
    auto fired = go::make_chan<go::unit>(1);
    auto t = go::after_func(10s, [&runs, fired] {
      runs.fetch_add(1);
      fired.close();
    });
    stop_ret = t.stop();
    reset_ret = t.reset(5ms);
    which = co_await recv_or_timeout(fired, 5s);
  });
  EXPECT_TRUE(stop_ret);
  EXPECT_FALSE(reset_ret) << "reset() of a stopped timer";
  EXPECT_EQ(which, 0);
  EXPECT_EQ(runs.load(), 1);
}

TEST(AfterFunc, DestroyingTheHandleDoesNotStopIt) {
  int named = -1, discarded = -1;
  go::run([&]() -> go::task<> {
    auto a = go::make_chan<go::unit>(1);
    auto b = go::make_chan<go::unit>(1);
    {
      auto t = go::after_func(10ms, [a] { a.close(); });
    }                                          // handle gone before it fires
    go::after_func(10ms, [b] { b.close(); });  // handle never kept
    named = co_await recv_or_timeout(a, 5s);
    discarded = co_await recv_or_timeout(b, 5s);
  });
  EXPECT_EQ(named, 0);
  EXPECT_EQ(discarded, 0);
}

// Lives as long as its owner, with a flag for the tests below to watch.
struct canary {
  explicit canary(std::shared_ptr<std::atomic<bool>> f) : dead(std::move(f)) {}
  canary(const canary&) = delete;
  ~canary() { dead->store(true); }
  std::shared_ptr<std::atomic<bool>> dead;
};

TEST(AfterFunc, KeepsFnAliveUntilItHasRun) {
  auto dead = std::make_shared<std::atomic<bool>>(false);
  bool alive_before = false, alive_inside = false, released = false;
  go::run([&]() -> go::task<> {
    auto done = go::make_chan<go::unit>(1);
    {
      auto c = std::make_shared<canary>(dead);
      auto t = go::after_func(20ms, [c, done, &alive_inside]() -> go::task<> {
        co_await go::sleep(10ms);  // the capture is read after a suspension
        alive_inside = !c->dead->load();
        done.close();
      });
    }  // the handle and the caller's copy are gone: only the runtime holds fn
    alive_before = !dead->load();
    co_await done.recv();
    // Released once its goroutine has finished.
    for (int i = 0; i < 500 && !dead->load(); ++i) co_await go::sleep(10ms);
    released = dead->load();
  });
  EXPECT_TRUE(alive_before);
  EXPECT_TRUE(alive_inside);
  EXPECT_TRUE(released);
}

TEST(AfterFunc, StoppedAndDroppedReleasesFnAtOnce) {
  auto dead = std::make_shared<std::atomic<bool>>(false);
  bool alive_while_held = false, released = false, stopped = false;
  go::run([&]() -> go::task<> {
    auto t = go::after_func(10s, [c = std::make_shared<canary>(dead)] { (void)c; });
    stopped = t.stop();
    alive_while_held = !dead->load();  // the handle may still reset it
    t = go::func_timer{};
    released = dead->load();
    co_return;
  });
  EXPECT_TRUE(stopped);
  EXPECT_TRUE(alive_while_held);
  EXPECT_TRUE(released);
}

TEST(AfterFunc, PendingAtExitIsDroppedWithoutRunning) {
  auto dead = std::make_shared<std::atomic<bool>>(false);
  std::atomic<int> runs{0};
  go::run([&]() -> go::task<> {
    go::after_func(10s, [c = std::make_shared<canary>(dead), &runs] { runs.fetch_add(1); });
    co_return;
  });
  EXPECT_EQ(runs.load(), 0);
  EXPECT_TRUE(dead->load()) << "fn outlived go::run";
}

TEST(AfterFunc, CopiesShareTheTimer) {
  bool stopped_by_copy = false, stopped_again = true;
  go::run([&]() -> go::task<> {
    auto t = go::after_func(10s, [] {});
    go::func_timer u = t;
    stopped_by_copy = u.stop();
    stopped_again = t.stop();
    co_return;
  });
  EXPECT_TRUE(stopped_by_copy);
  EXPECT_FALSE(stopped_again);
}

TEST(AfterFunc, NilHandlePanics) {
  std::string stop_msg, reset_msg;
  go::run([&]() -> go::task<> {
    go::func_timer t;
    try {
      t.stop();
    } catch (const go::panic_error& e) {
      stop_msg = e.what();
    }
    try {
      t.reset(1s);
    } catch (const go::panic_error& e) {
      reset_msg = e.what();
    }
    co_return;
  });
  EXPECT_EQ(stop_msg, "runtime error: invalid memory address or nil pointer dereference");
  EXPECT_EQ(reset_msg, stop_msg);
}

TEST(AfterFunc, ConcurrentResetsAndStopsKeepOneTimer) {
  // Go's timers are safe for concurrent use: resets and stops racing from
  // several goroutines leave one timer, pending at most once, so that it
  // then fires once and a stop finds it at most once.
  constexpr int kGoroutines = 4;
  constexpr int kRounds = 20000;
  int stops_after_firing = -1;
  std::atomic<int> runs{0};
  go::run(
      [&]() -> go::task<> {
        auto fired = go::make_chan<go::unit>(16);
        auto t = go::after_func(10s, [&runs, fired] {
          runs.fetch_add(1);
          go::spawn([fired]() -> go::task<> { co_await fired.send(go::unit{}); });
        });
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int g = 0; g < kGoroutines; ++g) {
          go::spawn(
              [&wg](go::func_timer h, int k) -> go::task<> {
                for (int i = 0; i < kRounds; ++i) {
                  if ((i + k) % 3 == 0) {
                    h.stop();
                  } else {
                    h.reset(std::chrono::seconds(10 + i % 7));
                  }
                  if (i % 1024 == 0) co_await go::yield();
                }
                wg.done();
              },
              t, g);
        }
        co_await wg.wait();
        t.reset(5ms);
        co_await fired.recv();
        co_await go::sleep(50ms);  // time for a duplicate to fire
        stops_after_firing = int(t.stop()) + int(t.stop());
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(stops_after_firing, 0);
}

}  // namespace
