// pubsub_probe: a broker fanning 200,000 small messages out to 8 subscribers
// over buffered channels, a whole program timed from outside. bench/compare.sh
// runs it beside its Go reference, bench/go/pubsub (same work, same stdout, so
// the outputs can be diffed), and reports the wall time and peak RSS of each
// process.
//
// Usage: pubsub_probe [-messages 200000] [-subscribers 8] [-cap 64]
//
// Inside go::run (maxprocs = 2): the main goroutine publishes "message 1" ..
// "message N" (std::string, as Go's string) on a publish channel of capacity
// -cap. A broker goroutine ranges over it and sends each message to every
// subscriber, each over its own channel of capacity -cap (a blocking send: no
// message is dropped). When main closes publish, the broker closes the
// subscriber channels and ends; each subscriber counts the messages and bytes
// it received and, when its channel is closed, reports them over a results
// channel. main prints every subscriber's totals and the sum.
//
// Every message crosses two buffered channels, so the work is channel
// hand-offs between goroutines on 2 Ps, parking and waking as the buffers
// fill and drain. examples/pubsub.cpp is the small version (100 messages, a
// map of subscribers, a slow one that is dropped).
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct tally {
  int id = 0;
  long count = 0, bytes = 0;
};

// The broker fans each message out to every subscriber, then closes them.
go::task<> broker(go::recv_chan<std::string> publish, std::vector<go::chan<std::string>> subs,
                  go::send_chan<go::unit> done) {
  while (auto m = co_await publish.next()) {  // for m := range publish
    for (auto& ch : subs) co_await ch.send(*m);
  }
  for (auto& ch : subs) ch.close();
  done.close();
}

go::task<> subscriber(int id, go::recv_chan<std::string> in, go::send_chan<tally> results) {
  tally t{id, 0, 0};
  while (auto m = co_await in.next()) {
    ++t.count;
    t.bytes += static_cast<long>(m->size());
  }
  co_await results.send(t);
}

bool parse(int argc, char** argv, long& messages, long& subscribers, long& capacity) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] == '-' && a[1] == '-') ++a;
    const char* val = std::strchr(a, '=');
    std::string key = val ? std::string(a, val) : std::string(a);
    if (val) {
      ++val;
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return false;
    }
    char* end = nullptr;
    long v = std::strtol(val, &end, 10);
    if (end == val || *end != '\0') return false;
    if (key == "-messages") {
      messages = v;
    } else if (key == "-subscribers") {
      subscribers = v;
    } else if (key == "-cap") {
      capacity = v;
    } else {
      return false;
    }
  }
  return messages >= 0 && subscribers >= 1 && capacity >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  long num_messages = 200000, num_subs = 8, capacity = 64;
  if (!parse(argc, argv, num_messages, num_subs, capacity)) {
    std::fprintf(stderr, "usage: %s [-messages N>=0] [-subscribers N>=1] [-cap N>=0]\n", argv[0]);
    return 2;
  }
  return go::run(
      [num_messages, num_subs, capacity]() -> go::task<> {
        const auto cap = static_cast<std::size_t>(capacity);
        auto publish = go::make_chan<std::string>(cap);
        auto results = go::make_chan<tally>();
        auto done = go::make_chan<go::unit>();
        std::vector<go::chan<std::string>> subs;
        for (long i = 0; i < num_subs; ++i) {
          subs.push_back(go::make_chan<std::string>(cap));
          go::spawn(subscriber, static_cast<int>(i + 1), subs.back(), results);
        }
        go::spawn(broker, publish, subs, done);

        for (long i = 1; i <= num_messages; ++i) co_await publish.send("message " + std::to_string(i));
        publish.close();

        // Every subscriber's report joins it; the closed done joins the broker.
        std::vector<tally> totals(static_cast<std::size_t>(num_subs));
        for (long i = 0; i < num_subs; ++i) {
          tally t = co_await results.recv();
          totals[static_cast<std::size_t>(t.id - 1)] = t;
        }
        (void)co_await done.recv();
        long count = 0, bytes = 0;
        for (const tally& t : totals) {
          std::printf("subscriber %d: %ld messages, %ld bytes\n", t.id, t.count, t.bytes);
          count += t.count;
          bytes += t.bytes;
        }
        std::printf("total: %ld messages, %ld bytes\n", count, bytes);
      },
      go::config{.maxprocs = 2});
}
