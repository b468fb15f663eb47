// pubsub: a broker goroutine fans each published message out to its
// subscribers over buffered channels, and drops a subscriber whose buffer is
// full -- deleting it from the map while ranging over the map and closing
// its channel, the Go idiom that must neither skip nor repeat a subscriber.
//
// Go equivalent:
//
//   func broker(publish <-chan string, join <-chan sub, done chan<- struct{}) {
//       subs := map[int]chan string{}
//       for {
//           select {
//           case s := <-join:
//               subs[s.id] = s.ch
//           case m, ok := <-publish:
//               if !ok {                            // no more messages
//                   for id, ch := range subs { delete(subs, id); close(ch) }
//                   close(done)
//                   return
//               }
//               for id, ch := range subs {
//                   select {
//                   case ch <- m:
//                   default:                        // full: a slow subscriber
//                       fmt.Printf("broker: dropping subscriber %d\n", id)
//                       delete(subs, id)
//                       close(ch)
//                   }
//               }
//           }
//       }
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

constexpr int num_messages = 100;

struct subscription {
  int id = 0;
  go::chan<std::string> ch;
};

go::task<> broker(go::recv_chan<std::string> publish, go::recv_chan<subscription> join, go::send_chan<go::unit> done) {
  auto subs = go::make_map<int, go::chan<std::string>>();
  for (;;) {
    subscription s;
    std::string m;
    bool ok = false;
    switch (co_await go::select(go::on_recv(join, &s), go::on_recv(publish, &m, &ok))) {
      case 0:
        subs[s.id] = s.ch;  // subs[s.id] = s.ch
        break;
      case 1:
        if (!ok) {  // publish closed: close every subscriber, then say so
          for (auto [id, ch] : subs) {
            subs.erase(id);
            ch.close();
          }
          done.close();
          co_return;
        }
        for (auto [id, ch] : subs) {
          if (co_await go::select(go::on_send(ch, m), go::on_default()) == go::select_default) {
            std::printf("broker: dropping subscriber %d after message '%s'\n", id, m.c_str());
            subs.erase(id);  // delete during range: Go's semantics
            ch.close();      // ch stays valid though its entry is gone
          }
        }
        break;
    }
  }
}

struct tally {
  int count = 0;
  std::size_t bytes = 0;
};

// A subscriber that reads everything; the broker's closing ends its loop.
go::task<> reader(go::recv_chan<std::string> in, tally* t, go::wait_group* wg) {
  go::defer d([wg] { wg->done(); });
  while (auto m = co_await in.next()) {  // for m := range in
    ++t->count;
    t->bytes += m->size();
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto publish = go::make_chan<std::string>();
    auto join = go::make_chan<subscription>();
    auto done = go::make_chan<go::unit>();
    go::spawn(broker, publish, join, done);

    // The readers get &wg and a tally each; wg.wait() joins them before
    // either goes (gocxx-escape-dangling proves that join).
    go::wait_group wg;
    tally tallies[2];
    for (int id = 1; id <= 2; ++id) {
      // Room for every message: a reader is never dropped, however it is scheduled.
      auto ch = go::make_chan<std::string>(num_messages);
      co_await join.send(subscription{id, ch});
      wg.add(1);
      go::spawn(reader, ch, &tallies[id - 1], &wg);
    }
    // A slow subscriber: four slots, read only once the broker has dropped it.
    auto slow = go::make_chan<std::string>(4);
    co_await join.send(subscription{3, slow});

    for (int i = 1; i <= num_messages; ++i) co_await publish.send("message " + std::to_string(i));
    publish.close();
    co_await done.recv();  // the broker has closed every subscriber
    co_await wg.wait();
    for (int id = 1; id <= 2; ++id)
      std::printf("subscriber %d: %d messages, %zu bytes\n", id, tallies[id - 1].count, tallies[id - 1].bytes);

    int kept = 0;
    while (auto m = co_await slow.next()) ++kept;
    std::printf("subscriber 3 (slow): %d messages before it was dropped\n", kept);
  });
}
