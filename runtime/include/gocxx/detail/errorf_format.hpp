// go::errorf's format strings: printf's conversions plus Go's %w (wrap an
// error) and %v (an error's message), checked against the argument types
// while the call compiles.
//
// One parser, parse_fmt_spec, serves both the compile-time check and the
// formatting (errorf.cpp), so the two cannot disagree on where a conversion
// ends or which argument it takes. Once the check has passed, every argument
// a conversion takes has a class that conversion accepts; the formatter
// relies on it and treats a mismatch as a runtime bug.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace go {

class error;

namespace detail {

// printf's length modifiers (q, and l on floating-point and %c, are not
// accepted: they are rare, and ls/lc take wide strings).
enum class fmt_length : unsigned char { none, hh, h, l, ll, j, z, t, L };

struct fmt_spec {
  const char* end = nullptr;    // one past the conversion character
  bool flags = false;           // any of "-+ #0'"
  bool width = false;           // a width, digits or *
  bool width_star = false;      // *: the width is an int argument
  bool precision = false;       // a precision, digits or *
  bool precision_star = false;  // .*: the precision is an int argument
  fmt_length length = fmt_length::none;
  char conv = 0;  // 0: the format ends inside the conversion
};

constexpr bool fmt_is_digit(char c) { return c >= '0' && c <= '9'; }

// p points at a '%'.
constexpr fmt_spec parse_fmt_spec(const char* p) {
  fmt_spec s;
  ++p;
  for (; *p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0' || *p == '\''; ++p) s.flags = true;
  if (*p == '*') {
    s.width = s.width_star = true;
    ++p;
  } else {
    for (; fmt_is_digit(*p); ++p) s.width = true;
  }
  if (*p == '.') {
    s.precision = true;
    ++p;
    if (*p == '*') {
      s.precision_star = true;
      ++p;
    } else {
      while (fmt_is_digit(*p)) ++p;
    }
  }
  switch (*p) {
    case 'h':
      ++p;
      if (*p == 'h') {
        s.length = fmt_length::hh;
        ++p;
      } else {
        s.length = fmt_length::h;
      }
      break;
    case 'l':
      ++p;
      if (*p == 'l') {
        s.length = fmt_length::ll;
        ++p;
      } else {
        s.length = fmt_length::l;
      }
      break;
    case 'j': s.length = fmt_length::j, ++p; break;
    case 'z': s.length = fmt_length::z, ++p; break;
    case 't': s.length = fmt_length::t, ++p; break;
    case 'L': s.length = fmt_length::L, ++p; break;
    default: break;
  }
  s.conv = *p;
  s.end = *p ? p + 1 : p;
  return s;
}

// What an argument is to the formatter.
enum class fmt_class : unsigned char {
  signed_int,    // after the integer promotions (an enum as its underlying type)
  unsigned_int,  //
  floating,      // float (promoted) and double
  long_double,   //
  c_string,      // char*, const char*, char arrays
  string,        // std::string, std::string_view
  pointer,       // other object pointers, nullptr: %p
  error,         // go::error or a user error type (gocxx/error.hpp)
  unsupported,   // anything else: errorf's static_assert rejects it
};

struct fmt_type {
  fmt_class cls = fmt_class::unsupported;
  unsigned char size = 0;  // of an integer after promotion
};

template <class T>
struct fmt_is_error : std::false_type {};  // specialised by gocxx/error.hpp

template <class T>
consteval fmt_type fmt_type_of() {
  using D = std::remove_cv_t<std::decay_t<T>>;
  if constexpr (fmt_is_error<D>::value) {
    return {fmt_class::error, 0};
  } else if constexpr (std::is_enum_v<D>) {
    return fmt_type_of<std::underlying_type_t<D>>();
  } else if constexpr (std::is_integral_v<D>) {
    using P = decltype(+D{});
    return {std::is_signed_v<P> ? fmt_class::signed_int : fmt_class::unsigned_int, sizeof(P)};
  } else if constexpr (std::is_same_v<D, float> || std::is_same_v<D, double>) {
    return {fmt_class::floating, 0};
  } else if constexpr (std::is_same_v<D, long double>) {
    return {fmt_class::long_double, 0};
  } else if constexpr (std::is_same_v<D, const char*> || std::is_same_v<D, char*>) {
    return {fmt_class::c_string, 0};
  } else if constexpr (std::is_same_v<D, std::string> || std::is_same_v<D, std::string_view>) {
    return {fmt_class::string, 0};
  } else if constexpr (std::is_null_pointer_v<D> ||
                       (std::is_pointer_v<D> && !std::is_function_v<std::remove_pointer_t<D>>)) {
    return {fmt_class::pointer, 0};
  } else {
    return {fmt_class::unsupported, 0};
  }
}

constexpr std::size_t fmt_length_size(fmt_length l) {
  switch (l) {
    case fmt_length::l: return sizeof(long);
    case fmt_length::ll: return sizeof(long long);
    case fmt_length::j: return sizeof(std::intmax_t);
    case fmt_length::z: return sizeof(std::size_t);
    case fmt_length::t: return sizeof(std::ptrdiff_t);
    default: return sizeof(int);  // none, hh, h: the argument was promoted to int
  }
}

constexpr bool fmt_is_int(fmt_type t) { return t.cls == fmt_class::signed_int || t.cls == fmt_class::unsigned_int; }

// What is wrong with a conversion s taking an argument a; null when nothing.
constexpr const char* fmt_conversion_problem(const fmt_spec& s, fmt_type a) {
  bool decorated = s.flags || s.width || s.precision || s.length != fmt_length::none;
  switch (s.conv) {
    case 'w':
      if (a.cls != fmt_class::error) return "go::errorf: %w takes a go::error argument";
      if (decorated) return "go::errorf: %w takes no flags, width, precision or length";
      return nullptr;
    case 'v':
      if (a.cls != fmt_class::error) return "go::errorf: %v takes a go::error argument";
      if (decorated) return "go::errorf: %v takes no flags, width, precision or length";
      return nullptr;
    case 's':
      if (a.cls != fmt_class::c_string && a.cls != fmt_class::string && a.cls != fmt_class::error)
        return "go::errorf: %s takes a C string, a std::string or a go::error";
      if (s.length != fmt_length::none) return "go::errorf: %s takes no length modifier";
      return nullptr;
    case 'd':
    case 'i':
    case 'o':
    case 'u':
    case 'x':
    case 'X':
      if (!fmt_is_int(a)) return "go::errorf: an integer conversion takes an integer argument";
      if (s.length == fmt_length::L) return "go::errorf: L applies to floating-point conversions";
      if (a.size != fmt_length_size(s.length))
        return "go::errorf: the argument's size does not match the length modifier";
      return nullptr;
    case 'c':
      if (!fmt_is_int(a)) return "go::errorf: %c takes an integer (a character) argument";
      if (s.length != fmt_length::none) return "go::errorf: %c takes no length modifier";
      if (a.size != sizeof(int)) return "go::errorf: %c takes an int-sized argument";
      return nullptr;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      if (s.length == fmt_length::L)
        return a.cls == fmt_class::long_double ? nullptr : "go::errorf: %Lf, %Le, %Lg, %La take a long double";
      if (a.cls != fmt_class::floating) return "go::errorf: %f, %e, %g, %a take a double";
      if (s.length != fmt_length::none) return "go::errorf: a floating-point conversion takes no length but L";
      return nullptr;
    case 'p':
      if (a.cls != fmt_class::pointer && a.cls != fmt_class::c_string) return "go::errorf: %p takes a pointer";
      if (s.length != fmt_length::none) return "go::errorf: %p takes no length modifier";
      return nullptr;
    case 'n': return "go::errorf: %n is not supported";
    default: return "go::errorf: unknown conversion";
  }
}

// The compile-time check: every conversion is known, takes an argument of a
// class it accepts, and the arguments are used up exactly. Returns what is
// wrong, or null. An unsupported argument is left to errorf's static_assert,
// which says so in one line.
constexpr const char* errorf_format_problem(const char* f, const fmt_type* args, std::size_t n) {
  std::size_t next = 0;
  for (const char* p = f; *p;) {
    if (*p != '%') {
      ++p;
      continue;
    }
    fmt_spec s = parse_fmt_spec(p);
    p = s.end;
    if (s.conv == 0) return "go::errorf: the format ends inside a conversion";
    if (s.conv == '%') {
      if (s.flags || s.width || s.precision || s.length != fmt_length::none)
        return "go::errorf: write a literal percent sign as %% alone";
      continue;
    }
    std::size_t wanted = 1 + (s.width_star ? 1 : 0) + (s.precision_star ? 1 : 0);
    if (n - next < wanted) return "go::errorf: the format has more conversions than arguments";
    for (std::size_t star = 1; star < wanted; ++star) {
      fmt_type w = args[next++];
      if (w.cls != fmt_class::unsupported && !(fmt_is_int(w) && w.size == sizeof(int)))
        return "go::errorf: a * width or precision takes an int argument";
    }
    fmt_type a = args[next++];
    if (a.cls == fmt_class::unsupported) continue;
    if (const char* why = fmt_conversion_problem(s, a)) return why;
  }
  if (next != n) return "go::errorf: more arguments than the format's conversions";
  return nullptr;
}

template <class... Args>
constexpr const char* errorf_format_problem_for(const char* f) {
  constexpr std::array<fmt_type, sizeof...(Args)> types{fmt_type_of<Args>()...};
  return errorf_format_problem(f, types.data(), types.size());
}

// Not constexpr: a format with a problem makes errorf's call a compile
// error, and the compiler's notes show this call with the problem's text.
void errorf_format_is_invalid(const char* why);
constexpr void errorf_format_error(const char* why) { errorf_format_is_invalid(why); }

// The format argument of go::errorf: a constant expression, checked against
// the argument types Args (as std::format_string is).
template <class... Args>
struct errorf_format {
  consteval errorf_format(const char* s) : str(s) {  // NOLINT(google-explicit-constructor): a literal converts
    if (const char* why = errorf_format_problem_for<Args...>(s)) errorf_format_error(why);
  }
  const char* str;
};

// An argument as the formatter sees it. Strings and errors are borrowed:
// they live until the end of the errorf call's full-expression.
struct fmt_arg {
  fmt_class cls;
  union {
    long long i;
    unsigned long long u;
    double d;
    long double ld;
    const void* p;
    const error* err;
    struct {
      const char* data;
      std::size_t size;
    } str;
  };
};

}  // namespace detail
}  // namespace go
