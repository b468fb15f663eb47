// Tests for go::chan: unbuffered rendezvous, buffered FIFO, FIFO order of
// blocked receivers and senders, close, nil channels, directional handles and
// range loops (next()).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do); most results are collected and checked after
// go::run returns.

#include "sched_test_support.hpp"

#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;
using gotest::latch;

namespace {

class Chan : public ::testing::TestWithParam<int> {
 protected:
  go::config cfg() const { return go::config{.maxprocs = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(Maxprocs, Chan, ::testing::Values(1, 2, 4), gotest::procs_name);

constexpr const char* kNoPanic = "<no panic>";

// ---------------------------------------------------------------------------
// Unbuffered channels
// ---------------------------------------------------------------------------

TEST_P(Chan, UnbufferedSendBlocksUntilAReceiverComes) {
  bool sent_early = true, sent_later = false;
  int got = 0;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>();
        std::atomic<bool> sent{false};
        latch l(1);
        go::spawn([&, ch]() -> go::task<> {
          co_await ch.send(7);
          sent = true;
          l.count_down();
        });
        co_await go::sleep(50ms);
        sent_early = sent.load();
        got = co_await ch.recv();
        co_await l.wait();
        sent_later = sent.load();
      },
      cfg());
  EXPECT_FALSE(sent_early) << "send on an unbuffered channel returned without a receiver";
  EXPECT_TRUE(sent_later);
  EXPECT_EQ(got, 7);
}

TEST_P(Chan, UnbufferedRecvBlocksUntilASenderComes) {
  bool received_early = true;
  std::string got;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<std::string>();
        std::atomic<bool> received{false};
        latch l(1);
        go::spawn([&, ch]() -> go::task<> {
          got = co_await ch.recv();
          received = true;
          l.count_down();
        });
        co_await go::sleep(50ms);
        received_early = received.load();
        co_await ch.send(std::string(100, 'v'));
        co_await l.wait();
      },
      cfg());
  EXPECT_FALSE(received_early);
  EXPECT_EQ(got, std::string(100, 'v'));
}

TEST_P(Chan, UnbufferedPingPong) {
  const int rounds = static_cast<int>(gotest::scaled(20'000));
  int last = -1;
  go::run(
      [&]() -> go::task<> {
        auto ping = go::make_chan<int>();
        auto pong = go::make_chan<int>();
        go::spawn(
            [](go::recv_chan<int> in, go::send_chan<int> out, int n) -> go::task<> {
              for (int i = 0; i < n; ++i) co_await out.send(co_await in.recv() + 1);
            },
            ping, pong, rounds);
        int v = 0;
        for (int i = 0; i < rounds; ++i) {
          co_await ping.send(v);
          int r = co_await pong.recv();
          if (r != v + 1) {
            EXPECT_EQ(r, v + 1) << "round " << i;
            break;
          }
          v = r + 1;
        }
        last = v;
      },
      cfg());
  EXPECT_EQ(last, 2 * rounds);
}

TEST_P(Chan, SendHappensBeforeTheMatchingReceiveCompletes) {
  // Plain (non-atomic) data published through a channel: TSan checks the
  // channel gives the happens-before edge.
  constexpr int kMsgs = 1000;
  long sum = 0;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<std::vector<int>*>(GetParam() == 1 ? 0 : 4);
        std::vector<std::vector<int>> store(kMsgs);
        auto done = go::make_chan<go::unit>();  // closed when the sender is done with store
        go::spawn([&, ch, done]() -> go::task<> {
          for (int i = 0; i < kMsgs; ++i) {
            store[i].assign(8, i);
            co_await ch.send(&store[i]);
          }
          done.close();
        });
        for (int i = 0; i < kMsgs; ++i) {
          std::vector<int>* p = co_await ch.recv();
          sum += std::accumulate(p->begin(), p->end(), 0L);
        }
        co_await done.recv();
      },
      cfg());
  EXPECT_EQ(sum, 8L * kMsgs * (kMsgs - 1) / 2);
}

// ---------------------------------------------------------------------------
// FIFO order of blocked goroutines. maxprocs 1: once a goroutine has set its
// "started" mark it parks without a suspension point in between, so when main
// sees the mark it is already queued on the channel.
// ---------------------------------------------------------------------------

TEST(ChanOrder, BlockedReceiversAreServedFirstInFirstOut) {
  constexpr int kN = 10;
  std::vector<int> got(kN, -1);
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>();
        int started = 0;
        latch l(kN);
        for (int i = 0; i < kN; ++i) {
          go::spawn([&, i]() -> go::task<> {
            ++started;
            got[i] = co_await ch.recv();
            l.count_down();
          });
          while (started <= i) co_await go::yield();
        }
        for (int v = 0; v < kN; ++v) co_await ch.send(v);
        co_await l.wait();
      },
      go::config{.maxprocs = 1});
  for (int i = 0; i < kN; ++i) EXPECT_EQ(got[i], i) << "receiver " << i;
}

TEST(ChanOrder, BlockedSendersAreServedFirstInFirstOut) {
  constexpr int kN = 10;
  std::vector<int> got;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>();
        int started = 0;
        for (int i = 0; i < kN; ++i) {
          go::spawn([&, i]() -> go::task<> {
            ++started;
            co_await ch.send(i);
          });
          while (started <= i) co_await go::yield();
        }
        for (int i = 0; i < kN; ++i) got.push_back(co_await ch.recv());
      },
      go::config{.maxprocs = 1});
  std::vector<int> want(kN);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(got, want);
}

TEST(ChanOrder, SendersBlockedOnAFullBufferFollowTheBufferedValues) {
  // A receive from a full buffer moves the first blocked sender's value to
  // the tail of the buffer (Go's order).
  constexpr int kN = 6;
  std::vector<int> got;
  std::size_t len_while_blocked = 0;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>(2);
        co_await ch.send(100);
        co_await ch.send(101);
        int started = 0;
        latch l(kN);  // main sends on ch too, so ch cannot join the senders
        for (int i = 0; i < kN; ++i) {
          go::spawn([&, i]() -> go::task<> {
            ++started;
            co_await ch.send(i);
            l.count_down();
          });
          while (started <= i) co_await go::yield();
        }
        len_while_blocked = ch.len();
        for (int i = 0; i < kN + 2; ++i) got.push_back(co_await ch.recv());
        co_await l.wait();
      },
      go::config{.maxprocs = 1});
  EXPECT_EQ(len_while_blocked, 2u);
  EXPECT_EQ(got, (std::vector<int>{100, 101, 0, 1, 2, 3, 4, 5}));
}

// ---------------------------------------------------------------------------
// Buffered channels
// ---------------------------------------------------------------------------

TEST_P(Chan, BufferedChannelIsAFifoRingWithLenAndCap) {
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>(3);
        EXPECT_EQ(ch.cap(), 3u);
        EXPECT_EQ(ch.len(), 0u);
        co_await ch.send(1);
        co_await ch.send(2);
        co_await ch.send(3);
        EXPECT_EQ(ch.len(), 3u);
        EXPECT_EQ(co_await go::select(go::on_send(ch, 4), go::on_default()), go::select_default)
            << "a send into a full buffer went through";
        int a = co_await ch.recv();
        EXPECT_EQ(a, 1);
        EXPECT_EQ(ch.len(), 2u);
        co_await ch.send(4);  // wraps around the ring
        EXPECT_EQ(ch.len(), 3u);
        for (int want = 2; want <= 4; ++want) {
          int v = co_await ch.recv();
          EXPECT_EQ(v, want);
        }
        EXPECT_EQ(ch.len(), 0u);
        EXPECT_EQ(ch.cap(), 3u);
        // Many laps of the ring with varying fill levels.
        int next_in = 0, next_out = 0;
        for (int lap = 0; lap < 1000; ++lap) {
          int k = 1 + lap % 3;
          for (int j = 0; j < k; ++j) co_await ch.send(next_in++);
          EXPECT_EQ(ch.len(), static_cast<std::size_t>(k));
          for (int j = 0; j < k; ++j) {
            int v = co_await ch.recv();
            if (v != next_out) {
              EXPECT_EQ(v, next_out) << "lap " << lap;
              co_return;
            }
            ++next_out;
          }
        }
      },
      cfg());
}

TEST_P(Chan, LenAndCapOfUnbufferedAndNilChannels) {
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>();
        EXPECT_EQ(ch.len(), 0u);
        EXPECT_EQ(ch.cap(), 0u);
        go::chan<int> nil;
        EXPECT_TRUE(nil == nullptr);
        EXPECT_FALSE(ch == nullptr);
        EXPECT_EQ(nil.len(), 0u);
        EXPECT_EQ(nil.cap(), 0u);
        co_return;
      },
      cfg());
}

TEST_P(Chan, HandlesCompareByChannelIdentity) {
  go::run(
      [&]() -> go::task<> {
        auto a = go::make_chan<int>(1);
        auto b = go::make_chan<int>(1);
        go::chan<int> a2 = a;
        EXPECT_TRUE(a2 == a);
        EXPECT_FALSE(a == b);
        co_await a2.send(5);  // the copy is the same channel
        EXPECT_EQ(a.len(), 1u);
        int v = co_await a.recv();
        EXPECT_EQ(v, 5);
      },
      cfg());
}

TEST_P(Chan, BufferedProducerConsumerKeepsOrder) {
  const int n = static_cast<int>(gotest::scaled(100'000));
  int bad_at = -1, count = 0;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>(16);
        go::spawn(
            [](go::send_chan<int> out, int n) -> go::task<> {
              for (int i = 0; i < n; ++i) co_await out.send(i);
            },
            ch, n);
        for (int i = 0; i < n; ++i) {
          int v = co_await ch.recv();
          if (v != i && bad_at < 0) bad_at = i;
          ++count;
        }
      },
      cfg());
  EXPECT_EQ(bad_at, -1) << "out of order at " << bad_at;
  EXPECT_EQ(count, n);
}

// ---------------------------------------------------------------------------
// close
// ---------------------------------------------------------------------------

TEST_P(Chan, CloseWakesEveryBlockedReceiverWithTheZeroValue) {
  constexpr int kN = 12;
  struct result {
    std::string v = "unset";
    bool ok = true;
    bool done = false;
  };
  std::vector<result> res(kN);
  for (std::size_t cap : {0u, 4u}) {
    res.assign(kN, result{});
    go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<std::string>(cap);
          std::atomic<int> started{0};
          latch l(kN);
          for (int i = 0; i < kN; ++i)
            go::spawn([&, i]() -> go::task<> {
              started.fetch_add(1);
              switch (i % 3) {
                case 0: {
                  auto [v, ok] = co_await ch.recv_ok();
                  res[i].v = v;
                  res[i].ok = ok;
                  break;
                }
                case 1:
                  res[i].v = co_await ch.recv();
                  res[i].ok = false;
                  break;
                case 2: {
                  auto x = co_await ch.next();
                  res[i].v = x ? *x : std::string();
                  res[i].ok = x.has_value();
                  break;
                }
              }
              res[i].done = true;
              l.count_down();
            });
          while (started.load() < kN) co_await go::yield();
          co_await go::sleep(20ms);  // let them all park
          ch.close();
          co_await l.wait(5s, "a blocked receiver was not woken by close");
        },
        cfg());
    for (int i = 0; i < kN; ++i) {
      EXPECT_TRUE(res[i].done) << "cap " << cap << " receiver " << i;
      EXPECT_EQ(res[i].v, "") << "cap " << cap << " receiver " << i;
      EXPECT_FALSE(res[i].ok) << "cap " << cap << " receiver " << i;
    }
  }
}

TEST_P(Chan, RecvOnAClosedChannelDrainsTheBufferFirst) {
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<std::string>(4);
        co_await ch.send("a");
        co_await ch.send("b");
        co_await ch.send("c");
        ch.close();
        EXPECT_EQ(ch.len(), 3u);
        EXPECT_EQ(ch.cap(), 4u);
        auto [v1, ok1] = co_await ch.recv_ok();
        EXPECT_EQ(v1, "a");
        EXPECT_TRUE(ok1);
        std::string v2 = co_await ch.recv();
        EXPECT_EQ(v2, "b");
        auto v3 = co_await ch.next();
        EXPECT_TRUE(v3.has_value());
        EXPECT_EQ(v3.value_or("none"), "c");
        EXPECT_EQ(ch.len(), 0u);
        auto [v4, ok4] = co_await ch.recv_ok();
        EXPECT_EQ(v4, "");
        EXPECT_FALSE(ok4);
        std::string v5 = co_await ch.recv();
        EXPECT_EQ(v5, "");
        auto v6 = co_await ch.next();
        EXPECT_FALSE(v6.has_value());
      },
      cfg());
}

TEST_P(Chan, SendOnAClosedChannelPanics) {
  std::string unbuffered = kNoPanic, buffered = kNoPanic;
  std::size_t len_after = 99;
  go::run(
      [&]() -> go::task<> {
        auto a = go::make_chan<int>();
        a.close();
        try {
          co_await a.send(1);
        } catch (go::panic_error& e) {
          unbuffered = e.what();
        }
        auto b = go::make_chan<int>(4);  // room in the buffer does not help
        b.close();
        try {
          co_await b.send(1);
        } catch (go::panic_error& e) {
          buffered = e.what();
        }
        len_after = b.len();
      },
      cfg());
  EXPECT_EQ(unbuffered, "send on closed channel");
  EXPECT_EQ(buffered, "send on closed channel");
  EXPECT_EQ(len_after, 0u);
}

TEST_P(Chan, BlockedSendersPanicWhenTheChannelIsClosed) {
  constexpr int kN = 8;
  for (std::size_t cap : {0u, 2u}) {
    std::vector<std::string> msgs(kN, "unset");
    std::vector<int> drained;
    bool drained_ok_after = true;
    go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<int>(cap);
          for (std::size_t i = 0; i < cap; ++i) co_await ch.send(100 + static_cast<int>(i));
          std::atomic<int> started{0};
          latch l(kN);
          for (int i = 0; i < kN; ++i)
            go::spawn([&, i]() -> go::task<> {
              started.fetch_add(1);
              try {
                co_await ch.send(i);
                msgs[i] = kNoPanic;
              } catch (go::panic_error& e) {
                msgs[i] = e.what();
              }
              l.count_down();
            });
          while (started.load() < kN) co_await go::yield();
          co_await go::sleep(20ms);
          ch.close();
          co_await l.wait(5s, "a blocked sender was not woken by close");
          // The values buffered before the close are still there.
          for (std::size_t i = 0; i < cap; ++i) drained.push_back(co_await ch.recv());
          auto [v, ok] = co_await ch.recv_ok();
          (void)v;
          drained_ok_after = ok;
        },
        cfg());
    for (int i = 0; i < kN; ++i) EXPECT_EQ(msgs[i], "send on closed channel") << "cap " << cap << " sender " << i;
    if (cap == 2) EXPECT_EQ(drained, (std::vector<int>{100, 101}));
    EXPECT_FALSE(drained_ok_after);
  }
}

TEST_P(Chan, CloseOfAClosedOrNilChannelPanics) {
  std::string closed = kNoPanic, nil = kNoPanic, via_copy = kNoPanic;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>(1);
        ch.close();
        try {
          ch.close();
        } catch (go::panic_error& e) {
          closed = e.what();
        }
        go::chan<int> copy = ch;
        try {
          copy.close();
        } catch (go::panic_error& e) {
          via_copy = e.what();
        }
        go::chan<int> n;
        try {
          n.close();
        } catch (go::panic_error& e) {
          nil = e.what();
        }
        co_return;
      },
      cfg());
  EXPECT_EQ(closed, "close of closed channel");
  EXPECT_EQ(via_copy, "close of closed channel");
  EXPECT_EQ(nil, "close of nil channel");
}

TEST_P(Chan, ConcurrentClosesExactlyOneSucceeds) {
  constexpr int kClosers = 8;
  const int reps = static_cast<int>(gotest::scaled(50));
  for (int rep = 0; rep < reps; ++rep) {
    std::atomic<int> ok{0}, panicked{0};
    go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<int>();
          auto gate = go::make_chan<go::unit>();
          latch l(kClosers);
          for (int i = 0; i < kClosers; ++i)
            go::spawn([&, ch, gate]() -> go::task<> {
              co_await gate.recv();
              try {
                go::chan<int> c = ch;
                c.close();
                ok.fetch_add(1);
              } catch (go::panic_error& e) {
                EXPECT_STREQ(e.what(), "close of closed channel");
                panicked.fetch_add(1);
              }
              l.count_down();
            });
          gate.close();
          co_await l.wait();
        },
        cfg());
    EXPECT_EQ(ok.load(), 1) << "rep " << rep;
    EXPECT_EQ(panicked.load(), kClosers - 1) << "rep " << rep;
  }
}

TEST(ChanRace, CloseRacingWithBlockedSendersAndReceivers) {
  // Every sender either delivers or panics, every receiver either gets a
  // value or ok=false, and the delivered values are exactly the received
  // ones (plus what is left in the buffer).
  constexpr int kSenders = 16, kReceivers = 16;
  static_assert(kSenders == kReceivers, "one sender and one receiver are spawned per trip");
  const int reps = static_cast<int>(gotest::scaled(100, 4));
  std::mt19937 rng(12345);
  for (int rep = 0; rep < reps; ++rep) {
    const std::size_t cap = rep % 2 ? 0 : 3;
    const int delay_yields = static_cast<int>(rng() % 40);
    std::vector<int> sender_outcome(kSenders, 0);  // 1 delivered, 2 panicked
    std::vector<int> received(kReceivers, -2);      // value, or -1 for ok=false
    std::vector<int> left_in_buffer;
    bool all_done = false;
    go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<int>(cap);
          // Senders and receivers are spawned alternately, one latch each.
          latch senders(kSenders), receivers(kReceivers);
          for (int i = 0; i < kSenders; ++i) {
            go::spawn([&, i, ch]() -> go::task<> {
              try {
                co_await ch.send(i);
                sender_outcome[i] = 1;
              } catch (go::panic_error& e) {
                sender_outcome[i] = std::string(e.what()) == "send on closed channel" ? 2 : 3;
              }
              senders.count_down();
            });
            go::spawn([&, i, ch]() -> go::task<> {
              auto [v, ok] = co_await ch.recv_ok();
              received[i] = ok ? v : -1;
              receivers.count_down();
            });
          }
          for (int y = 0; y < delay_yields; ++y) co_await go::yield();
          ch.close();
          co_await senders.wait(10s, "a sender stayed blocked after close");
          co_await receivers.wait(10s, "a receiver stayed blocked after close");
          all_done = true;
          while (auto x = co_await ch.next()) left_in_buffer.push_back(*x);
        },
        go::config{.maxprocs = 4});
    ASSERT_TRUE(all_done) << "rep " << rep << ": a goroutine stayed blocked after close";
    std::vector<int> delivered, got;
    for (int i = 0; i < kSenders; ++i) {
      ASSERT_TRUE(sender_outcome[i] == 1 || sender_outcome[i] == 2)
          << "rep " << rep << " sender " << i << " outcome " << sender_outcome[i];
      if (sender_outcome[i] == 1) delivered.push_back(i);
    }
    for (int i = 0; i < kReceivers; ++i) {
      ASSERT_GE(received[i], -1) << "rep " << rep << " receiver " << i;
      if (received[i] >= 0) got.push_back(received[i]);
    }
    got.insert(got.end(), left_in_buffer.begin(), left_in_buffer.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, delivered) << "rep " << rep << " (cap " << cap << ")";
    if (cap == 0) ASSERT_TRUE(left_in_buffer.empty());
  }
}

// ---------------------------------------------------------------------------
// Directional handles
// ---------------------------------------------------------------------------

template <class C>
concept can_send = requires(C c, int v) { c.send(v); };
template <class C>
concept can_recv = requires(C c) {
  c.recv();
  c.recv_ok();
  c.next();
};
template <class C>
concept can_close = requires(C c) { c.close(); };
template <class C>
concept has_len_cap = requires(C c) {
  c.len();
  c.cap();
};

TEST(ChanDirection, HandlesAllowOnlyTheirDirection) {
  EXPECT_TRUE(can_send<go::chan<int>>);
  EXPECT_TRUE(can_recv<go::chan<int>>);
  EXPECT_TRUE(can_send<go::send_chan<int>>);
  EXPECT_FALSE(can_recv<go::send_chan<int>>);
  EXPECT_FALSE(can_send<go::recv_chan<int>>);
  EXPECT_TRUE(can_recv<go::recv_chan<int>>);
  EXPECT_FALSE(can_close<go::recv_chan<int>>) << "Go: close of receive-only channel is an error";
  EXPECT_TRUE(can_close<go::send_chan<int>>) << "Go allows close on a send-only channel";
  EXPECT_TRUE(has_len_cap<go::send_chan<int>>);
  EXPECT_TRUE(has_len_cap<go::recv_chan<int>>);
  EXPECT_TRUE((std::is_convertible_v<go::chan<int>, go::send_chan<int>>));
  EXPECT_TRUE((std::is_convertible_v<go::chan<int>, go::recv_chan<int>>));
  EXPECT_FALSE((std::is_convertible_v<go::send_chan<int>, go::recv_chan<int>>));
  EXPECT_FALSE((std::is_convertible_v<go::recv_chan<int>, go::send_chan<int>>));
  EXPECT_FALSE((std::is_convertible_v<go::send_chan<int>, go::chan<int>>));
  EXPECT_FALSE((std::is_convertible_v<go::recv_chan<int>, go::chan<int>>));
}

TEST_P(Chan, DirectionalHandlesUseTheSameChannel) {
  std::vector<int> got;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>(2);
        go::send_chan<int> s = ch;
        go::recv_chan<int> r = ch;
        go::spawn(
            [](go::send_chan<int> out) -> go::task<> {
              for (int i = 0; i < 5; ++i) co_await out.send(i);
              if constexpr (can_close<go::send_chan<int>>) {
                out.close();
              }
            },
            s);
        if constexpr (has_len_cap<go::recv_chan<int>>) EXPECT_EQ(r.cap(), 2u);
        while (got.size() < 5) got.push_back(co_await r.recv());
        if constexpr (!can_close<go::send_chan<int>>) ch.close();
        auto [v, ok] = co_await r.recv_ok();
        EXPECT_FALSE(ok);
        EXPECT_EQ(v, 0);
      },
      cfg());
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
}

// ---------------------------------------------------------------------------
// Range loops
// ---------------------------------------------------------------------------

TEST_P(Chan, NextLoopEndsWhenTheChannelIsClosed) {
  constexpr int kN = 1000;
  for (std::size_t cap : {0u, 1u, 64u}) {
    long sum = 0;
    int count = 0;
    bool in_order = true;
    go::run(
        [&]() -> go::task<> {
          auto ch = go::make_chan<int>(cap);
          go::spawn([ch]() -> go::task<> {
            for (int i = 0; i < kN; ++i) co_await ch.send(i);
            go::chan<int> c = ch;
            c.close();
          });
          while (auto x = co_await ch.next()) {
            if (*x != count) in_order = false;
            sum += *x;
            ++count;
          }
        },
        cfg());
    EXPECT_EQ(count, kN) << "cap " << cap;
    EXPECT_EQ(sum, static_cast<long>(kN) * (kN - 1) / 2) << "cap " << cap;
    EXPECT_TRUE(in_order) << "cap " << cap;
  }
}

TEST_P(Chan, UnitChannelsSignal) {
  int signals = 0;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<go::unit>(3);
        go::spawn([ch]() -> go::task<> {
          for (int i = 0; i < 3; ++i) co_await ch.send(go::unit{});
          go::chan<go::unit> c = ch;
          c.close();
        });
        while (co_await ch.next()) ++signals;
      },
      cfg());
  EXPECT_EQ(signals, 3);
}

// ---------------------------------------------------------------------------
// nil channels (this test leaves goroutines blocked forever, as Go would:
// keep it last in the file)
// ---------------------------------------------------------------------------

TEST_P(Chan, NilChannelsNeverProceed) {
  auto sent = std::make_shared<std::atomic<bool>>(false);
  auto received = std::make_shared<std::atomic<bool>>(false);
  int send_default = 0, recv_default = 0, timed_out = 0;
  int v = 5;
  bool ok = true;
  go::run(
      [&]() -> go::task<> {
        go::chan<int> nil;
        send_default = co_await go::select(go::on_send(nil, 1), go::on_default());
        recv_default = co_await go::select(go::on_recv(nil), go::on_default());
        timed_out = co_await go::select(go::on_recv(nil, &v, &ok), go::on_recv(go::after(30ms)));
        // Plain send and receive on nil block forever (the goroutines are
        // abandoned when main returns).
        go::spawn([nil, sent]() -> go::task<> {
          go::chan<int> c = nil;
          co_await c.send(1);
          *sent = true;
        });
        go::spawn([nil, received]() -> go::task<> {
          go::chan<int> c = nil;
          co_await c.recv();
          *received = true;
        });
        co_await go::sleep(50ms);
      },
      cfg());
  EXPECT_EQ(send_default, go::select_default);
  EXPECT_EQ(recv_default, go::select_default);
  EXPECT_EQ(timed_out, 1);
  EXPECT_EQ(v, 5) << "a nil receive case wrote its output";
  EXPECT_TRUE(ok);
  EXPECT_FALSE(sent->load());
  EXPECT_FALSE(received->load());
}

}  // namespace
