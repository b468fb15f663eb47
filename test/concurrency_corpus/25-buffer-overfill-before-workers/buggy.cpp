// Pattern: a goroutine fills a buffered job channel beyond its capacity before
//   starting the workers that would drain it: a self-deadlock.
// Source: https://github.com/mmcgrana/gobyexample/pull/180 ("If the job channel
//   buffer is smaller than the actual number of jobs, then the main go routine
//   wont be able to fill the job channel and hence a possible deadlock")
// Goes wrong: the third send finds the 2-slot buffer full and no worker yet:
//   deadlock.
// Fix: start the workers first.
// EXPECT: gocxx-chan-self-deadlock line 24
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::task<> worker(go::recv_chan<int> jobs, go::send_chan<int> results) {
  while (auto j = co_await jobs.next()) co_await results.send(*j * 2);
}

int main() {
  return go::run([]() -> go::task<> {
    constexpr int num_jobs = 5;
    auto jobs = go::make_chan<int>(2);
    auto results = go::make_chan<int>(num_jobs);
    for (int j = 1; j <= num_jobs; ++j) {
      co_await jobs.send(j);
    }
    jobs.close();
    for (int w = 1; w <= 3; ++w) go::spawn(worker, jobs, results);
    int sum = 0;
    for (int j = 1; j <= num_jobs; ++j) sum += co_await results.recv();
    std::printf("sum of results: %d\n", sum);
  });
}
