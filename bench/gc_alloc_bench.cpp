// GC figure 1: the cost of a 64-byte pointer-holding allocation while the
// collector runs continuously. One iteration allocates a `node` (a go::ptr
// and seven words: 64 bytes, scanned) with go::new_<node>() and stores it
// into a ring of the last 4096 allocations. The ring is itself a GC object
// (an array of go::ptr allocated with go::new_, as Go's `make([]*node, 4096)`
// on the heap), held by the main goroutine's frame; every store into it runs
// the write barrier, as Go's store into a heap slice does. The live set stays
// small (4096 x 64 bytes plus the ring), so the pacer's heap goal sits at its
// minimum and cycles run all through the timing.
//
// The counter gc_cycles is the number of cycles that completed during the
// timed loop (go::mem_stats().num_gc after minus before); mallocs is the
// number of objects allocated meanwhile (mem_stats().mallocs), a check that
// the allocations really went to the GC heap.
// Go reference: bench/go/gcalloc.
#include "bench_common.hpp"

#include <array>
#include <cstdint>

namespace {

struct node {
  go::ptr<node> next;
  std::uint64_t pad[7];
};
static_assert(sizeof(node) == 64, "node must be 64 bytes, as Go's");

}  // namespace

// A node's destructor only drops a handle: the collector frees it without
// one, in a 64-byte slot as Go's (no finalizer header; docs/runtime.md).
template <>
struct go::trivially_collectable<node> : std::true_type {};

namespace {

constexpr std::size_t kRing = 4096;  // a power of two
using ring_t = std::array<go::ptr<node>, kRing>;

}  // namespace

static void BM_GcAlloc64(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    go::ptr<ring_t> ring = go::new_<ring_t>();
    ring_t& r = *ring;
    go::mem_stats_t before = go::mem_stats();
    std::size_t i = 0;
    for (auto _ : state) {
      r[i++ & (kRing - 1)] = go::new_<node>();
    }
    go::mem_stats_t after = go::mem_stats();
    state.counters["gc_cycles"] = static_cast<double>(after.num_gc - before.num_gc);
    state.counters["mallocs"] = static_cast<double>(after.mallocs - before.mallocs);
    state.SetItemsProcessed(state.iterations());
    co_return;
  });
}
BENCHMARK(BM_GcAlloc64)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
