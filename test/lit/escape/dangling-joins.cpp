// gocxx-escape-dangling and joins: a local that goroutines reach is not
// reported when every goroutine is joined before the local's scope ends;
// a join the check cannot prove is still reported, with a note saying why.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: printf 'CheckOptions:\n  gocxx-escape-dangling.LatchTypes: "app::latch"\n' > %t/.gocxx.yaml
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt
// RUN: FileCheck %s --check-prefix=NEG --input-file=%t/out.txt
// Without the option, app::latch is not a join:
// RUN: rm %t/.gocxx.yaml
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling t.cpp > %t/nolatch.txt
// RUN: FileCheck %s --check-prefix=NOLATCH --input-file=%t/nolatch.txt
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <latch>

namespace app {
// A latch on a channel, as a test suite might write one.
class latch {
 public:
  explicit latch(long n) : left_(n), done_(go::make_chan<go::unit>()) {}
  void count_down() {
    if (left_.fetch_sub(1) == 1) {
      go::chan<go::unit> d = done_;
      d.close();
    }
  }
  go::task<> wait() const {
    go::recv_chan<go::unit> d = done_;
    co_await d.recv();
  }

 private:
  std::atomic<long> left_;
  go::chan<go::unit> done_;
};
}  // namespace app

go::task<> add_one(long* sum, go::wait_group* wg) {
  ++*sum;
  wg->done();
  co_return;
}

// ---- joined: nothing reported ----------------------------------------------

// wg.add(n) before a counted loop of n spawns, each goroutine's done last.
go::task<> wait_group_loop(int n) {
  long sum = 0;
  go::wait_group wg;
  wg.add(n);
  for (int i = 0; i < n; ++i) go::spawn(add_one, &sum, &wg);
  co_await wg.wait();
}
// NEG-NOT: 'sum' outlives it
// NEG-NOT: 'wg' outlives it

// add(1) before each spawn, a lambda capturing by reference.
go::task<> add_per_spawn() {
  int hits[3] = {};
  go::wait_group group;
  for (int i = 0; i < 3; ++i) {
    group.add(1);
    go::spawn([&, i]() -> go::task<> {
      hits[i] = 1;
      group.done();
      co_return;
    });
  }
  co_await group.wait();
}
// NEG-NOT: 'hits' outlives it
// NEG-NOT: 'group' outlives it

// done() deferred: it runs when the goroutine returns, on every path.
go::task<> deferred_done(bool early) {
  int state = 0;
  go::wait_group deferred_wg;
  deferred_wg.add(1);
  go::spawn([&]() -> go::task<> {
    go::defer d([&] { deferred_wg.done(); });
    if (early) co_return;
    state = 1;
  });
  co_await deferred_wg.wait();
}
// NEG-NOT: 'state' outlives it
// NEG-NOT: 'early' outlives it

// A latch type named by LatchTypes: its constructor sets the count.
go::task<> app_latch() {
  int seen = 0;
  app::latch l(2);
  go::spawn([&]() -> go::task<> {
    seen += 1;
    l.count_down();
    co_return;
  });
  go::spawn([&]() -> go::task<> {
    seen += 2;
    l.count_down();
    co_return;
  });
  co_await l.wait();
}
// NEG-NOT: 'seen' outlives it
// NOLATCH: t.cpp:[[@LINE-15]]:7: warning: address of local variable 'seen' outlives it
// NOLATCH: note: no join before the scope ends: the goroutine signals nothing its spawner waits for

// One goroutine whose last act is a send its spawner receives.
go::task<> result_channel() {
  std::atomic<int> progress{0};
  auto done = go::make_chan<int>();
  go::spawn([&progress, done]() -> go::task<> {
    progress = 1;
    co_await done.send(1);
  });
  (void)co_await done.recv();
}
// NEG-NOT: 'progress' outlives it

// n goroutines each send one result; the function receives n results.
go::task<> collect_results(int n) {
  std::atomic<long> total{0};
  auto results = go::make_chan<long>();
  for (int i = 0; i < n; ++i)
    go::spawn([&total, results, i]() -> go::task<> {
      total += i;
      co_await results.send(i);
    });
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await results.recv();
}
// NEG-NOT: 'total' outlives it

// Go's worker pool: the workers signal a wait group that a closer goroutine
// waits on before closing the results; ranging over the results to their
// end waits for the closer, and so for the workers.
go::task<> pool_worker(go::recv_chan<int> jobs, go::send_chan<int> out, go::wait_group* wg) {
  while (auto j = co_await jobs.next()) co_await out.send(*j * *j);
  wg->done();
}
go::task<> worker_pool() {
  auto jobs = go::make_chan<int>(4);
  auto out = go::make_chan<int>(4);
  go::wait_group pool;
  for (int w = 0; w < 3; ++w) {
    pool.add(1);
    go::spawn(pool_worker, jobs, out, &pool);
  }
  go::spawn([](go::wait_group* wg, go::chan<int> results) -> go::task<> {
    co_await wg->wait();
    results.close();
  }, &pool, out);
  for (int j = 0; j < 4; ++j) co_await jobs.send(j);
  jobs.close();
  long sum = 0;
  while (auto v = co_await out.next()) sum += *v;
}
// NEG-NOT: 'pool' outlives it

// ---- not joined: reported ---------------------------------------------------

// No join at all.
go::task<> no_join() {
  int n1 = 0;
  go::spawn([&]() -> go::task<> {
    n1 = 1;
    co_return;
  });
  co_return;
}
// CHECK: t.cpp:[[@LINE-7]]:7: warning: address of local variable 'n1' outlives it: a spawned goroutine can reach it
// CHECK: note: no join before the scope ends: the goroutine signals nothing its spawner waits for

// A join on one path only.
go::task<> one_path(bool wait) {
  long n2 = 0;
  go::wait_group wg2;
  wg2.add(1);
  go::spawn(add_one, &n2, &wg2);
  if (wait) co_await wg2.wait();
}
// CHECK: t.cpp:[[@LINE-6]]:8: warning: address of local variable 'n2' outlives it
// CHECK: note: no join before the scope ends: a path from the spawn reaches the end of 'n2''s scope without waiting on 'wg2'

// A counter smaller than the number of spawns.
go::task<> short_count() {
  long n3 = 0;
  go::wait_group wg3;
  wg3.add(1);
  go::spawn(add_one, &n3, &wg3);
  go::spawn(add_one, &n3, &wg3);
  co_await wg3.wait();
}
// CHECK: t.cpp:[[@LINE-7]]:8: warning: address of local variable 'n3' outlives it
// CHECK: note: no join before the scope ends: the count of 'wg3' is not the number of goroutines

// A use after done().
go::task<> use_after_done() {
  int n4 = 0;
  go::wait_group wg4;
  wg4.add(1);
  go::spawn([&]() -> go::task<> {
    wg4.done();
    n4 = 1;
    co_return;
  });
  co_await wg4.wait();
}
// CHECK: t.cpp:[[@LINE-10]]:7: warning: address of local variable 'n4' outlives it
// CHECK: note: no join before the scope ends: 'n4' is used after the goroutine's signal

// A spawn after the wait.
go::task<> spawn_after_wait() {
  long n5 = 0;
  go::wait_group wg5;
  wg5.add(1);
  go::spawn(add_one, &n5, &wg5);
  co_await wg5.wait();
  go::spawn(add_one, &n5, &wg5);
}
// CHECK: t.cpp:[[@LINE-7]]:8: warning: address of local variable 'n5' outlives it
// CHECK: note: no join before the scope ends: a path from the spawn reaches the end of 'n5''s scope without waiting on 'wg5'

// A grandchild goroutine that is not joined.
go::task<> grandchild() {
  int n6 = 0;
  go::wait_group wg6;
  wg6.add(1);
  go::spawn([&]() -> go::task<> {
    go::spawn([&]() -> go::task<> {
      n6 = 1;
      co_return;
    });
    wg6.done();
    co_return;
  });
  co_await wg6.wait();
}
// CHECK: t.cpp:[[@LINE-13]]:7: warning: address of local variable 'n6' outlives it
// CHECK: note: no join before the scope ends: the goroutine keeps an address it is given beyond its own run

// A signal sent before the last use.
go::task<> signal_first() {
  int n7 = 0;
  auto done7 = go::make_chan<int>(1);
  go::spawn([&n7, done7]() -> go::task<> {
    co_await done7.send(1);
    n7 = 1;
  });
  (void)co_await done7.recv();
}
// CHECK: t.cpp:[[@LINE-8]]:7: warning: address of local variable 'n7' outlives it
// CHECK: note: no join before the scope ends: 'n7' is used after the goroutine's signal

// A wait group passed somewhere the proof cannot follow.
void elsewhere(go::wait_group* wg);
go::task<> passed_on() {
  long n8 = 0;
  go::wait_group wg8;
  wg8.add(1);
  go::spawn(add_one, &n8, &wg8);
  elsewhere(&wg8);
  co_await wg8.wait();
}
// CHECK: t.cpp:[[@LINE-7]]:8: warning: address of local variable 'n8' outlives it
// CHECK: note: no join before the scope ends: 'wg8' is used in a way the proof does not follow

// Two goroutines on one done channel: a receive may take either's signal.
go::task<> two_on_one_channel() {
  int n9 = 0;
  auto done9 = go::make_chan<int>(2);
  go::spawn([&n9, done9]() -> go::task<> {
    n9 += 1;
    co_await done9.send(1);
  });
  go::spawn([&n9, done9]() -> go::task<> {
    n9 += 2;
    co_await done9.send(2);
  });
  (void)co_await done9.recv();
}
// CHECK: t.cpp:[[@LINE-12]]:7: warning: address of local variable 'n9' outlives it
// CHECK: note: no join before the scope ends: the receives from 'done9' are not one per goroutine that signals it

// One receive fewer than goroutines.
go::task<> one_short(int n) {
  std::atomic<long> n10{0};
  auto results10 = go::make_chan<long>();
  for (int i = 0; i < n; ++i)
    go::spawn([&n10, results10]() -> go::task<> {
      n10 += 1;
      co_await results10.send(1);
    });
  (void)co_await results10.recv();
  for (int i = 0; i < n - 1; ++i) (void)co_await results10.recv();
}
// CHECK: t.cpp:[[@LINE-10]]:21: warning: address of local variable 'n10' outlives it
// CHECK: note: no join before the scope ends: the receives from 'results10' are not one per goroutine that signals it

// The closer pattern, but the range loop may stop early: its end no longer
// means the channel was closed.
go::task<> closer_break() {
  auto jobs11 = go::make_chan<int>(4);
  auto out11 = go::make_chan<int>(4);
  go::wait_group pool11;
  pool11.add(1);
  go::spawn(pool_worker, jobs11, out11, &pool11);
  go::spawn([](go::wait_group* wg, go::chan<int> results) -> go::task<> {
    co_await wg->wait();
    results.close();
  }, &pool11, out11);
  jobs11.close();
  while (auto v = co_await out11.next())
    if (*v > 10) break;
}
// CHECK: t.cpp:[[@LINE-11]]:18: warning: address of local variable 'pool11' outlives it
// CHECK: note: no join before the scope ends: a path from the spawn reaches the end of 'pool11''s scope without waiting on 'pool11'

// A goroutine that does not signal the results channel may send on it too:
// two receives may take its value and leave a signalling goroutine running.
go::task<> shared_results() {
  std::atomic<int> n12{0};
  auto res12 = go::make_chan<int>(4);
  go::wait_group other;
  other.add(1);
  for (int i = 0; i < 2; ++i)
    go::spawn([&n12, res12]() -> go::task<> {
      n12 += 1;
      co_await res12.send(1);
    });
  go::spawn([res12, &other]() -> go::task<> {
    co_await res12.send(9);
    other.done();
  });
  for (int i = 0; i < 2; ++i) (void)co_await res12.recv();
  co_await other.wait();
}
// CHECK: t.cpp:[[@LINE-16]]:20: warning: address of local variable 'n12' outlives it
// CHECK: note: no join before the scope ends: goroutines other than those that signal 'res12' may send on it

// The spawner's object used after the signal: what it points to is not the
// proof's to know.
struct holder {
  int* last = nullptr;
  go::task<> run() {
    int n13 = 0;
    go::wait_group wg13;
    wg13.add(1);
    go::spawn([this, &n13, &wg13]() -> go::task<> {
      n13 = 1;
      wg13.done();
      last = nullptr;
      co_return;
    });
    co_await wg13.wait();
  }
};
// CHECK: t.cpp:[[@LINE-12]]:9: warning: address of local variable 'n13' outlives it
// CHECK: note: no join before the scope ends: 'this' is used after the goroutine's signal
