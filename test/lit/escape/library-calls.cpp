// The runtime's library calls in the escape analysis and the dangling
// check: errgroup's go starts a goroutine (what it is given escapes; a local
// it reaches is joined by the group's wait on every path, or reported),
// after_func runs its function later in a goroutine, sync.Map and sync.Pool
// keep copies on the heap, errors::new_ is errors.New (not go::new_), and
// co_await g.wait() hands back an error, not the group.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling t.cpp > %t/dangling.txt
// RUN: FileCheck %s --check-prefix=DANGLING --input-file=%t/dangling.txt
// RUN: grep -c '^t.cpp:[0-9:]* warning:' %t/dangling.txt | FileCheck %s --check-prefix=COUNT
// COUNT: {{^}}4{{$}}
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/escape.txt
// RUN: FileCheck %s --check-prefix=ESCAPE --input-file=%t/escape.txt
// errors::new_ allocates nothing the analysis tracks, and awaiting g.wait()
// does not send the group anywhere:
// RUN: FileCheck %s --check-prefix=NOT --input-file=%t/escape.txt
// NOT-NOT: errors::new_
// NOT-NOT: moved to heap: g
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <vector>

struct point {
  int x;
};

// Joined on every path: nothing to report.
go::task<go::error> joined(int n) {
  go::errgroup g;
  std::vector<int> results(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    co_await g.go([&results, i]() -> go::task<go::error> {
      results[static_cast<std::size_t>(i)] = i;
      co_return go::error{};
    });
  co_return co_await g.wait();
}

// An early return skips the wait.
go::task<go::error> early(int n) {
  go::errgroup g;
  int total = 0;  // DANGLING: t.cpp:[[@LINE]]:7: warning: address of local variable 'total' outlives it: a spawned goroutine can reach it [gocxx-escape-dangling]
  co_await g.go([&total]() -> go::task<go::error> {  // DANGLING: t.cpp:[[@LINE]]:12: note: no join before the scope ends: a path from the errgroup's go reaches the end of 'total''s scope without waiting on 'g'
    ++total;
    co_return go::error{};
  });
  if (n > 3) co_return go::errors::new_("too many");
  co_return co_await g.wait();
}

// A wait that is never awaited waits for nothing.
go::task<go::error> unawaited() {
  go::errgroup g;
  int total = 0;  // DANGLING: t.cpp:[[@LINE]]:7: warning: address of local variable 'total' outlives it: a spawned goroutine can reach it [gocxx-escape-dangling]
  co_await g.go([&total]() -> go::task<go::error> {  // DANGLING: t.cpp:[[@LINE]]:12: note: no join before the scope ends: a path from the errgroup's go reaches the end of 'total''s scope without waiting on 'g'
    ++total;
    co_return go::error{};
  });
  auto never = g.wait();
  co_return go::error{};
}

// A group replaced before its wait leaves its goroutines unwaited.
go::task<go::error> reassigned() {
  go::errgroup g;
  int total = 0;  // DANGLING: t.cpp:[[@LINE]]:7: warning: address of local variable 'total' outlives it: a spawned goroutine can reach it [gocxx-escape-dangling]
  co_await g.go([&total]() -> go::task<go::error> {
    ++total;
    co_return go::error{};
  });
  g = go::errgroup{};  // DANGLING: t.cpp:[[@LINE]]:3: note: no join before the scope ends: 'g' is used in a way the proof does not follow
  co_return co_await g.wait();
}

// Joined: the group is a structured binding of with_context; another
// group's goroutine reaches nothing of this frame.
go::task<go::error> with_context(go::context parent) {
  auto [g, ctx] = go::errgroup::with_context(parent);
  go::errgroup other;
  int total = 0;
  co_await other.go([]() -> go::task<go::error> { co_return go::error{}; });
  co_await g.go([&total]() -> go::task<go::error> {
    ++total;
    co_return go::error{};
  });
  co_return co_await g.wait();
}

// after_func's goroutine runs later and signals nothing: never joined.
void after_by_reference(int n) {
  int x = n;  // DANGLING: t.cpp:[[@LINE]]:7: warning: address of local variable 'x' outlives it: a spawned goroutine can reach it [gocxx-escape-dangling]
  go::after_func(std::chrono::seconds(1), [&x] { x++; });  // DANGLING: t.cpp:[[@LINE]]:3: note: no join before the scope ends: the goroutine signals nothing its spawner waits for
}

// What a group's goroutine holds escapes, joined or not.
go::task<go::error> by_value() {
  go::errgroup g;
  auto p = go::new_<point>(1);  // ESCAPE: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  co_await g.go([p]() -> go::task<go::error> {
    p->x++;
    co_return go::error{};
  });
  co_return co_await g.wait();
}

void after(int n) {
  auto q = go::new_<point>(n);  // ESCAPE: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  go::after_func(std::chrono::seconds(1), [q] { q->x++; });
}

go::error news() {
  auto r = go::new_<point>(3);  // ESCAPE: t.cpp:[[@LINE]]:12: go::new_<point> does not escape
  r->x++;
  return go::errors::new_("x");
}

void stored(go::sync_map<int, go::ptr<point>>& m, go::pool<go::ptr<point>>& pool) {
  auto s = go::new_<point>(4);  // ESCAPE: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  m.store(1, s);
  auto t = go::new_<point>(5);  // ESCAPE: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  pool.put(t);
}
