// worker_pool: a fixed pool of workers consumes jobs from one channel and
// sends results to another; a wait group tells when every worker is done.
//
// Go equivalent (compare https://gobyexample.com/worker-pools):
//
//   func worker(id int, jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
//       defer wg.Done()
//       for j := range jobs {                  // until jobs is closed and drained
//           time.Sleep(time.Millisecond)       // "work"
//           results <- result{j, id, j * j}
//       }
//   }
//   func main() {
//       jobs, results := make(chan int, numJobs), make(chan result, numJobs)
//       var wg sync.WaitGroup
//       for w := 1; w <= numWorkers; w++ { wg.Add(1); go worker(w, jobs, results, &wg) }
//       for j := 1; j <= numJobs; j++ { jobs <- j }
//       close(jobs)
//       go func() { wg.Wait(); close(results) }()   // closer
//       for r := range results { ... }
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <vector>

constexpr int num_jobs = 12;
constexpr int num_workers = 3;

struct result {
  int job = 0, worker = 0;
  long value = 0;
};

go::task<> worker(int id, go::recv_chan<int> jobs, go::send_chan<result> results,
                  go::wait_group* wg) {
  go::defer done([wg] { wg->done(); });    // defer wg.Done()
  while (auto j = co_await jobs.next()) {  // for j := range jobs
    co_await go::sleep(std::chrono::milliseconds(1));
    co_await results.send(result{*j, id, long(*j) * *j});
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto jobs = go::make_chan<int>(num_jobs);
    auto results = go::make_chan<result>(num_jobs);
    // The goroutines get &wg; wg.wait() below joins them before wg's scope
    // ends (gocxx-escape-dangling proves that join).
    go::wait_group wg;
    for (int w = 1; w <= num_workers; ++w) {
      wg.add(1);
      go::spawn(worker, w, jobs, results, &wg);  // go worker(w, jobs, results, &wg)
    }
    for (int j = 1; j <= num_jobs; ++j) co_await jobs.send(j);
    jobs.close();  // no more jobs: each worker's range loop ends once it is drained

    // The closer goroutine closes results after the last worker is done, so
    // that the range loop below ends.
    go::spawn([](go::wait_group* wg, go::chan<result> results) -> go::task<> {
      co_await wg->wait();
      results.close();
    }, &wg, results);

    std::vector<long> by_job(num_jobs + 1);
    long sum = 0;
    int count = 0;
    while (auto r = co_await results.next()) {  // for r := range results
      by_job[r->job] = r->value;                // results arrive in any order
      sum += r->value;
      ++count;
    }
    for (int j = 1; j <= num_jobs; ++j) std::printf("job %2d -> %3ld\n", j, by_job[j]);
    std::printf("%d jobs done by %d workers, sum of squares = %ld\n", count, num_workers, sum);
  });
}
