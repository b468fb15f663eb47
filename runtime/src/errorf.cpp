// go::errorf (Go's fmt.Errorf): formats, then wraps what %w named.
//
// The format was checked against the argument types when the call compiled
// (detail::check_errorf_format, with the same parser), so every conversion
// finds an argument of a class it accepts. A mismatch here is a runtime bug
// and a fatal error. printf's own conversions go to snprintf one at a time,
// with the argument cast to the type the length modifier names; %w, %v and
// %s of a string or an error are appended here.
#include <cstdio>
#include <utility>

#include "gocxx/error.hpp"
#include "throw.hpp"

namespace go::detail {
namespace {

// fmt.Errorf's wrapError (one %w) and wrapErrors (several).
class wrap_error final : public error_node {
 public:
  wrap_error(std::string m, error e) : msg_(std::move(m)), err_(std::move(e)) {}
  std::string message() const override { return msg_; }
  error unwrap() const override { return err_; }

 private:
  const std::string msg_;
  const error err_;  // nil when the %w argument was
};

class wrap_errors final : public error_node {
 public:
  wrap_errors(std::string m, std::vector<error> e) : msg_(std::move(m)), errs_(std::move(e)) {}
  std::string message() const override { return msg_; }
  std::vector<error> unwrap_all() const override { return errs_; }

 private:
  const std::string msg_;
  const std::vector<error> errs_;  // the non-nil %w arguments, in order
};

class arg_reader {
 public:
  explicit arg_reader(std::initializer_list<fmt_arg> args) : next_(args.begin()), end_(args.end()) {}
  const fmt_arg& take(const char* format) {
    if (next_ == end_) throw_fatal("go::errorf: no argument left for a conversion in \"%s\"", format);
    return *next_++;
  }
  bool done() const { return next_ == end_; }

 private:
  const fmt_arg* next_;
  const fmt_arg* end_;
};

[[noreturn]] void mismatch(const char* format, char conv) {
  throw_fatal("go::errorf: %%%c has an argument of the wrong class in \"%s\"", conv, format);
}

int star_arg(const fmt_arg& a, const char* format) {
  if (a.cls == fmt_class::signed_int) return static_cast<int>(a.i);
  if (a.cls == fmt_class::unsigned_int) return static_cast<int>(a.u);
  mismatch(format, '*');
}

// snprintf with the conversion's own text (flags, width, precision and
// length as written) and its * arguments.
template <class V>
void append_printf(std::string& out, const std::string& spec, const fmt_spec& s, int width, int precision, V v) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  auto print = [&](char* buf, std::size_t n) {
    if (s.width_star && s.precision_star) return std::snprintf(buf, n, spec.c_str(), width, precision, v);
    if (s.width_star) return std::snprintf(buf, n, spec.c_str(), width, v);
    if (s.precision_star) return std::snprintf(buf, n, spec.c_str(), precision, v);
    return std::snprintf(buf, n, spec.c_str(), v);
  };
#pragma GCC diagnostic pop
  char small[64];
  int n = print(small, sizeof small);
  if (n < 0) throw_fatal("go::errorf: snprintf failed on \"%s\"", spec.c_str());
  if (static_cast<std::size_t>(n) < sizeof small) {
    out.append(small, static_cast<std::size_t>(n));
    return;
  }
  std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(n) + 1);
  print(out.data() + at, static_cast<std::size_t>(n) + 1);
  out.resize(at + static_cast<std::size_t>(n));
}

// An integer conversion: the argument cast to the type its length names
// (the compile-time check made the sizes agree).
void append_int(std::string& out, const std::string& spec, const fmt_spec& s, int w, int p, const fmt_arg& a) {
  bool is_signed = s.conv == 'd' || s.conv == 'i' || s.conv == 'c';
  long long i = a.cls == fmt_class::signed_int ? a.i : static_cast<long long>(a.u);
  unsigned long long u = a.cls == fmt_class::unsigned_int ? a.u : static_cast<unsigned long long>(a.i);
  switch (s.length) {
    case fmt_length::l:
      return is_signed ? append_printf(out, spec, s, w, p, static_cast<long>(i))
                       : append_printf(out, spec, s, w, p, static_cast<unsigned long>(u));
    case fmt_length::ll: return is_signed ? append_printf(out, spec, s, w, p, i) : append_printf(out, spec, s, w, p, u);
    case fmt_length::j:
      return is_signed ? append_printf(out, spec, s, w, p, static_cast<std::intmax_t>(i))
                       : append_printf(out, spec, s, w, p, static_cast<std::uintmax_t>(u));
    case fmt_length::z:
      return is_signed ? append_printf(out, spec, s, w, p, static_cast<std::make_signed_t<std::size_t>>(i))
                       : append_printf(out, spec, s, w, p, static_cast<std::size_t>(u));
    case fmt_length::t:
      return is_signed ? append_printf(out, spec, s, w, p, static_cast<std::ptrdiff_t>(i))
                       : append_printf(out, spec, s, w, p, static_cast<std::make_unsigned_t<std::ptrdiff_t>>(u));
    default:  // none, hh, h: printf reads an int and narrows it itself
      return is_signed ? append_printf(out, spec, s, w, p, static_cast<int>(i))
                       : append_printf(out, spec, s, w, p, static_cast<unsigned>(u));
  }
}

// %s of text that may not be NUL-terminated: appended as it is unless the
// conversion pads or cuts it.
void append_text(std::string& out, const std::string& spec, const fmt_spec& s, int w, int p, std::string_view text) {
  if (!s.flags && !s.width && !s.precision) {
    out.append(text);
    return;
  }
  append_printf(out, spec, s, w, p, std::string(text).c_str());
}

}  // namespace

error errorf_impl(const char* format, std::initializer_list<fmt_arg> args) {
  arg_reader in(args);
  std::string out;
  std::vector<error> wrapped;  // every %w argument, nil ones too
  for (const char* p = format; *p;) {
    if (*p != '%') {
      const char* q = p;
      while (*q && *q != '%') ++q;
      out.append(p, q);
      p = q;
      continue;
    }
    fmt_spec s = parse_fmt_spec(p);
    std::string spec(p, s.end);
    p = s.end;
    if (s.conv == '%') {
      out += '%';
      continue;
    }
    int width = s.width_star ? star_arg(in.take(format), format) : 0;
    int precision = s.precision_star ? star_arg(in.take(format), format) : 0;
    const fmt_arg& a = in.take(format);
    switch (s.conv) {
      case 'w':
        if (a.cls != fmt_class::error) mismatch(format, s.conv);
        out += *a.err ? a.err->message() : std::string("%!w(<nil>)");
        wrapped.push_back(*a.err);
        break;
      case 'v':
        if (a.cls != fmt_class::error) mismatch(format, s.conv);
        out += a.err->message();
        break;
      case 's':
        if (a.cls == fmt_class::c_string)
          append_printf(out, spec, s, width, precision, static_cast<const char*>(a.p));
        else if (a.cls == fmt_class::string)
          append_text(out, spec, s, width, precision, {a.str.data, a.str.size});
        else if (a.cls == fmt_class::error && *a.err)
          append_text(out, spec, s, width, precision, a.err->message());
        else if (a.cls == fmt_class::error)
          out += "%!s(<nil>)";
        else
          mismatch(format, s.conv);
        break;
      case 'd':
      case 'i':
      case 'o':
      case 'u':
      case 'x':
      case 'X':
      case 'c':
        if (a.cls != fmt_class::signed_int && a.cls != fmt_class::unsigned_int) mismatch(format, s.conv);
        append_int(out, spec, s, width, precision, a);
        break;
      case 'p':
        if (a.cls != fmt_class::pointer && a.cls != fmt_class::c_string) mismatch(format, s.conv);
        append_printf(out, spec, s, width, precision, a.p);
        break;
      default:  // e E f F g G a A
        if (a.cls == fmt_class::floating)
          append_printf(out, spec, s, width, precision, a.d);
        else if (a.cls == fmt_class::long_double)
          append_printf(out, spec, s, width, precision, a.ld);
        else
          mismatch(format, s.conv);
        break;
    }
  }
  if (!in.done()) throw_fatal("go::errorf: arguments left over after \"%s\"", format);
  if (wrapped.empty()) return error::make(std::move(out));
  // One %w: Go's wrapError, which unwraps to its argument even when nil.
  if (wrapped.size() == 1)
    return error_access::make(std::make_shared<wrap_error>(std::move(out), std::move(wrapped[0])));
  // Several %w: the nil ones are left out, as Go's type assertion to error drops them.
  std::vector<error> kept;
  for (error& e : wrapped)
    if (e) kept.push_back(std::move(e));
  return error_access::make(std::make_shared<wrap_errors>(std::move(out), std::move(kept)));
}

}  // namespace go::detail
