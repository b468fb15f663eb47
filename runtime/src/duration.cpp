// time.Duration's String, ParseDuration and methods, ported from Go's
// time/time.go and time/format.go line for line: the same digits, the same
// overflow limits (1<<63 nanoseconds, before the sign) and the same error
// texts. Go's unsigned arithmetic is kept unsigned here, and its signed
// wrap-around goes through std::uint64_t, where C++ defines it.
#include "gocxx/duration.hpp"

#include <limits>
#include <tuple>

namespace go {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kSign = std::uint64_t{1} << 63;  // |min int64|

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;

// Writes the fraction of v/10**prec (".12345") to the left of buf[w],
// without trailing zeros and without the point when the fraction is 0.
// Returns the new start and v/10**prec.
std::pair<std::size_t, std::uint64_t> fmt_frac(char* buf, std::size_t w, std::uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>(v % 10);
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return {w, v};
}

// Writes v in decimal to the left of buf[w]; returns the new start.
std::size_t fmt_int(char* buf, std::size_t w, std::uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return w;
  }
  for (; v > 0; v /= 10) buf[--w] = static_cast<char>('0' + v % 10);
  return w;
}

// Go's quote in time/format.go: the string in double quotes, '"' and '\\'
// escaped, every byte of a non-ASCII character (or of invalid UTF-8) and
// every control character as \xNN.
std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

error invalid(std::string_view orig) { return error::make("time: invalid duration " + quote(orig)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes the leading [0-9]* of s into x; false on overflow past 1<<63.
bool leading_int(std::string_view& s, std::uint64_t& x) {
  x = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > kSign / 10) return false;
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > kSign) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Consumes the leading [0-9]* of a fraction: value x / scale. Past what
// 1<<63 can hold it stops gaining precision instead of failing.
void leading_fraction(std::string_view& s, std::uint64_t& x, double& scale) {
  x = 0;
  scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (kSign - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t y = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (y > kSign) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

// Go's unitMap; 0 for an unknown unit.
std::uint64_t unit_of(std::string_view u) {
  if (u == "ns") return kNanosecond;
  if (u == "us" || u == "\u00b5s" || u == "\u03bcs") return kMicrosecond;  // micro sign, Greek mu
  if (u == "ms") return kMillisecond;
  if (u == "s") return kSecond;
  if (u == "m") return kMinute;
  if (u == "h") return kHour;
  return 0;
}

// x + y with int64 wrap-around, as Go computes it.
std::int64_t wrapping_add(std::int64_t x, std::int64_t y) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
}

// Whether x+x < y, without overflow, for x and y >= 0.
bool less_than_half(std::int64_t x, std::int64_t y) {
  return static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(x) < static_cast<std::uint64_t>(y);
}

}  // namespace

std::string to_string(duration d) {
  // The longest is "-2562047h47m16.854775808s".
  char buf[32];
  std::size_t w = sizeof buf;
  const bool neg = d.count() < 0;
  std::uint64_t u = static_cast<std::uint64_t>(d.count());
  if (neg) u = 0 - u;  // |min int64| fits in uint64

  if (u < kSecond) {
    // Under a second: a smaller unit, as in "1.2ms".
    int prec = 0;
    buf[--w] = 's';
    --w;
    if (u == 0) {
      buf[w] = '0';
      return std::string(buf + w, sizeof buf - w);
    } else if (u < kMicrosecond) {
      prec = 0;
      buf[w] = 'n';
    } else if (u < kMillisecond) {
      prec = 3;
      --w;  // U+00B5, the micro sign Go prints, is two bytes in UTF-8
      buf[w] = '\xc2';
      buf[w + 1] = '\xb5';
    } else {
      prec = 6;
      buf[w] = 'm';
    }
    std::tie(w, u) = fmt_frac(buf, w, u, prec);
    w = fmt_int(buf, w, u);
  } else {
    buf[--w] = 's';
    std::tie(w, u) = fmt_frac(buf, w, u, 9);
    // u is whole seconds now.
    w = fmt_int(buf, w, u % 60);
    u /= 60;
    if (u > 0) {  // whole minutes
      buf[--w] = 'm';
      w = fmt_int(buf, w, u % 60);
      u /= 60;
      // Hours are the largest unit: days differ in length.
      if (u > 0) {
        buf[--w] = 'h';
        w = fmt_int(buf, w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof buf - w);
}

std::pair<duration, error> parse_duration(std::string_view s) {
  // [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
  const std::string_view orig = s;
  std::uint64_t d = 0;
  bool neg = false;

  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  // A lone "0" needs no unit.
  if (s == "0") return {duration(0), error{}};
  if (s.empty()) return {duration(0), invalid(orig)};
  while (!s.empty()) {
    std::uint64_t v = 0, f = 0;  // the digits before and after the point
    double scale = 1;            // value = v + f/scale

    if (!(s[0] == '.' || is_digit(s[0]))) return {duration(0), invalid(orig)};
    const std::size_t before_int = s.size();
    if (!leading_int(s, v)) return {duration(0), invalid(orig)};
    const bool pre = before_int != s.size();  // digits before a point

    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t before_frac = s.size();
      leading_fraction(s, f, scale);
      post = before_frac != s.size();
    }
    if (!pre && !post) return {duration(0), invalid(orig)};  // ".s", "-.s"

    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) ++i;
    if (i == 0) return {duration(0), error::make("time: missing unit in duration " + quote(orig))};
    const std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    const std::uint64_t unit = unit_of(u);
    if (unit == 0) return {duration(0), error::make("time: unknown unit " + quote(u) + " in duration " + quote(orig))};
    if (v > kSign / unit) return {duration(0), invalid(orig)};
    v *= unit;
    if (f > 0) {
      // A double keeps fractions of an hour exact to the nanosecond:
      // f*unit/scale <= 3.6e12.
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kSign) return {duration(0), invalid(orig)};
    }
    d += v;
    if (d > kSign) return {duration(0), invalid(orig)};
  }
  if (neg) return {duration(static_cast<std::int64_t>(0 - d)), error{}};
  if (d > kSign - 1) return {duration(0), invalid(orig)};
  return {duration(static_cast<std::int64_t>(d)), error{}};
}

namespace {

// Go's Seconds/Minutes/Hours: whole units, then the rest as a fraction (the
// units are exact doubles, so this is bit for bit what Go computes).
double in_units(duration d, std::int64_t unit) noexcept {
  const std::int64_t ns = d.count();
  return static_cast<double>(ns / unit) + static_cast<double>(ns % unit) / static_cast<double>(unit);
}

}  // namespace

double seconds(duration d) noexcept { return in_units(d, static_cast<std::int64_t>(kSecond)); }
double minutes(duration d) noexcept { return in_units(d, static_cast<std::int64_t>(kMinute)); }
double hours(duration d) noexcept { return in_units(d, static_cast<std::int64_t>(kHour)); }

duration truncate(duration d, duration m) noexcept {
  if (m.count() <= 0) return d;
  return d - d % m.count();
}

duration round(duration d, duration m) noexcept {
  if (m.count() <= 0) return d;
  const std::int64_t x = d.count(), n = m.count();
  std::int64_t r = x % n;
  if (x < 0) {
    r = -r;
    if (less_than_half(r, n)) return duration(x + r);
    const std::int64_t down = wrapping_add(wrapping_add(x, -n), r);
    return duration(down < x ? down : kMin);  // otherwise it wrapped
  }
  if (less_than_half(r, n)) return duration(x - r);
  const std::int64_t up = wrapping_add(wrapping_add(x, n), -r);
  return duration(up > x ? up : kMax);  // otherwise it wrapped
}

duration abs(duration d) noexcept {
  if (d.count() >= 0) return d;
  if (d.count() == kMin) return duration(kMax);
  return -d;
}

}  // namespace go
