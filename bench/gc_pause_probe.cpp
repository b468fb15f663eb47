// GC figures 2 and 3: stop-the-world pauses with about 100 MB live and an
// allocating mutator, and peak RSS against the live heap.
//
// Usage: gc_pause_probe [-nodes 1500000] [-seconds 3] [-force-ms 500] [-sample-ms 100]
//                       [-root global|frame]
//
// The same work as the Go reference, bench/go/gcpause, inside go::run with
// maxprocs = 2:
//  1. Builds the live graph: `nodes` 64-byte nodes (a go::ptr and seven
//     words) linked into 1024 lists whose heads sit in one GC object held,
//     as in Go, by a global go::ptr (with -root frame: by the frames of the
//     main goroutine and of the mutator only, which shows what the collector
//     does with a live graph reachable only from running goroutines); 1.5M
//     nodes are 96 MB. Then runs go::gc().
//  2. For `seconds`, one mutator goroutine allocates garbage without pause:
//     64-byte nodes into a ring (a GC array) of the last 4096, every 16th
//     allocation a 1 KiB object into a ring of the last 256, and every 64th
//     allocation it replaces the second node of a pseudo-random list with a
//     fresh one (a pointer store into the old graph, the live size
//     unchanged). Meanwhile the main goroutine wakes every `sample-ms`, reads
//     go::mem_stats() and collects every new entry of its pause ring, and
//     every `force-ms` it also runs go::gc() (inside go::blocking, so that it
//     blocks the goroutine and not a P, as runtime.GC() does).
//  3. Stops the mutator (its rings become garbage), runs go::gc() and reads
//     heap_alloc (the live heap) and VmHWM (peak RSS) from /proc/self/status.
//     The pause window runs from the end of the go::gc() of step 1 to the end
//     of this one (so it starts and ends with no cycle in progress).
//
// Pauses: go::mem_stats().pause_ns records every stop-the-world pause on its
// own (single_max_us, single_p99_us). Go records per cycle the sum of the
// cycle's pauses (MemStats.PauseNs); gocxx does too (cycle_pause_ns), and
// the cycle figures (cycle_max_us, cycle_p99_us) compare those sums.
//
// Output (key=value, parsed by bench/compare.sh):
//   gc_pause side=gocxx live_nodes=.. cycles=.. cycle_max_us=.. single_max_us=.. ...
//   gc_rss side=gocxx peak_rss_kb=.. heap_alloc_after_gc=.. rss_per_live=.. ...
//   cycle_pauses_us=..   single_pauses_us=..
#include <gocxx/gocxx.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t kLists = 1024;
constexpr std::size_t kNodeRing = 4096;  // powers of two
constexpr std::size_t kBigRing = 256;

struct node {
  go::ptr<node> next;
  std::uint64_t pad[7];
};
static_assert(sizeof(node) == 64, "node must be 64 bytes, as Go's");

struct big {
  go::ptr<node> next;
  std::uint64_t pad[127];
};
static_assert(sizeof(big) == 1024, "big must be 1 KiB, as Go's");

struct roots {
  go::ptr<node> heads[kLists];
};
}  // namespace

// Their destructors only release GC handles: the collector frees them without
// one, in Go's sizes (no finalizer header; gocxx-layout-finalizer-header).
template <>
struct go::trivially_collectable<node> : std::true_type {};
template <>
struct go::trivially_collectable<big> : std::true_type {};
template <>
struct go::trivially_collectable<roots> : std::true_type {};

namespace {

using node_ring = std::array<go::ptr<node>, kNodeRing>;

// The graph's root with -root global (the default, as Go's program holds it
// in a global): a go::ptr in a global registers itself as a root.
go::ptr<roots> g_root;
using big_ring = std::array<go::ptr<big>, kBigRing>;

long proc_status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::string prefix = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  std::fprintf(stderr, "gc_pause_probe: no %s in /proc/self/status\n", key);
  std::exit(1);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Nearest-rank percentile of sorted xs.
double pctl(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return NAN;
  long k = static_cast<long>(std::ceil(p * static_cast<double>(sorted.size()))) - 1;
  return sorted[static_cast<std::size_t>(std::max(0L, k))];
}

std::string join_us(const std::vector<double>& ns) {
  std::string s;
  char buf[32];
  for (std::size_t i = 0; i < ns.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.1f", i ? "," : "", ns[i] / 1e3);
    s += buf;
  }
  return s;
}

// The mutator: allocates until *stop is set; writes its allocation count.
go::task<> mutate(go::ptr<roots> root, std::atomic<bool>* stop, std::uint64_t* allocs_out,
                  go::wait_group* done) {
  go::ptr<node_ring> nodes = go::new_<node_ring>();
  go::ptr<big_ring> bigs = go::new_<big_ring>();
  node_ring& nr = *nodes;
  big_ring& br = *bigs;
  roots& rt = root ? *root : *g_root;
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  std::uint64_t i = 0, allocs = 0;
  for (;;) {
    if ((i & 255) == 0 && stop->load(std::memory_order_relaxed)) break;
    if ((i & 15) == 15) {
      br[(i >> 4) & (kBigRing - 1)] = go::new_<big>();
    } else {
      nr[i & (kNodeRing - 1)] = go::new_<node>();
    }
    ++allocs;
    if ((i & 63) == 63) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      node& h = *rt.heads[rng % kLists];
      h.next = go::new_<node>(h.next->next);
      ++allocs;
    }
    ++i;
  }
  *allocs_out = allocs;
  done->done();
  co_return;
}

struct options {
  long nodes = 1500000;
  double seconds = 3;
  long force_ms = 500;
  long sample_ms = 100;
  bool root_in_frame = false;
};

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    while (a.size() > 1 && a[0] == '-' && a[1] == '-') a.erase(0, 1);
    std::string val;
    if (auto eq = a.find('='); eq != std::string::npos) {
      val = a.substr(eq + 1);
      a.resize(eq);
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      return false;
    }
    char* end = nullptr;
    if (a == "-root") {
      if (val != "global" && val != "frame") return false;
      o.root_in_frame = val == "frame";
      continue;
    }
    if (a == "-nodes") {
      o.nodes = std::strtol(val.c_str(), &end, 10);
    } else if (a == "-seconds") {
      o.seconds = std::strtod(val.c_str(), &end);
    } else if (a == "-force-ms") {
      o.force_ms = std::strtol(val.c_str(), &end, 10);
    } else if (a == "-sample-ms") {
      o.sample_ms = std::strtol(val.c_str(), &end, 10);
    } else {
      return false;
    }
    if (end == nullptr || *end != '\0') return false;
  }
  return o.nodes >= static_cast<long>(2 * kLists) && o.seconds > 0 && o.sample_ms > 0 &&
         o.force_ms >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse(argc, argv, opt)) {
    std::fprintf(stderr,
                 "usage: %s [-nodes N>=2048] [-seconds S>0] [-force-ms MS>=0] [-sample-ms MS>0] "
                 "[-root global|frame]\n",
                 argv[0]);
    return 2;
  }
  return go::run(
      [opt]() -> go::task<> {
        using clock = std::chrono::steady_clock;
        auto t0 = clock::now();
        // With -root frame, `root` (in this frame) is the only handle.
        go::ptr<roots> root = go::new_<roots>();
        if (!opt.root_in_frame) {
          g_root = root;
          root = nullptr;
        }
        {
          roots& rt = root ? *root : *g_root;
          for (long j = 0; j < opt.nodes; ++j) {
            go::ptr<node>& head = rt.heads[static_cast<std::size_t>(j) % kLists];
            head = go::new_<node>(head);
          }
        }
        co_await go::blocking([] { go::gc(); });
        double build_s = seconds_since(t0);

        go::mem_stats_t ms = go::mem_stats();
        const std::uint32_t gc_start = ms.num_gc;
        const std::uint32_t forced_start = ms.num_forced_gc;
        const std::uint64_t pauses_start = ms.num_pauses;
        std::uint64_t seen = ms.num_pauses;
        std::uint64_t lost = 0;
        // Every pause of the window with its index in the collector's numbering.
        std::vector<std::pair<std::uint64_t, double>> pauses;
        // Every completed cycle's pause sum.
        std::vector<double> cycle;
        std::uint32_t cycles_seen = gc_start;
        auto collect = [&] {
          ms = go::mem_stats();
          for (std::uint32_t k = std::max<std::uint32_t>(cycles_seen, ms.num_gc > 256 ? ms.num_gc - 256 : 0);
               k < ms.num_gc; ++k)
            cycle.push_back(static_cast<double>(ms.cycle_pause_ns[k % 256]));
          cycles_seen = ms.num_gc;
          std::uint64_t from = seen;
          if (ms.num_pauses > seen + 256) {
            lost += ms.num_pauses - seen - 256;
            from = ms.num_pauses - 256;
          }
          for (std::uint64_t k = from; k < ms.num_pauses; ++k) {
            pauses.emplace_back(k, static_cast<double>(ms.pause_ns[k % 256]));
          }
          seen = ms.num_pauses;
        };

        std::atomic<bool> stop{false};
        std::uint64_t allocs = 0;
        go::wait_group done;
        done.add(1);
        auto mstart = clock::now();
        go::spawn(mutate, root, &stop, &allocs, &done);
        auto deadline = mstart + std::chrono::duration_cast<clock::duration>(
                                     std::chrono::duration<double>(opt.seconds));
        auto force = std::chrono::milliseconds(opt.force_ms);
        auto next_force = mstart + force;
        while (clock::now() < deadline) {
          co_await go::sleep(std::chrono::milliseconds(opt.sample_ms));
          collect();
          if (opt.force_ms > 0 && clock::now() >= next_force && clock::now() < deadline) {
            co_await go::blocking([] { go::gc(); });
            next_force = clock::now() + force;
          }
        }
        stop.store(true, std::memory_order_relaxed);
        co_await done.wait();
        double elapsed = seconds_since(mstart);
        collect();

        // The live heap after a final collection, with the graph still held
        // (the mutator's rings are garbage now). Its pauses end the window.
        co_await go::blocking([] { go::gc(); });
        go::mem_stats_t fin = go::mem_stats();
        long peak = proc_status_kib("VmHWM");
        collect();
        const std::uint32_t cycles = ms.num_gc - gc_start;
        const std::uint32_t forced = ms.num_forced_gc - forced_start;

        const std::uint64_t npauses = ms.num_pauses - pauses_start;
        std::vector<double> single;
        for (auto& p : pauses) single.push_back(p.second);
        std::vector<double> ss = single, cs = cycle;
        std::sort(ss.begin(), ss.end());
        std::sort(cs.begin(), cs.end());

        std::uint64_t live = fin.heap_alloc;
        roots& rt = root ? *root : *g_root;
        bool graph_ok = rt.heads[0] && rt.heads[kLists - 1];
        std::uint64_t nominal = static_cast<std::uint64_t>(opt.nodes) * 64 + kLists * 8;
        const char* gogc = std::getenv("GOGC");

        std::printf(
            "gc_pause side=gocxx live_nodes=%ld lists=%zu build_s=%.2f seconds=%.2f force_ms=%ld "
            "sample_ms=%ld root=%s cycles=%u forced=%u cycle_pauses=%zu lost=%llu pairing=%s "
            "cycle_max_us=%.1f cycle_p99_us=%.1f cycle_p50_us=%.1f stw_pauses=%llu "
            "single_max_us=%.1f single_p99_us=%.1f allocs=%llu allocs_per_s=%.0f "
            "gc_percent=%lld gogc=\"%s\"\n",
            opt.nodes, kLists, build_s, elapsed, opt.force_ms, opt.sample_ms,
            opt.root_in_frame ? "frame" : "global", cycles, forced,
            cycle.size(), static_cast<unsigned long long>(lost), "collector",
            cs.empty() ? 0.0 : cs.back() / 1e3, pctl(cs, 0.99) / 1e3, pctl(cs, 0.5) / 1e3,
            static_cast<unsigned long long>(npauses),
            ss.empty() ? 0.0 : ss.back() / 1e3, pctl(ss, 0.99) / 1e3,
            static_cast<unsigned long long>(allocs), static_cast<double>(allocs) / elapsed,
            static_cast<long long>(fin.gc_percent), gogc ? gogc : "");
        std::printf(
            "gc_rss side=gocxx peak_rss_kb=%ld heap_alloc_after_gc=%llu heap_objects_after_gc=%llu "
            "nominal_live_bytes=%llu heap_sys=%llu rss_per_live=%.3f rss_per_nominal=%.3f "
            "graph_ok=%d\n",
            peak, static_cast<unsigned long long>(live),
            static_cast<unsigned long long>(fin.heap_objects),
            static_cast<unsigned long long>(nominal), static_cast<unsigned long long>(fin.heap_sys),
            live ? static_cast<double>(peak) * 1024.0 / static_cast<double>(live) : 0.0,
            static_cast<double>(peak) * 1024.0 / static_cast<double>(nominal), graph_ok ? 1 : 0);
        std::printf("cycle_pauses_us=%s\n", join_us(cycle).c_str());
        std::printf("single_pauses_us=%s\n", join_us(single).c_str());
        std::fflush(stdout);
      },
      go::config{.maxprocs = 2});
}
