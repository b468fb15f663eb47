// bank_account: ports a Go bank simulation: accounts guarded by a
// sync.Mutex in a map[int]*Account, tellers run as goroutines joined with a
// sync.WaitGroup, every transfer's *Receipt sent to an auditor goroutine. The
// rewrite should move the per-transfer quote, the fee schedule fee_for()
// consults on each call and the statement printed per account; it must keep
// the accounts (in the ledger map and reached by goroutines), the wait group
// and the audit totals the goroutines share, and the receipts sent on the
// channel.
// fixes: 3
// moved: 28
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct account {
  int id;
  long balance;
  int ops;
  go::mutex mu;
};
struct quote {
  long amount, fee;
};
struct fee_schedule {
  long threshold, low, high;
};
struct receipt {
  int from, to;
  long amount, fee;
};
struct audit_totals {
  long fees = 0;
  int receipts = 0;
};
struct statement {
  int id;
  long balance;
  int ops;
};

long fee_for(long amount) {
  auto s = go::new_<fee_schedule>(100, 1, 3);  // moved, once per call
  return amount >= s->threshold ? s->high : s->low;
}

go::task<> transfer(go::ptr<account> from, go::ptr<account> to, long amount, go::send_chan<go::ptr<receipt>> audit) {
  auto q = go::new_<quote>(amount, fee_for(amount));  // moved, once per transfer
  auto first = from->id < to->id ? from : to;         // lock in id order
  auto second = from->id < to->id ? to : from;
  co_await first->mu.lock();
  co_await second->mu.lock();
  from->balance -= q->amount + q->fee;
  to->balance += q->amount;
  from->ops++;
  to->ops++;
  second->mu.unlock();
  first->mu.unlock();
  co_await audit.send(go::new_<receipt>(from->id, to->id, q->amount, q->fee));  // sent: escapes
}

go::task<> teller(int t, go::map<int, go::ptr<account>> ledger, go::ptr<go::wait_group> wg,
                  go::send_chan<go::ptr<receipt>> audit) {
  for (int k = 0; k < 4; ++k) {
    int from = (t + k) % 4, to = (t + 2 * k + 1) % 4;
    if (from == to) to = (to + 1) % 4;
    co_await transfer(*ledger.get(from), *ledger.get(to), 40 * (t + 1) + 25 * k, audit);
  }
  wg->done();
}

go::task<> auditor(go::recv_chan<go::ptr<receipt>> in, go::ptr<audit_totals> totals, go::send_chan<go::unit> done) {
  while (auto r = co_await in.next()) {
    totals->fees += (*r)->fee;
    totals->receipts++;
  }
  co_await done.send(go::unit{});
}

int main() {
  return go::run([]() -> go::task<> {
    auto ledger = go::make_map<int, go::ptr<account>>();
    for (int id = 0; id < 4; ++id) ledger.set(id, go::new_<account>(id, 1000, 0));  // in the map: escape
    auto wg = go::new_<go::wait_group>();                                           // shared with the tellers: escapes
    auto totals = go::new_<audit_totals>();                                         // shared with the auditor: escapes
    auto audit = go::make_chan<go::ptr<receipt>>(4);
    auto done = go::make_chan<go::unit>();
    go::spawn(auditor, audit, totals, done);
    for (int t = 0; t < 3; ++t) {
      wg->add(1);
      go::spawn(teller, t, ledger, wg, audit);
    }
    co_await wg->wait();
    audit.close();
    co_await done.recv();

    long sum = 0;
    for (int id = 0; id < 4; ++id) {
      auto a = *ledger.get(id);
      auto st = go::new_<statement>(a->id, a->balance, a->ops);  // moved, once per account
      std::printf("account %d: balance %ld after %d operations\n", st->id, st->balance, st->ops);
      sum += st->balance;
    }
    std::printf("receipts %d, fees %ld, money in the bank %ld (+fees %ld)\n", totals->receipts, totals->fees, sum,
                sum + totals->fees);
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
