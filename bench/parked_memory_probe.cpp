// Figure 4: memory per parked goroutine.
//
// Usage: parked_memory_probe [-n 200000]
//
// Inside go::run (maxprocs = 2): reads VmRSS from /proc/self/status, spawns n
// goroutines that each call started.done() and then block receiving from one
// channel, waits until all have started, reads VmRSS again and prints
//   parked_goroutines=<n> rss_before_kb=<kb> rss_after_kb=<kb> bytes_per_goroutine=<b>
// Then it closes the channel and waits for the goroutines to end.
// Go reference: bench/go/parked.
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

static long vm_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  std::fprintf(stderr, "parked_memory_probe: no VmRSS in /proc/self/status\n");
  std::exit(1);
}

static go::task<> parked(go::recv_chan<go::unit> block, go::wait_group* started,
                         go::wait_group* finished) {
  started->done();
  (void)co_await block.recv();
  finished->done();
}

int main(int argc, char** argv) {
  long n = 200000;
  for (int i = 1; i < argc; ++i) {
    if ((std::strcmp(argv[i], "-n") == 0 || std::strcmp(argv[i], "--n") == 0) && i + 1 < argc) {
      n = std::strtol(argv[++i], nullptr, 10);
    } else if (std::strncmp(argv[i], "-n=", 3) == 0) {
      n = std::strtol(argv[i] + 3, nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [-n count]\n", argv[0]);
      return 2;
    }
  }
  if (n <= 0) {
    std::fprintf(stderr, "parked_memory_probe: count must be positive\n");
    return 2;
  }
  return go::run(
      [n]() -> go::task<> {
        auto block = go::make_chan<go::unit>();
        go::wait_group started;
        go::wait_group finished;
        long before = vm_rss_kib();
        started.add(static_cast<int>(n));
        finished.add(static_cast<int>(n));
        for (long i = 0; i < n; ++i) {
          go::spawn(parked, block, &started, &finished);
        }
        co_await started.wait();
        long after = vm_rss_kib();
        std::printf("parked_goroutines=%ld rss_before_kb=%ld rss_after_kb=%ld "
                    "bytes_per_goroutine=%.1f\n",
                    n, before, after, static_cast<double>(after - before) * 1024.0 / n);
        std::fflush(stdout);
        block.close();
        co_await finished.wait();
      },
      go::config{.maxprocs = 2});
}
