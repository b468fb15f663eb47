// job_scheduler (plain C++): a priority scheduler whose jobs are owned by a
// std::deque of std::unique_ptr, with an admission test, a simulated run per
// job, a checksum computed on a worker std::thread, rejected jobs released
// into a global list, and the best time slot carried across iterations. A
// check gocxx-escape-unique-to-stack should turn the per-job run record of
// simulate() (make_unique), the budget of admit() (new/delete, an early
// return deletes it first) and the per-tick load sample of busiest_tick()
// (new/delete in a loop) into stack objects; it must keep the jobs
// make_job() returns and the deque owns, the jobs released into `deferred`,
// the context handed to the std::thread, the slot carried into the next
// iteration by `best`, and the job with a custom deleter.
// fixes: 3
// moved: 25
#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

struct job {
  int id;
  int cost;
  int priority;
};
struct run_record {
  int id;
  long started, finished;
  int slices;
};
struct budget {
  long limit;
  long used;
};
struct worker_ctx {
  int first, last;
  long sum;
};
struct load_sample {
  int tick;
  int running;
  long weight;
};
struct slot {
  int tick;
  long weight;
};
struct job_closer {
  void operator()(job* j) const {
    std::printf("closing probe job %d\n", j->id);
    delete j;
  }
};

std::vector<job*> deferred;  // owns the jobs released into it

std::unique_ptr<job> make_job(int id, int cost, int priority) {
  return std::make_unique<job>(id, cost, priority);  // kept: returned
}

void defer(const job& j) {
  auto copy = std::make_unique<job>(j.id, j.cost, j.priority + 1);
  deferred.push_back(copy.release());  // kept: released into the global list
}

long simulate(const job& j, long clock) {
  auto rec = std::make_unique<run_record>(j.id, clock, clock, 0);  // moved, per job
  while (rec->finished - rec->started < j.cost) {
    rec->finished += 4;
    rec->slices++;
  }
  std::printf("  job %d ran %ld..%ld in %d slices\n", rec->id, rec->started, rec->finished, rec->slices);
  return rec->finished;
}

bool admit(const job& j, long limit) {
  budget* b = new budget{limit, 0};  // moved: deleted on both paths out
  b->used = static_cast<long>(j.cost) * j.priority;
  if (b->used > b->limit) {
    delete b;
    return false;
  }
  bool ok = b->used * 2 <= b->limit || j.priority >= 3;
  delete b;
  return ok;
}

void worker(worker_ctx* ctx) {
  for (int i = ctx->first; i < ctx->last; ++i) ctx->sum += static_cast<long>(i) * i % 7;
}

long parallel_checksum(int n) {
  auto ctx = std::make_unique<worker_ctx>(0, n, 0);  // kept: handed to a std::thread
  std::thread th(worker, ctx.get());
  th.join();
  return ctx->sum;
}

int busiest_tick(const std::vector<int>& finish_times) {
  std::unique_ptr<slot> best;
  for (int t = 0; t < 8; ++t) {
    load_sample* s = new load_sample{t, 0, 0};  // moved, per tick
    for (int f : finish_times)
      if (f / 10 == s->tick) s->running++, s->weight += f;
    auto cand = std::make_unique<slot>(s->tick, s->weight * 10 + s->running);  // kept: carried on by best
    delete s;
    if (!best || cand->weight > best->weight) best = std::move(cand);
  }
  return best->tick;
}

int main() {
  std::deque<std::unique_ptr<job>> queue;
  const int plan[][3] = {{1, 9, 2}, {2, 30, 1}, {3, 14, 3}, {4, 5, 1}, {5, 22, 2}, {6, 40, 2}, {7, 11, 4}};
  for (const auto& p : plan) queue.push_back(make_job(p[0], p[1], p[2]));
  std::sort(queue.begin(), queue.end(), [](const auto& a, const auto& b) {
    return a->priority != b->priority ? a->priority > b->priority : a->id < b->id;
  });
  long clock = 0;
  std::vector<int> finished;
  while (!queue.empty()) {
    std::unique_ptr<job> j = std::move(queue.front());
    queue.pop_front();
    if (!admit(*j, 60)) {
      std::printf("  job %d deferred\n", j->id);
      defer(*j);
      continue;
    }
    clock = simulate(*j, clock);
    finished.push_back(static_cast<int>(clock));
  }
  for (job* d : deferred) {
    if (admit(*d, 200)) clock = simulate(*d, clock), finished.push_back(static_cast<int>(clock));
    delete d;
  }
  deferred.clear();
  std::printf("clock %ld, busiest tick %d, checksum %ld\n", clock, busiest_tick(finished), parallel_checksum(1000));
  std::unique_ptr<job, job_closer> probe(new job{99, 1, 1});  // kept: custom deleter
  std::printf("probe admitted: %s\n", admit(*probe, 1) ? "yes" : "no");
}
