// Stress tests: no lost wake-ups and no lost or duplicated messages when
// many goroutines send and receive through select, plain operations and
// timers on several procs at once.
//
// Shared state lives in a std::shared_ptr that every goroutine holds, so a
// test that gives up after a time limit (a lost wake-up) reports a failure
// instead of leaving goroutines with dangling references.
//
// GOCXX_TEST_SCALE scales the number of messages and repetitions.

#include "sched_test_support.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using gotest::latch;

namespace {

class Stress : public ::testing::TestWithParam<int> {
 protected:
  go::config cfg() const { return go::config{.maxprocs = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(Maxprocs, Stress, ::testing::Values(2, 4), gotest::procs_name);

// Records each message id once; counts what goes wrong.
struct ledger {
  explicit ledger(long n) : total(n), seen(static_cast<std::size_t>(n)) {}
  const long total;
  std::vector<std::atomic<unsigned char>> seen;
  std::atomic<long> received{0}, duplicates{0}, out_of_range{0};

  // true for the message that completes the ledger.
  bool record(long id) {
    if (id < 0 || id >= total)
      out_of_range.fetch_add(1);
    else if (seen[static_cast<std::size_t>(id)].exchange(1) != 0)
      duplicates.fetch_add(1);
    return received.fetch_add(1) + 1 == total;
  }
  long missing() const {
    long m = 0;
    for (const auto& s : seen) m += s.load() == 0;
    return m;
  }
};

// ---------------------------------------------------------------------------
// 64 goroutines over 8 channels, all through select
// ---------------------------------------------------------------------------

constexpr int kChans = 8;
constexpr int kWorkers = 64;

struct mesh {
  mesh(long quota) : quota(quota), log(quota * kWorkers), finished(kWorkers) {
    constexpr std::array<int, kChans> caps{0, 0, 0, 1, 1, 2, 4, 16};
    for (int i = 0; i < kChans; ++i) ch[i] = go::make_chan<long>(caps[i]);
    done = go::make_chan<go::unit>();
  }
  const long quota;
  std::array<go::chan<long>, kChans> ch;
  go::chan<go::unit> done;  // closed with the last message received
  ledger log;
  std::atomic<long> sent{0}, try_defaults{0};
  latch finished;
};

// Sends `quota` messages to random channels and receives from all channels
// until every worker's messages have arrived. Every blocking select has a
// receive case on every channel, so while a message is undelivered some
// select can always proceed: a hang is a lost wake-up in the runtime.
go::task<> mesh_worker(std::shared_ptr<mesh> m, int id, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const go::chan<long> nil;
  auto& c = m->ch;
  long next = 0;
  bool running = true;
  while (running) {
    const long msg = id * m->quota + next;
    go::chan<long> s1 = nil, s2 = nil;
    if (next < m->quota) {
      s1 = c[rng() % kChans];
      if (rng() % 2) s2 = c[rng() % kChans];
    }
    long v = -1;
    int idx;
    if (rng() % 4 == 0) {
      // A non-blocking try on one random channel each way.
      idx = co_await go::select(go::on_recv(c[rng() % kChans], &v), go::on_send(s1, msg), go::on_default());
      if (idx == go::select_default) {
        m->try_defaults.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      idx = idx == 0 ? 0 : kChans + 1;
    } else {
      idx = co_await go::select(go::on_recv(c[0], &v), go::on_recv(c[1], &v), go::on_recv(c[2], &v),
                                go::on_recv(c[3], &v), go::on_recv(c[4], &v), go::on_recv(c[5], &v),
                                go::on_recv(c[6], &v), go::on_recv(c[7], &v), go::on_recv(m->done),
                                go::on_send(s1, msg), go::on_send(s2, msg));
    }
    if (idx < kChans) {
      if (m->log.record(v)) {
        go::chan<go::unit> d = m->done;
        d.close();
      }
    } else if (idx == kChans) {
      running = false;
    } else {
      ++next;
      m->sent.fetch_add(1, std::memory_order_relaxed);
    }
  }
  m->finished.count_down();
}

TEST_P(Stress, SixtyFourGoroutinesOverEightChannelsWithSelect) {
  const long quota = gotest::scaled(1000, 20);
  const int reps = static_cast<int>(gotest::scaled(6, 1));
  for (int rep = 0; rep < reps; ++rep) {
    std::shared_ptr<mesh> m;
    bool finished = false;
    go::run(
        [&]() -> go::task<> {
          m = std::make_shared<mesh>(quota);
          for (int id = 0; id < kWorkers; ++id) go::spawn(mesh_worker, m, id, 1000u * rep + id);
          finished = co_await m->finished.wait_for(60s);
        },
        cfg());
    ASSERT_TRUE(finished) << "rep " << rep << ": stuck with " << m->log.received.load() << " of "
                          << m->log.total << " messages received, " << m->sent.load() << " sent";
    EXPECT_EQ(m->sent.load(), m->log.total) << "rep " << rep;
    EXPECT_EQ(m->log.received.load(), m->log.total) << "rep " << rep;
    EXPECT_EQ(m->log.duplicates.load(), 0) << "rep " << rep;
    EXPECT_EQ(m->log.out_of_range.load(), 0) << "rep " << rep;
    EXPECT_EQ(m->log.missing(), 0) << "rep " << rep;
  }
}

// ---------------------------------------------------------------------------
// Many producers and consumers on one channel, plain send / range loop
// ---------------------------------------------------------------------------

constexpr int kProducers = 32, kConsumers = 32;

struct funnel {
  funnel(long n, std::size_t cap)
      : log(n), ch(go::make_chan<long>(cap)), producers(kProducers), consumers(kConsumers) {}
  ledger log;
  go::chan<long> ch;
  latch producers, consumers;
};

TEST_P(Stress, ManyProducersAndConsumersOnOneChannel) {
  const long per = gotest::scaled(5000, 20);
  for (std::size_t cap : {0u, 1u, 8u}) {
    std::shared_ptr<funnel> f;
    bool finished = false;
    go::run(
        [&]() -> go::task<> {
          f = std::make_shared<funnel>(per * kProducers, cap);
          for (int c = 0; c < kConsumers; ++c)
            go::spawn([f]() -> go::task<> {
              go::recv_chan<long> in = f->ch;
              while (auto x = co_await in.next()) f->log.record(*x);
              f->consumers.count_down();
            });
          for (int p = 0; p < kProducers; ++p)
            go::spawn([f, p, per]() -> go::task<> {
              go::send_chan<long> out = f->ch;
              for (long i = 0; i < per; ++i) {
                co_await out.send(p * per + i);
                if (i % 64 == 0) co_await go::yield();
              }
              f->producers.count_down();
            });
          if (co_await f->producers.wait_for(60s)) {
            f->ch.close();
            finished = co_await f->consumers.wait_for(60s);
          }
        },
        cfg());
    ASSERT_TRUE(finished) << "cap " << cap << ": stuck with " << f->log.received.load() << " of " << f->log.total;
    EXPECT_EQ(f->log.received.load(), f->log.total) << "cap " << cap;
    EXPECT_EQ(f->log.duplicates.load(), 0) << "cap " << cap;
    EXPECT_EQ(f->log.missing(), 0) << "cap " << cap;
  }
}

// ---------------------------------------------------------------------------
// Tokens around a ring of unbuffered channels
// ---------------------------------------------------------------------------

TEST_P(Stress, TokensAroundARing) {
  constexpr int kNodes = 64, kTokens = 16;
  const long hops = gotest::scaled(10000, 20);  // per token
  struct ring {
    std::array<go::chan<long>, kNodes> link;  // link[i]: node i -> node i+1
    std::atomic<long> arrived{0}, total_hops{0};
    go::chan<go::unit> all_arrived = go::make_chan<go::unit>();
    go::chan<go::unit> stop = go::make_chan<go::unit>();
  };
  std::shared_ptr<ring> r;
  bool finished = false;
  go::run(
      [&]() -> go::task<> {
        r = std::make_shared<ring>();
        for (auto& l : r->link) l = go::make_chan<long>();
        for (int i = 0; i < kNodes; ++i)
          go::spawn([r, i, hops]() -> go::task<> {
            go::recv_chan<long> in = r->link[(i + kNodes - 1) % kNodes];
            go::send_chan<long> out = r->link[i];
            for (;;) {
              long t = 0;
              if (co_await go::select(go::on_recv(in, &t), go::on_recv(r->stop)) == 1) co_return;
              r->total_hops.fetch_add(1, std::memory_order_relaxed);
              if (t + 1 == hops) {  // this token is done
                if (r->arrived.fetch_add(1) + 1 == kTokens) {
                  go::chan<go::unit> a = r->all_arrived;
                  a.close();
                }
                continue;
              }
              if (co_await go::select(go::on_send(out, t + 1), go::on_recv(r->stop)) == 1) co_return;
            }
          });
        // Inject the tokens at evenly spaced nodes.
        for (int k = 0; k < kTokens; ++k) co_await r->link[k * (kNodes / kTokens)].send(0);
        finished = co_await go::select(go::on_recv(r->all_arrived), go::on_recv(go::after(60s))) == 0;
        r->stop.close();
      },
      cfg());
  EXPECT_TRUE(finished) << r->arrived.load() << " of " << kTokens << " tokens arrived after "
                        << r->total_hops.load() << " hops";
  EXPECT_EQ(r->total_hops.load(), kTokens * hops);
}

// ---------------------------------------------------------------------------
// select racing timers against channel sends
// ---------------------------------------------------------------------------

TEST_P(Stress, SelectWithTimersLosesNoMessages) {
  // Consumers wait with a short timeout; producers send at random moments.
  // When the timer wins, the select must leave the channel's queue: the
  // message then goes to another receiver, never to nobody and never twice.
  constexpr int kSenders = 8, kReceivers = 16;
  const long per = gotest::scaled(1000, 10);
  struct state {
    state(long n) : log(n), producers(kSenders), consumers(kReceivers) {}
    ledger log;
    go::chan<long> ch = go::make_chan<long>();
    go::chan<go::unit> done = go::make_chan<go::unit>();
    std::atomic<long> timeouts{0};
    latch producers, consumers;
  };
  std::shared_ptr<state> s;
  bool finished = false;
  go::run(
      [&]() -> go::task<> {
        s = std::make_shared<state>(per * kSenders);
        for (int c = 0; c < kReceivers; ++c)
          go::spawn([s, c]() -> go::task<> {
            std::mt19937 rng(c);
            for (;;) {
              long v = -1;
              auto timer = go::after(std::chrono::microseconds(rng() % 500));
              int idx = co_await go::select(go::on_recv(s->ch, &v), go::on_recv(timer), go::on_recv(s->done));
              if (idx == 0) {
                if (s->log.record(v)) {
                  go::chan<go::unit> d = s->done;
                  d.close();
                }
              } else if (idx == 1) {
                s->timeouts.fetch_add(1, std::memory_order_relaxed);
              } else {
                break;
              }
            }
            s->consumers.count_down();
          });
        for (int p = 0; p < kSenders; ++p)
          go::spawn([s, p, per]() -> go::task<> {
            std::mt19937 rng(1000 + p);
            for (long i = 0; i < per; ++i) {
              if (rng() % 2) co_await go::sleep(std::chrono::microseconds(rng() % 300));
              co_await s->ch.send(p * per + i);
            }
            s->producers.count_down();
          });
        finished = co_await s->consumers.wait_for(60s);
      },
      cfg());
  EXPECT_TRUE(finished) << "stuck with " << s->log.received.load() << " of " << s->log.total << " received";
  EXPECT_EQ(s->log.received.load(), s->log.total);
  EXPECT_EQ(s->log.duplicates.load(), 0);
  EXPECT_EQ(s->log.missing(), 0);
  EXPECT_GT(s->timeouts.load(), 0) << "the timers never won: the race was not exercised";
}

}  // namespace
