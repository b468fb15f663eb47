// Tests for the scheduler: go::run, go::spawn, go::task, go::yield,
// go::num_goroutine, go::maxprocs, go::blocking, parking of idle threads and
// work stealing.
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do); most results are collected and checked after
// go::run returns.

#include "sched_test_support.hpp"

#include <sched.h>
#include <stdlib.h>

#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;
using gotest::clk;
using gotest::latch;

namespace {

class Sched : public ::testing::TestWithParam<int> {
 protected:
  go::config cfg() const { return go::config{.maxprocs = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(Maxprocs, Sched, ::testing::Values(1, 2, 4), gotest::procs_name);

// ---------------------------------------------------------------------------
// go::run
// ---------------------------------------------------------------------------

TEST_P(Sched, RunReturnsZeroWithMainAsTheOnlyGoroutine) {
  std::size_t n = 0;
  int procs = 0;
  int rc = go::run(
      [&]() -> go::task<> {
        n = go::num_goroutine();
        procs = go::maxprocs();
        co_return;
      },
      cfg());
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(procs, GetParam());
}

TEST(Scheduler, RunCanBeCalledManyTimes) {
  for (int round = 0; round < 20; ++round) {
    long sum = 0;
    int rc = go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<int>();
          for (int i = 1; i <= 10; ++i)
            go::spawn([](go::chan<int> c, int v) -> go::task<> { co_await c.send(v); }, ch, i);
          for (int i = 0; i < 10; ++i) sum += co_await ch.recv();
        },
        go::config{.maxprocs = 1 + round % 4});
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(sum, 55) << "round " << round;
  }
}

// ---------------------------------------------------------------------------
// go::spawn
// ---------------------------------------------------------------------------

go::task<> report_by_value(std::string s, go::recv_chan<go::unit> gate, go::chan<std::string> out) {
  co_await gate.recv();
  co_await out.send(s);
}

TEST_P(Sched, SpawnCopiesArgumentsAtTheSpawnStatement) {
  std::string got_int, got_ref, got_val;
  std::string original_after_spawn;
  go::run(
      [&]() -> go::task<> {
        auto gate = go::make_chan<go::unit>();
        auto out = go::make_chan<std::string>(3);
        int x = 1;
        std::string s(64, 'a');  // long enough to live on the heap
        // Each goroutine reads its arguments only after the gate opens, i.e.
        // after the spawner has changed the originals.
        go::spawn(
            [](int v, go::recv_chan<go::unit> g, go::chan<std::string> o) -> go::task<> {
              co_await g.recv();
              co_await o.send("int:" + std::to_string(v));
            },
            x, gate, out);
        // A reference parameter must bind to the goroutine's own copy.
        go::spawn(
            [](const std::string& str, go::recv_chan<go::unit> g, go::chan<std::string> o) -> go::task<> {
              co_await g.recv();
              co_await o.send("ref:" + str);
            },
            s, gate, out);
        go::spawn(report_by_value, s, gate, out);  // a plain function
        original_after_spawn = s;                    // spawn copies, it does not move from an lvalue
        x = 2;
        s.assign(64, 'b');
        gate.close();
        for (int i = 0; i < 3; ++i) {
          std::string r = co_await out.recv();
          if (r.starts_with("int:"))
            got_int = r;
          else if (r.starts_with("ref:"))
            got_ref = r;
          else
            got_val = r;
        }
      },
      cfg());
  EXPECT_EQ(got_int, "int:1");
  EXPECT_EQ(got_ref, "ref:" + std::string(64, 'a'));
  EXPECT_EQ(got_val, std::string(64, 'a'));
  EXPECT_EQ(original_after_spawn, std::string(64, 'a'));
}

TEST_P(Sched, ByValueLambdaCapturesLiveAsLongAsTheGoroutine) {
  std::string got;
  bool alive_while_blocked = false;
  bool released_after = false;
  go::run(
      [&]() -> go::task<> {
        auto gate = go::make_chan<go::unit>();
        auto out = go::make_chan<std::string>();
        auto token = std::make_shared<int>(7);
        std::weak_ptr<int> weak = token;
        {
          std::string text(200, 'x');
          text += "end";
          // The lambda object is a temporary of this statement.
          go::spawn([text, token, gate, out]() -> go::task<> {
            co_await gate.recv();
            co_await go::yield();
            co_await out.send(text + std::to_string(*token));
          });
        }
        token.reset();
        // Reuse freed memory, so that a dangling capture would show.
        std::vector<std::string> junk(64, std::string(203, 'j'));
        alive_while_blocked = !weak.expired();
        gate.close();
        got = co_await out.recv();
        // Once the goroutine has ended its callable (and captures) go away.
        released_after = co_await gotest::eventually([&] { return weak.expired(); });
      },
      cfg());
  EXPECT_EQ(got, std::string(200, 'x') + "end7");
  EXPECT_TRUE(alive_while_blocked) << "the capture died while its goroutine was blocked";
  EXPECT_TRUE(released_after) << "the captures were not released after the goroutine ended";
}

TEST_P(Sched, ManySpawnsFromOneGoroutineWithoutYieldingAllRun) {
  // More than a local run queue (256) holds: the overflow must go somewhere.
  const long n = gotest::scaled(100'000);
  std::atomic<long> ran{0};
  go::run(
      [&]() -> go::task<> {
        latch l(n);
        for (long i = 0; i < n; ++i)
          go::spawn([&]() -> go::task<> {
            ran.fetch_add(1, std::memory_order_relaxed);
            l.count_down();
            co_return;
          });
        co_await l.wait();
      },
      cfg());
  EXPECT_EQ(ran.load(), n);
}

TEST_P(Sched, ConcurrentSpawnersAllRun) {
  constexpr int kSpawners = 8;
  const long per = gotest::scaled(10'000);
  std::atomic<long> ran{0};
  go::run(
      [&]() -> go::task<> {
        // Shared: the workers' spawners are not joined.
        auto l = std::make_shared<latch>(kSpawners * per);
        for (int s = 0; s < kSpawners; ++s)
          go::spawn([&, l]() -> go::task<> {
            for (long i = 0; i < per; ++i) {
              go::spawn([&, l]() -> go::task<> {
                ran.fetch_add(1, std::memory_order_relaxed);
                l->count_down();
                co_return;
              });
              if (i % 1000 == 0) co_await go::yield();
            }
          });
        co_await l->wait();
      },
      cfg());
  EXPECT_EQ(ran.load(), kSpawners * per);
}

// ---------------------------------------------------------------------------
// go::task
// ---------------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<go::task<>>, "task is move-only");
static_assert(std::is_move_constructible_v<go::task<>>, "task is move-only");
static_assert(!std::is_copy_constructible_v<go::task<int>>, "task is move-only");

go::task<int> add(int a, int b) { co_return a + b; }

go::task<long> depth(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

go::task<std::string> concat(std::string a, std::string b) {
  std::string r = a + co_await go::blocking([] { return std::string("-"); }) + b;
  co_await go::yield();
  co_return r;
}

go::task<int> throws_after_yield() {
  co_await go::yield();
  throw std::runtime_error("boom");
  co_return 0;
}

TEST(Task, CoAwaitReturnsValuesAndNests) {
  int a = 0;
  long d = 0;
  std::string s;
  go::run([&]() -> go::task<> {
    a = co_await add(2, 3);
    d = co_await depth(10'000);
    s = co_await concat("ab", "cd");
  });
  EXPECT_EQ(a, 5);
  EXPECT_EQ(d, 10'000);
  EXPECT_EQ(s, "ab-cd");
}

TEST(Task, ManySynchronousAwaitsInALoopDoNotGrowTheStack) {
  // Without symmetric transfer each completed sub-task would resume its
  // awaiter one stack frame deeper, and this loop would overflow the stack.
  long sum = 0;
  go::run([&]() -> go::task<> {
    for (int i = 0; i < 1'000'000; ++i) sum += co_await add(i % 7, 0);
  });
  long expect = 0;
  for (int i = 0; i < 1'000'000; ++i) expect += i % 7;
  EXPECT_EQ(sum, expect);
}

TEST(Task, ExceptionsPropagateThroughCoAwait) {
  std::string caught;
  int after = 0;
  go::run([&]() -> go::task<> {
    try {
      co_await throws_after_yield();
    } catch (std::runtime_error& e) {
      caught = e.what();
    }
    after = co_await add(1, 1);  // the goroutine goes on normally
  });
  EXPECT_EQ(caught, "boom");
  EXPECT_EQ(after, 2);
}

// ---------------------------------------------------------------------------
// go::yield
// ---------------------------------------------------------------------------

TEST(Scheduler, YieldInterleavesGoroutinesOnOneProc) {
  constexpr int kSteps = 100;
  std::string trace;  // one thread at a time runs goroutines with maxprocs 1
  go::run(
      [&]() -> go::task<> {
        latch l(2);
        auto worker = [&](char c) -> go::task<> {
          for (int i = 0; i < kSteps; ++i) {
            trace.push_back(c);
            co_await go::yield();
          }
          l.count_down();
        };
        go::spawn(worker, 'a');
        go::spawn(worker, 'b');
        co_await l.wait();
      },
      go::config{.maxprocs = 1});
  ASSERT_EQ(trace.size(), 2u * kSteps);
  int switches = 0;
  for (std::size_t i = 1; i < trace.size(); ++i) switches += trace[i] != trace[i - 1];
  // Strict alternation gives 2*kSteps-1 switches, no yielding gives 1. Allow
  // the occasional fairness tick that runs the yielder again.
  EXPECT_GE(switches, kSteps) << trace;
}

TEST_P(Sched, YieldLetsASpinningGoroutineSeeOthersProgress) {
  std::atomic<bool> flag{false};
  bool seen = false;  // read by main itself: after main ends the other may still run
  long spins = 0;
  go::run(
      [&]() -> go::task<> {
        go::spawn([&]() -> go::task<> {
          flag = true;
          co_return;
        });
        while (!flag.load() && spins < 10'000'000) {
          ++spins;
          co_await go::yield();
        }
        seen = flag.load();
      },
      cfg());
  EXPECT_TRUE(seen) << "gave up after " << spins << " yields";
}

// ---------------------------------------------------------------------------
// go::num_goroutine
// ---------------------------------------------------------------------------

TEST_P(Sched, NumGoroutineCountsLiveGoroutines) {
  constexpr int kN = 10;
  std::size_t at_start = 0, after_spawn = 0, while_blocked = 0, at_end = 0;
  go::run(
      [&]() -> go::task<> {
        at_start = go::num_goroutine();
        auto gate = go::make_chan<go::unit>();
        latch l(kN);
        for (int i = 0; i < kN; ++i)
          go::spawn([gate, &l]() -> go::task<> {
            co_await gate.recv();
            l.count_down();
          });
        after_spawn = go::num_goroutine();
        co_await go::sleep(20ms);
        while_blocked = go::num_goroutine();
        gate.close();
        co_await l.wait();
        co_await gotest::eventually([] { return go::num_goroutine() == 1; });
        at_end = go::num_goroutine();
      },
      cfg());
  EXPECT_EQ(at_start, 1u);
  EXPECT_EQ(after_spawn, 1u + kN);
  EXPECT_EQ(while_blocked, 1u + kN);
  EXPECT_EQ(at_end, 1u);
}

// ---------------------------------------------------------------------------
// go::maxprocs
// ---------------------------------------------------------------------------

// Restores GOMAXPROCS when a test ends.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_, old_.c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

int maxprocs_in_run(go::config cfg = {}) {
  int mp = 0;
  go::run(
      [&]() -> go::task<> {
        mp = go::maxprocs();
        co_return;
      },
      cfg);
  return mp;
}

TEST(Scheduler, MaxprocsComesFromConfig) {
  ScopedEnv env("GOMAXPROCS", nullptr);
  EXPECT_EQ(maxprocs_in_run(go::config{.maxprocs = 1}), 1);
  EXPECT_EQ(maxprocs_in_run(go::config{.maxprocs = 3}), 3);
  EXPECT_EQ(maxprocs_in_run(go::config{.maxprocs = 7}), 7);
}

TEST(Scheduler, MaxprocsComesFromGOMAXPROCS) {
  {
    ScopedEnv env("GOMAXPROCS", "3");
    EXPECT_EQ(maxprocs_in_run(), 3);
    // The config wins over the environment.
    EXPECT_EQ(maxprocs_in_run(go::config{.maxprocs = 2}), 2);
  }
  {
    ScopedEnv env("GOMAXPROCS", "5");  // read at each go::run, not cached
    EXPECT_EQ(maxprocs_in_run(), 5);
  }
}

TEST(Scheduler, MaxprocsDefaultsToTheNumberOfCpus) {
  ScopedEnv env("GOMAXPROCS", nullptr);
  cpu_set_t set;
  CPU_ZERO(&set);
  int affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  int mp = maxprocs_in_run();
  EXPECT_TRUE(mp == affinity || mp == hw) << "maxprocs " << mp << ", affinity " << affinity << ", cpus " << hw;
}

TEST_P(Sched, AtMostMaxprocsGoroutinesRunAtOnce) {
  constexpr int kGoroutines = 16;
  std::atomic<int> running{0}, peak{0};
  go::run(
      [&]() -> go::task<> {
        latch l(kGoroutines);
        for (int g = 0; g < kGoroutines; ++g)
          go::spawn([&]() -> go::task<> {
            for (int round = 0; round < 3; ++round) {
              int now = running.fetch_add(1) + 1;
              int p = peak.load();
              while (now > p && !peak.compare_exchange_weak(p, now)) {
              }
              gotest::spin_for(1ms);
              running.fetch_sub(1);
              co_await go::yield();
            }
            l.count_down();
          });
        co_await l.wait();
      },
      cfg());
  EXPECT_GE(peak.load(), 1);
  EXPECT_LE(peak.load(), GetParam());
}

// ---------------------------------------------------------------------------
// go::blocking
// ---------------------------------------------------------------------------

TEST_P(Sched, BlockingReturnsTheValueOfTheCall) {
  int i = 0;
  std::string s;
  bool ran_void = false;
  go::run(
      [&]() -> go::task<> {
        i = co_await go::blocking([] { return 42; });
        s = co_await go::blocking([] { return std::string(100, 'z'); });
        co_await go::blocking([&] { ran_void = true; });
      },
      cfg());
  EXPECT_EQ(i, 42);
  EXPECT_EQ(s, std::string(100, 'z'));
  EXPECT_TRUE(ran_void);
}

TEST(Scheduler, BlockingCallHandsOffTheProcOnOneProc) {
  // With maxprocs 1 a goroutine sleeping in a blocking call must not hold the
  // only P: the main goroutine keeps making progress meanwhile.
  std::atomic<bool> started{false}, finished{false};
  int result = 0;
  long progress_during_call = 0;
  clk::duration call_time{};
  go::run(
      [&]() -> go::task<> {
        latch l(1);
        go::spawn([&]() -> go::task<> {
          started = true;
          auto t0 = clk::now();
          result = co_await go::blocking([] {
            std::this_thread::sleep_for(200ms);
            return 7;
          });
          call_time = clk::now() - t0;
          finished = true;
          l.count_down();
        });
        while (!started.load()) co_await go::yield();
        while (!finished.load()) {
          ++progress_during_call;
          co_await go::sleep(2ms);
        }
        co_await l.wait();
      },
      go::config{.maxprocs = 1});
  EXPECT_EQ(result, 7);
  EXPECT_GE(call_time, 200ms);
  // About 100 iterations fit in the 200 ms; none if the P was held.
  EXPECT_GE(progress_during_call, 20);
}

TEST(Scheduler, ConcurrentBlockingCallsOverlapOnOneProc) {
  constexpr int kCalls = 4;
  clk::duration elapsed{};
  go::run(
      [&]() -> go::task<> {
        latch l(kCalls);
        auto t0 = clk::now();
        for (int i = 0; i < kCalls; ++i)
          go::spawn([&]() -> go::task<> {
            co_await go::blocking([] { std::this_thread::sleep_for(200ms); });
            l.count_down();
          });
        co_await l.wait();
        elapsed = clk::now() - t0;
      },
      go::config{.maxprocs = 1});
  // One after the other would take 800 ms.
  EXPECT_LT(elapsed, 600ms) << std::chrono::duration<double>(elapsed).count() << " s";
}

// ---------------------------------------------------------------------------
// Idle threads park
// ---------------------------------------------------------------------------

// Some channel traffic on every P, so that every thread has been woken.
go::task<> churn(int pairs, int rounds) {
  latch l(pairs);
  for (int p = 0; p < pairs; ++p) {
    auto ping = go::make_chan<int>();
    auto pong = go::make_chan<int>();
    go::spawn(
        [&l](go::chan<int> in, go::chan<int> out, int n) -> go::task<> {
          for (int i = 0; i < n; ++i) co_await out.send(co_await in.recv() + 1);
          l.count_down();
        },
        ping, pong, rounds);
    go::spawn(
        [](go::chan<int> out, go::chan<int> in, int n) -> go::task<> {
          int v = 0;
          for (int i = 0; i < n; ++i) {
            co_await out.send(v);
            v = co_await in.recv();
          }
        },
        ping, pong, rounds);
  }
  co_await l.wait();
}

TEST(Scheduler, IdleThreadsParkWhileMainSleeps) {
  double cpu = 0, wall = 0;
  go::run(
      [&]() -> go::task<> {
        co_await churn(16, 200);
        auto w0 = clk::now();
        double c0 = gotest::process_cpu_seconds();
        co_await go::sleep(300ms);
        cpu = gotest::process_cpu_seconds() - c0;
        wall = std::chrono::duration<double>(clk::now() - w0).count();
      },
      go::config{.maxprocs = 4});
  EXPECT_GE(wall, 0.3);
  EXPECT_LT(cpu, 0.2 * wall) << "cpu " << cpu << " s during " << wall << " s of sleep";
}

TEST(Scheduler, IdleThreadsParkAfterRunReturns) {
  go::run([]() -> go::task<> { co_await churn(16, 200); }, go::config{.maxprocs = 4});
  auto w0 = clk::now();
  double c0 = gotest::process_cpu_seconds();
  std::this_thread::sleep_for(300ms);
  double cpu = gotest::process_cpu_seconds() - c0;
  double wall = std::chrono::duration<double>(clk::now() - w0).count();
  EXPECT_LT(cpu, 0.2 * wall) << "cpu " << cpu << " s during " << wall << " s after go::run returned";
}

// ---------------------------------------------------------------------------
// Work stealing
// ---------------------------------------------------------------------------

TEST(Scheduler, CpuBoundGoroutinesSpreadOverBothProcs) {
  constexpr int kWorkers = 64;
  std::mutex mu;
  std::set<std::thread::id> ids;
  go::run(
      [&]() -> go::task<> {
        auto l = std::make_shared<latch>(kWorkers);  // shared: the spawner is not joined
        go::spawn([&, l]() -> go::task<> {           // the spawner is not main
          for (int i = 0; i < kWorkers; ++i)
            go::spawn([&, l]() -> go::task<> {
              gotest::spin_for(2ms);
              {
                std::lock_guard g(mu);
                ids.insert(std::this_thread::get_id());
              }
              l->count_down();
              co_return;
            });
          co_return;
        });
        co_await l->wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_GE(ids.size(), 2u) << "all 64 CPU-bound goroutines ran on one thread";
}

TEST(Scheduler, AnIdleProcStealsFromABusyOne) {
  // Main fills its own run queue and then spins without ever suspending: only
  // the other P, by stealing, can run the workers.
  constexpr int kWorkers = 32;
  std::atomic<int> done{0};
  int done_while_spinning = 0;
  std::thread::id main_thread;
  std::atomic<int> on_main_thread{0};
  go::run(
      [&]() -> go::task<> {
        main_thread = std::this_thread::get_id();
        latch l(kWorkers);
        for (int i = 0; i < kWorkers; ++i)
          go::spawn([&]() -> go::task<> {
            gotest::spin_for(500us);
            if (std::this_thread::get_id() == main_thread) on_main_thread.fetch_add(1);
            done.fetch_add(1);
            l.count_down();
            co_return;
          });
        auto give_up = clk::now() + 5s;
        while (done.load() < kWorkers && clk::now() < give_up) {
        }
        done_while_spinning = done.load();
        co_await l.wait();
      },
      go::config{.maxprocs = 2});
  // A goroutine parked in a "run next" slot of the busy P may be left to it.
  EXPECT_GE(done_while_spinning, kWorkers - 1);
  EXPECT_LE(on_main_thread.load(), 1);
}

// ---------------------------------------------------------------------------
// A million parked goroutines
// ---------------------------------------------------------------------------

class Million : public Sched {};
INSTANTIATE_TEST_SUITE_P(Maxprocs, Million, ::testing::Values(1, 4), gotest::procs_name);

TEST_P(Million, GoroutinesParkOnOneChannelAndAllFinish) {
  const long n = gotest::scaled(1'000'000);
  std::size_t peak = 0, at_end = 0;
  std::atomic<long> started{0}, saw_close{0};
  bool finished = false;
  go::run(
      [&]() -> go::task<> {
        auto gate = go::make_chan<go::unit>();
        latch l(n);
        for (long i = 0; i < n; ++i)
          go::spawn([gate, &l, &started, &saw_close]() -> go::task<> {
            started.fetch_add(1, std::memory_order_relaxed);
            auto [v, ok] = co_await gate.recv_ok();
            (void)v;
            if (!ok) saw_close.fetch_add(1, std::memory_order_relaxed);
            l.count_down();
          });
        while (started.load() < n) co_await go::sleep(1ms);
        co_await go::sleep(10ms);  // the last ones get from "started" to parked
        peak = go::num_goroutine();
        gate.close();
        co_await l.wait(60s, "a goroutine parked on the gate was not woken by close");
        finished = true;
        co_await gotest::eventually([] { return go::num_goroutine() == 1; }, 10s);
        at_end = go::num_goroutine();
      },
      cfg());
  EXPECT_TRUE(finished);
  EXPECT_EQ(peak, static_cast<std::size_t>(n) + 1);
  EXPECT_EQ(saw_close.load(), n);
  EXPECT_EQ(at_end, 1u);
}

}  // namespace
