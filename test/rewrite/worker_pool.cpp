// worker_pool: ports a Go worker pool (jobs channel, results channel, N
// workers, `for j := range jobs { results <- process(j) }`) in which each
// job and result travels between goroutines while the workers keep scratch
// objects of their own. The rewrite should move each worker's per-job
// checksum state and the collector's tally; it must keep the jobs and the
// results (sent on channels), the wait group the workers share, and the
// per-worker statistics a worker publishes into a shared go::map.
// fixes: 2
// moved: 13
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct job {
  int id;
  int size;
};
struct outcome {
  int job_id;
  long checksum;
};
struct hasher {
  unsigned long h;
  int rounds;
};
struct worker_stats {
  int worker;
  int jobs;
};
struct tally {
  long total;
  int count;
  int max_id;
};

go::task<> worker(int w, go::recv_chan<go::ptr<job>> jobs, go::send_chan<go::ptr<outcome>> out,
                  go::ptr<go::wait_group> wg, go::map<int, go::ptr<worker_stats>> per_worker, go::ptr<go::mutex> mu) {
  auto mine = go::new_<worker_stats>(w, 0);  // stored into the shared map: escapes
  while (auto j = co_await jobs.next()) {
    auto h = go::new_<hasher>(1469598103UL, 0);  // moved, per job
    for (int i = 0; i < (*j)->size; ++i) {
      h->h = (h->h ^ static_cast<unsigned long>((*j)->id * 31 + i)) * 1099511UL % 1000000007UL;
      h->rounds++;
    }
    mine->jobs++;
    co_await out.send(go::new_<outcome>((*j)->id, static_cast<long>(h->h % 100000)));  // sent: escapes
  }
  co_await mu->lock();
  per_worker.set(w, mine);
  mu->unlock();
  wg->done();
}

int main() {
  return go::run([]() -> go::task<> {
    const int n_jobs = 12, n_workers = 3;
    auto jobs = go::make_chan<go::ptr<job>>(n_jobs);
    auto results = go::make_chan<go::ptr<outcome>>(n_jobs);
    auto wg = go::new_<go::wait_group>();
    auto mu = go::new_<go::mutex>();
    auto per_worker = go::make_map<int, go::ptr<worker_stats>>();
    for (int w = 0; w < n_workers; ++w) {
      wg->add(1);
      go::spawn(worker, w, jobs, results, wg, per_worker, mu);
    }
    for (int id = 1; id <= n_jobs; ++id) co_await jobs.send(go::new_<job>(id, id % 4 + 2));  // sent: escape
    jobs.close();
    co_await wg->wait();
    results.close();

    auto t = go::new_<tally>(0, 0, 0);  // moved
    long by_id[n_jobs + 1] = {};
    while (auto r = co_await results.next()) {
      t->total += (*r)->checksum;
      t->count++;
      if ((*r)->job_id > t->max_id) t->max_id = (*r)->job_id;
      by_id[(*r)->job_id] = (*r)->checksum;
    }
    for (int id = 1; id <= n_jobs; ++id) std::printf("job %2d -> %ld\n", id, by_id[id]);
    int jobs_done = 0;
    for (int w = 0; w < n_workers; ++w) jobs_done += (*per_worker.get(w))->jobs;
    std::printf("%d results, checksum total %ld, last job %d, %d jobs counted by %zu workers\n", t->count, t->total,
                t->max_id, jobs_done, per_worker.len());
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
