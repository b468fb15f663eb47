// Pattern: a struct's channel field is left nil because the constructor forgot
//   to make it; the readiness handshake on it blocks both sides forever.
// Source: classic pattern (the zero value of a chan field is nil; Go spec,
//   https://go.dev/ref/spec#Channel_types: "A nil channel is never ready for
//   communication")
// Goes wrong: serve() blocks sending on the nil `ready`, main blocks receiving
//   from it: all goroutines are asleep (deadlock).
// Fix: make the channel in the constructor.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

struct server {
  std::string addr;
  go::chan<go::unit> ready;

  explicit server(std::string a) : addr(std::move(a)), ready(go::make_chan<go::unit>()) {}

  go::task<> serve() {
    std::printf("listening on %s\n", addr.c_str());
    co_await ready.send(go::unit{});
  }
};

int main() {
  return go::run([]() -> go::task<> {
    server s(":8080");
    go::spawn([](server s) -> go::task<> { co_await s.serve(); }, s);  // go s.serve()
    co_await s.ready.recv();
    std::printf("server is ready\n");
  });
}
