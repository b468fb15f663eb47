// Tests for go::error and go::errors (Go's errors package) and go::errorf's
// %w (fmt.Errorf): identity, wrapping, Is, As, Join, Unwrap, user error
// types, the compile-time format check, and errors crossing goroutines.
//
// The examples follow the Go documentation of errors.Is, errors.As,
// errors.Join and fmt.Errorf.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

// Go's fs.PathError, a user error type that wraps another.
struct path_error {
  std::string op, path;
  go::error err;
  std::string error() const { return op + " " + path + ": " + err.message(); }
  go::error unwrap() const { return err; }
};

struct not_found {
  std::string name;
  std::string error() const { return name + " not found"; }
};

// A value type compared by value, as Go compares syscall.Errno.
struct errno_error {
  int code;
  std::string error() const { return "errno " + std::to_string(code); }
  bool operator==(const errno_error&) const = default;
};

// Go's example of a custom Is: a timeout matches deadline_exceeded.
struct timeout_error {
  std::string error() const { return "i/o timeout"; }
  bool is(const go::error& target) const { return target == go::deadline_exceeded; }
};

// Unwrap() []error.
struct multi_error {
  std::vector<go::error> errs;
  std::string error() const { return "multi"; }
  std::vector<go::error> unwrap() const { return errs; }
};

// An unwrap that makes the error it returns: errors::as must keep it alive.
struct makes_inner {
  std::string error() const { return "outer"; }
  go::error unwrap() const { return not_found{"made"}; }
};

std::string printf_text(const char* format, auto... args) {
  char buf[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  std::snprintf(buf, sizeof buf, format, args...);
#pragma GCC diagnostic pop
  return buf;
}

template <class F>
std::string panic_text(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (go::panic_error& e) {
    return e.what();
  }
  return "<no panic>";
}

// ---------------------------------------------------------------------------
// values, identity, nil
// ---------------------------------------------------------------------------

TEST(Errors, NewComparesByIdentity) {
  go::error a = go::errors::new_("boom");
  go::error b = go::errors::new_("boom");
  go::error a2 = a;
  EXPECT_EQ(a.message(), "boom");
  EXPECT_TRUE(a == a2);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(go::errorf("boom") == go::errorf("boom"));
  EXPECT_FALSE(go::error::make("boom") == a);
  EXPECT_TRUE(static_cast<bool>(a));
  static_assert(sizeof(go::error) == sizeof(std::shared_ptr<int>), "an error is one shared pointer");
}

TEST(Errors, Nil) {
  go::error nil;
  go::error other;
  EXPECT_FALSE(static_cast<bool>(nil));
  EXPECT_EQ(nil.message(), "<nil>");
  EXPECT_TRUE(nil == other);
  EXPECT_FALSE(nil == go::errors::new_("x"));
  EXPECT_FALSE(go::errors::new_("x") == nil);
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(nil)));
  EXPECT_TRUE(go::errors::is(nil, nil));
  EXPECT_FALSE(go::errors::is(nil, go::canceled));
  EXPECT_FALSE(go::errors::is(go::canceled, nil));
  EXPECT_FALSE(static_cast<bool>(go::errors::as<not_found>(nil)));
}

TEST(Errors, SentinelsStayDistinct) {
  EXPECT_TRUE(go::errors::is(go::canceled, go::canceled));
  EXPECT_FALSE(go::errors::is(go::canceled, go::deadline_exceeded));
  EXPECT_FALSE(go::errors::is(go::errorf("context canceled"), go::canceled));
}

// ---------------------------------------------------------------------------
// errorf
// ---------------------------------------------------------------------------

TEST(Errorf, WithoutWrapIsPrintf) {
  go::error e = go::errorf("publish %d: no subscribers", 3);
  EXPECT_EQ(e.message(), "publish 3: no subscribers");
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(e)));
  EXPECT_EQ(go::errorf("invalid request").message(), "invalid request");
  EXPECT_EQ(go::errorf("100%% sure").message(), "100% sure");

  int i = -42;
  long l = 1234567890123L;
  long long ll = -9876543210LL;
  unsigned u = 0xbeefu;
  std::size_t z = 77;
  double d = 3.14159;
  long double ld = 2.5L;
  const char* s = "text";
  short sh = -7;
  char c = 'q';
  int* p = &i;
  EXPECT_EQ(go::errorf("%d|%5d|%-5d|%05d|%+d", i, i, i, i, i).message(),
            printf_text("%d|%5d|%-5d|%05d|%+d", i, i, i, i, i));
  EXPECT_EQ(go::errorf("%ld %lld %zu %hd %hhd", l, ll, z, sh, c).message(),
            printf_text("%ld %lld %zu %hd %hhd", l, ll, z, sh, c));
  EXPECT_EQ(go::errorf("%x %X %#o %u %c", u, u, u, u, c).message(), printf_text("%x %X %#o %u %c", u, u, u, u, c));
  EXPECT_EQ(go::errorf("%f %.2f %10.3e %g %a %Lf", d, d, d, d, d, ld).message(),
            printf_text("%f %.2f %10.3e %g %a %Lf", d, d, d, d, d, ld));
  EXPECT_EQ(go::errorf("[%s] [%8s] [%-8s] [%.2s] [%*d] [%.*s]", s, s, s, s, 6, i, 3, s).message(),
            printf_text("[%s] [%8s] [%-8s] [%.2s] [%*d] [%.*s]", s, s, s, s, 6, i, 3, s));
  EXPECT_EQ(go::errorf("%p", p).message(), printf_text("%p", static_cast<void*>(p)));
  // Output longer than the formatter's small buffer.
  std::string longer(300, 'x');
  EXPECT_EQ(go::errorf("%s|%400d", longer.c_str(), 5).message(), longer + "|" + std::string(399, ' ') + "5");
}

TEST(Errorf, StringsAndErrorsAsText) {
  std::string name = "config.yaml";
  std::string_view view = "view";
  go::error base = go::errors::new_("permission denied");
  go::error nil;
  EXPECT_EQ(go::errorf("open %s: %s [%6s] [%.2s]", name, base, view, view).message(),
            "open config.yaml: permission denied [  view] [vi]");
  // %v and %s print an error without wrapping it (Go's idiom to hide it).
  go::error v = go::errorf("open: %v", base);
  EXPECT_EQ(v.message(), "open: permission denied");
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(v)));
  EXPECT_FALSE(go::errors::is(v, base));
  EXPECT_EQ(go::errorf("%v / %s", nil, nil).message(), "<nil> / %!s(<nil>)");
  EXPECT_EQ(go::errorf("%s", not_found{"key"}).message(), "key not found");
}

TEST(Errorf, WrapUnwrapsToTheArgument) {
  go::error base = go::errors::new_("file does not exist");
  std::string name = "a.txt";
  go::error e = go::errorf("reading %s: %w", name.c_str(), base);
  EXPECT_EQ(e.message(), "reading a.txt: file does not exist");
  EXPECT_TRUE(go::errors::unwrap(e) == base);
  EXPECT_FALSE(e == base);
  EXPECT_TRUE(go::errors::is(e, base));
  EXPECT_FALSE(go::errors::is(base, e));
}

TEST(Errorf, IsThroughTwoLevels) {
  go::error sentinel = go::errors::new_("not exist");
  go::error inner = go::errorf("stat: %w", sentinel);
  go::error outer = go::errorf("load %d: %w", 7, inner);
  EXPECT_EQ(outer.message(), "load 7: stat: not exist");
  EXPECT_TRUE(go::errors::is(outer, sentinel));
  EXPECT_TRUE(go::errors::is(outer, inner));
  EXPECT_TRUE(go::errors::is(outer, outer));
  EXPECT_FALSE(go::errors::is(inner, outer));
  EXPECT_TRUE(go::errors::unwrap(go::errors::unwrap(outer)) == sentinel);
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(sentinel)));
  EXPECT_TRUE(go::errors::is(go::errorf("op: %w", go::canceled), go::canceled));
  EXPECT_FALSE(go::errors::is(go::errorf("op: %w", go::canceled), go::deadline_exceeded));
}

TEST(Errorf, WrapNil) {
  go::error nil;
  go::error e = go::errorf("x: %w", nil);
  EXPECT_EQ(e.message(), "x: %!w(<nil>)");
  EXPECT_TRUE(static_cast<bool>(e));
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(e)));
  EXPECT_FALSE(go::errors::is(e, nil));
  // Several %w leave the nil ones out.
  go::error a = go::errors::new_("a");
  go::error m = go::errorf("%w, %w", nil, a);
  EXPECT_EQ(m.message(), "%!w(<nil>), a");
  EXPECT_TRUE(go::errors::is(m, a));
}

TEST(Errorf, SeveralWrapsUnwrapToAll) {
  go::error a = go::errors::new_("a");
  go::error b = go::errors::new_("b");
  go::error e = go::errorf("both: %w and %w", a, not_found{"k"});
  EXPECT_EQ(e.message(), "both: a and k not found");
  // errors.Unwrap sees only Unwrap() error; several %w give Unwrap() []error.
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(e)));
  EXPECT_TRUE(go::errors::is(e, a));
  EXPECT_FALSE(go::errors::is(e, b));
  auto nf = go::errors::as<not_found>(e);
  ASSERT_TRUE(static_cast<bool>(nf));
  EXPECT_EQ(nf->name, "k");
}

TEST(Errorf, FormatCheckedAtCompileTime) {
  using go::detail::errorf_format_problem_for;
  // What errorf's consteval format argument rejects (the call does not compile).
  static_assert(errorf_format_problem_for<go::error, int>("%w: %d") == nullptr);
  static_assert(errorf_format_problem_for<not_found>("%w") == nullptr);
  static_assert(errorf_format_problem_for<int>("%w") != nullptr);
  static_assert(errorf_format_problem_for<const char*>("%w") != nullptr);
  EXPECT_STREQ(errorf_format_problem_for<int>("read: %w"), "go::errorf: %w takes a go::error argument");
  EXPECT_STREQ(errorf_format_problem_for<std::string>("read: %w"), "go::errorf: %w takes a go::error argument");
  EXPECT_STREQ(errorf_format_problem_for<go::error>("read: %5w"),
               "go::errorf: %w takes no flags, width, precision or length");
  EXPECT_STREQ(errorf_format_problem_for<int>("%d %d"), "go::errorf: the format has more conversions than arguments");
  EXPECT_STREQ((errorf_format_problem_for<int, int>("%d")), "go::errorf: more arguments than the format's conversions");
  EXPECT_STREQ(errorf_format_problem_for<go::error>("%d"),
               "go::errorf: an integer conversion takes an integer argument");
  EXPECT_STREQ(errorf_format_problem_for<long>("%d"),
               "go::errorf: the argument's size does not match the length modifier");
  EXPECT_STREQ(errorf_format_problem_for<int>("%s"), "go::errorf: %s takes a C string, a std::string or a go::error");
  EXPECT_STREQ(errorf_format_problem_for<int>("%f"), "go::errorf: %f, %e, %g, %a take a double");
  EXPECT_STREQ((errorf_format_problem_for<double, int>("%*f")),
               "go::errorf: a * width or precision takes an int argument");
  EXPECT_STREQ(errorf_format_problem_for<int*>("%n"), "go::errorf: %n is not supported");
  EXPECT_STREQ(errorf_format_problem_for<int>("%q"), "go::errorf: unknown conversion");
  EXPECT_STREQ(errorf_format_problem_for<>("50%"), "go::errorf: the format ends inside a conversion");
  EXPECT_EQ((errorf_format_problem_for<long, std::size_t, char, float>("%ld %zu %c %f")), nullptr);
}

// ---------------------------------------------------------------------------
// user error types, As
// ---------------------------------------------------------------------------

TEST(Errors, UserTypeIsAnError) {
  go::error e = not_found{"user"};
  EXPECT_EQ(e.message(), "user not found");
  go::error m = go::make_error<not_found>("made");
  EXPECT_EQ(m.message(), "made not found");
  // A type without operator== compares by identity.
  go::error e2 = not_found{"user"};
  EXPECT_FALSE(e == e2);
  EXPECT_TRUE(e == go::error(e));
  auto task_result = []() -> go::task<go::error> { co_return not_found{"in a task"}; };
  std::string msg;
  go::run([&]() -> go::task<> { msg = (co_await task_result()).message(); });
  EXPECT_EQ(msg, "in a task not found");
}

TEST(Errors, AsFindsUserTypeBehindWraps) {
  go::error base = go::errors::new_("file does not exist");
  go::error err = go::errorf("load: %w", path_error{"open", "/etc/x", base});
  auto pe = go::errors::as<path_error>(err);
  ASSERT_TRUE(static_cast<bool>(pe));
  EXPECT_EQ(pe->path, "/etc/x");
  EXPECT_EQ((*pe).op, "open");
  EXPECT_TRUE(go::errors::is(err, base));  // through the user type's unwrap
  EXPECT_TRUE(go::errors::unwrap(go::errors::unwrap(err)) == base);
  EXPECT_FALSE(static_cast<bool>(go::errors::as<not_found>(err)));
  // The first match in the walk: the outer value, not an inner one.
  go::error nested = path_error{"outer", "o", path_error{"inner", "i", base}};
  EXPECT_EQ(go::errors::as<path_error>(nested)->op, "outer");
}

TEST(Errors, AsResultKeepsTheValueAlive) {
  go::errors::as_result<not_found> nf;
  {
    go::error e = go::errorf("wrapped: %w", makes_inner{});
    nf = go::errors::as<not_found>(e);
  }
  ASSERT_TRUE(static_cast<bool>(nf));
  EXPECT_EQ(nf->name, "made");
  go::errors::as_result<not_found> none = go::errors::as<not_found>(go::errors::new_("x"));
  EXPECT_EQ(none.get(), nullptr);
  EXPECT_EQ(panic_text([&] { (void)none->name; }), "runtime error: invalid memory address or nil pointer dereference");
}

TEST(Errors, ValueTypesCompareByValue) {
  go::error enoent = errno_error{2};
  EXPECT_TRUE(enoent == go::error(errno_error{2}));
  EXPECT_FALSE(enoent == go::error(errno_error{13}));
  EXPECT_FALSE(enoent == go::errors::new_("errno 2"));
  go::error err = go::errorf("open /x: %w", errno_error{2});
  EXPECT_TRUE(go::errors::is(err, errno_error{2}));
  EXPECT_FALSE(go::errors::is(err, errno_error{13}));
  EXPECT_EQ(go::errors::as<errno_error>(err)->code, 2);
}

TEST(Errors, CustomIsMethod) {
  go::error err = go::errorf("read: %w", timeout_error{});
  EXPECT_TRUE(go::errors::is(err, go::deadline_exceeded));
  EXPECT_FALSE(go::errors::is(err, go::canceled));
  EXPECT_FALSE(go::error(timeout_error{}) == go::deadline_exceeded);  // is() is not ==
}

TEST(Errors, UserMultiUnwrapWalksDepthFirst) {
  go::error deep = go::errorf("first: %w", errno_error{1});
  go::error err = multi_error{{go::error(), deep, errno_error{2}}};
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(err)));
  EXPECT_TRUE(go::errors::is(err, errno_error{1}));
  EXPECT_TRUE(go::errors::is(err, errno_error{2}));
  EXPECT_FALSE(go::errors::is(err, errno_error{3}));
  // Depth-first: the value inside the first branch comes before the
  // shallower one in the second.
  EXPECT_EQ(go::errors::as<errno_error>(err)->code, 1);
}

// ---------------------------------------------------------------------------
// Join
// ---------------------------------------------------------------------------

TEST(Errors, Join) {
  go::error err1 = go::errors::new_("err1");
  go::error err2 = go::errors::new_("err2");
  go::error err = go::errors::join(err1, err2);
  EXPECT_EQ(err.message(), "err1\nerr2");
  EXPECT_TRUE(go::errors::is(err, err1));
  EXPECT_TRUE(go::errors::is(err, err2));
  EXPECT_FALSE(static_cast<bool>(go::errors::unwrap(err)));
  go::error wrapped = go::errorf("batch: %w", err);
  EXPECT_TRUE(go::errors::is(wrapped, err2));
  EXPECT_EQ(wrapped.message(), "batch: err1\nerr2");
}

TEST(Errors, JoinDropsNil) {
  go::error nil;
  go::error a = go::errors::new_("a");
  EXPECT_FALSE(static_cast<bool>(go::errors::join()));
  EXPECT_FALSE(static_cast<bool>(go::errors::join(nil, nil)));
  go::error one = go::errors::join(nil, a, nil);
  EXPECT_EQ(one.message(), "a");
  EXPECT_FALSE(one == a);  // a new error that wraps a
  EXPECT_TRUE(go::errors::is(one, a));
  std::vector<go::error> list{a, nil, not_found{"x"}};
  go::error joined = go::errors::join(list);
  EXPECT_EQ(joined.message(), "a\nx not found");
  EXPECT_TRUE(static_cast<bool>(go::errors::as<not_found>(joined)));
  EXPECT_FALSE(static_cast<bool>(go::errors::join(std::vector<go::error>{})));
}

// ---------------------------------------------------------------------------
// goroutines
// ---------------------------------------------------------------------------

TEST(Errors, CrossGoroutinesThroughAChannel) {
  constexpr int kWorkers = 8;
  go::error sentinel = go::errors::new_("shard unavailable");
  int wrapped_found = 0, as_found = 0, messages_ok = 0;
  int rc = go::run(
      [&]() -> go::task<> {
        auto errs = go::make_chan<go::error>();
        for (int i = 0; i < kWorkers; ++i) {
          go::spawn(
              [](int id, go::error base, go::send_chan<go::error> out) -> go::task<> {
                go::error e = go::errorf("worker %d: %w", id, go::errors::join(base, errno_error{id}));
                co_await out.send(e);
              },
              i, sentinel, errs);
        }
        for (int i = 0; i < kWorkers; ++i) {
          go::error e = co_await errs.recv();
          if (go::errors::is(e, sentinel)) ++wrapped_found;
          if (auto code = go::errors::as<errno_error>(e)) {
            ++as_found;
            if (e.message() ==
                "worker " + std::to_string(code->code) + ": shard unavailable\nerrno " + std::to_string(code->code))
              ++messages_ok;
          }
        }
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(wrapped_found, kWorkers);
  EXPECT_EQ(as_found, kWorkers);
  EXPECT_EQ(messages_ok, kWorkers);
}

// One error shared by goroutines that copy, compare and walk it at once.
TEST(Errors, SharedBetweenGoroutines) {
  constexpr int kWorkers = 8;
  go::error shared = go::errorf("top: %w", path_error{"read", "f", go::errorf("mid: %w", go::canceled)});
  int ok = 0;
  int rc = go::run(
      [&]() -> go::task<> {
        auto results = go::make_chan<bool>(kWorkers);
        for (int i = 0; i < kWorkers; ++i) {
          go::spawn(
              [](go::error e, go::send_chan<bool> out) -> go::task<> {
                bool good = true;
                for (int k = 0; k < 200; ++k) {
                  go::error copy = e;
                  good = good && copy == e && go::errors::is(copy, go::canceled) &&
                         go::errors::as<path_error>(copy)->path == "f";
                  co_await go::yield();
                }
                co_await out.send(good);
              },
              shared, results);
        }
        for (int i = 0; i < kWorkers; ++i)
          if (co_await results.recv()) ++ok;
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(ok, kWorkers);
}

}  // namespace
