// bank (plain C++): an account simulation whose accounts are owned by a
// std::map of std::unique_ptr and whose receipts are appended to an audit
// log, while each transfer and each statement is a short-lived heap object.
// A check gocxx-escape-unique-to-stack should turn the per-transfer
// transaction (make_unique) and the per-account statement (new/delete) into
// stack objects; it must keep the accounts open_account() returns and the
// map owns, and the receipts moved into the audit log.
// fixes: 2
// moved: 10
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

struct account {
  int id;
  long balance;
  int ops;
};
struct txn {
  int from, to;
  long amount, fee;
};
struct receipt {
  int from, to;
  long amount;
};
struct statement {
  int id;
  long balance;
  int ops;
};

std::unique_ptr<account> open_account(int id, long deposit) {
  return std::make_unique<account>(id, deposit, 0);  // returned: kept
}

void transfer(std::map<int, std::unique_ptr<account>>& accts, std::vector<std::unique_ptr<receipt>>& audit, int from,
              int to, long amount) {
  auto t = std::make_unique<txn>(from, to, amount, amount >= 100 ? 2 : 1);  // moved, per transfer
  accts[t->from]->balance -= t->amount + t->fee;
  accts[t->to]->balance += t->amount;
  accts[t->from]->ops++;
  accts[t->to]->ops++;
  audit.push_back(std::make_unique<receipt>(t->from, t->to, t->amount));  // into the log: kept
}

int main() {
  std::map<int, std::unique_ptr<account>> accts;
  for (int id = 1; id <= 3; ++id) accts[id] = open_account(id, 500);
  std::vector<std::unique_ptr<receipt>> audit;
  audit.reserve(8);
  const int plan[][3] = {{1, 2, 100}, {2, 3, 50}, {3, 1, 75}, {1, 3, 200}, {2, 1, 10}, {3, 2, 120}, {1, 2, 5}};
  for (const auto& p : plan) transfer(accts, audit, p[0], p[1], p[2]);
  long total = 0;
  for (const auto& [id, a] : accts) {
    statement* st = new statement{id, a->balance, a->ops};  // moved, per account
    std::printf("account %d: %ld after %d operations\n", st->id, st->balance, st->ops);
    total += st->balance;
    delete st;
  }
  std::printf("%zu receipts, %ld in the bank\n", audit.size(), total);
}
