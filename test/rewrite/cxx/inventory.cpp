// inventory (plain C++): a stock ledger whose items are owned by a std::map
// of std::unique_ptr, with price queries, a report, restock orders released
// into a global list and an audit trail kept in a global. A check
// gocxx-escape-unique-to-stack should turn the query of run_query() (used in
// a lambda that captures it by reference) and the per-item report line of
// print_report() (new/delete in a loop) into stack objects; it must keep the
// items moved into the map, the orders released into `pending`, the audit
// entry stored in the global, the audit entry whose destructor prints (its
// delete runs the program's code before the end of the block), and the
// query handed by reference to its unique_ptr to tighten().
// fixes: 2
// moved: 15
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct item {
  std::string sku;
  int qty;
  long price;  // cents
};
struct query {
  int min_qty;
  long max_price;
  int hits;
  long value;
};
struct report_line {
  char label[24];
  int qty;
  long value;
};
struct restock_order {
  std::string sku;
  int amount;
};
struct audit_entry {
  int seq;
  std::string what;
  ~audit_entry() { std::printf("  audit %d closed: %s\n", seq, what.c_str()); }
};

using inventory = std::map<std::string, std::unique_ptr<item>>;

std::vector<restock_order*> pending;  // owns the orders released into it
std::unique_ptr<audit_entry> g_last_audit;

void add_item(inventory& inv, const char* sku, int qty, long price) {
  auto it = std::make_unique<item>(sku, qty, price);  // kept: moved into the map
  inv[it->sku] = std::move(it);
}

void record(int seq, const std::string& what) {
  g_last_audit = std::make_unique<audit_entry>(seq, what);  // kept: stored in a global
}

int run_query(const inventory& inv, int min_qty, long max_price) {
  auto q = std::make_unique<query>(min_qty, max_price, 0, 0);  // moved
  auto consider = [&](const item& i) {
    if (i.qty >= q->min_qty && i.price <= q->max_price) q->hits++, q->value += i.qty * i.price;
  };
  for (const auto& [sku, it] : inv) consider(*it);
  std::printf("query qty>=%d price<=%ld: %d hits worth %ld\n", q->min_qty, q->max_price, q->hits, q->value);
  return q->hits;
}

void tighten(std::unique_ptr<query>& q) {
  q->min_qty *= 2;
  q->max_price /= 2;
}

int tight_hits(const inventory& inv) {
  auto q = std::make_unique<query>(3, 900, 0, 0);  // kept: passed to a function by reference to the unique_ptr
  tighten(q);
  for (const auto& [sku, it] : inv)
    if (it->qty >= q->min_qty && it->price <= q->max_price) q->hits++;
  return q->hits;
}

long print_report(const inventory& inv) {
  long total = 0;
  for (const auto& [sku, it] : inv) {
    report_line* line = new report_line{{}, it->qty, it->qty * it->price};  // moved, per item
    std::snprintf(line->label, sizeof line->label, "%s%s", sku.c_str(), it->qty < 4 ? " (low)" : "");
    std::printf("  %-16s %3d %8ld\n", line->label, line->qty, line->value);
    total += line->value;
    delete line;
  }
  return total;
}

int plan_restock(const inventory& inv) {
  int n = 0;
  for (const auto& [sku, it] : inv) {
    if (it->qty >= 4) continue;
    auto order = std::make_unique<restock_order>(sku, 10 - it->qty);
    pending.push_back(order.release());  // kept: released into the global list
    ++n;
  }
  return n;
}

void check_consistency(const inventory& inv, int seq) {
  audit_entry* a = new audit_entry{seq, "consistency"};  // kept: its destructor prints, at the delete
  int zero = 0;
  for (const auto& [sku, it] : inv) zero += it->qty == 0;
  a->what += zero ? " (empty slots)" : " (ok)";
  delete a;
  std::printf("  consistency checked, %d empty\n", zero);
}

int main() {
  inventory inv;
  add_item(inv, "bolt-m4", 120, 12);
  add_item(inv, "nut-m4", 3, 8);
  add_item(inv, "washer", 0, 2);
  add_item(inv, "hinge", 7, 450);
  add_item(inv, "bracket", 2, 1200);
  add_item(inv, "screw-wood", 55, 15);
  record(1, "loaded");
  int hits = run_query(inv, 1, 500) + run_query(inv, 10, 20) + run_query(inv, 0, 5000);
  std::printf("tight hits %d, all hits %d\n", tight_hits(inv), hits);
  std::printf("report total %ld\n", print_report(inv));
  std::printf("%d restock orders\n", plan_restock(inv));
  for (restock_order* o : pending) {
    inv[o->sku]->qty += o->amount;
    delete o;
  }
  pending.clear();
  check_consistency(inv, 2);
  record(3, "restocked");
  std::printf("after restock total %ld\n", print_report(inv));
  g_last_audit.reset();
}
