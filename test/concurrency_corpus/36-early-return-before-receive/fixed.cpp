// Pattern: a function starts a goroutine to compute its result, then returns
//   early (a validation error) without ever receiving that result.
// Source: classic pattern (the result channel dropped on an early return; the
//   Go blog, https://go.dev/blog/pipelines: "goroutines are not garbage
//   collected; they must exit on their own")
// Goes wrong: load("") returns its error; the loader goroutine blocks forever
//   sending the config nobody will read (leak).
// Fix: validate before starting the goroutine.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

go::task<go::error> load(std::string name, std::string* out) {
  if (name.empty()) {
    co_return go::errorf("load: empty name");
  }
  auto res = go::make_chan<std::string>();
  go::spawn([](std::string name, go::send_chan<std::string> res) -> go::task<> {
    co_await go::sleep(10ms);  // read and parse the file
    co_await res.send("config of '" + name + "'");
  }, name, res);
  *out = co_await res.recv();
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    std::string cfg;
    go::error err = co_await load("", &cfg);
    std::printf("load(\"\"): %s\n", err.message().c_str());
    err = co_await load("app", &cfg);
    std::printf("load(\"app\"): %s, %s\n", err.message().c_str(), cfg.c_str());
  });
}
