// gcalloc: Go's cost of a 64-byte pointer-holding allocation while the
// collector runs continuously (the Go reference of bench/gc_alloc_bench.cpp).
//
// Usage: gcalloc [-mintime 300ms] [-reps 5]
//
// One iteration allocates a `node` (8 words, the first a pointer: 64 bytes,
// size class 64, scanned) and stores it into a ring of the last 4096
// allocations, a heap slice reachable from a global, so that every object
// escapes and the live set stays small (4096 x 64 bytes = 256 KiB plus the
// ring). With GOGC=100 the heap goal is then Go's minimum (4 MB), so a
// collection starts about every 60,000 allocations and cycles run all through
// the timing; the background mark worker takes a quarter of the 2 Ps.
//
// Timing follows gobench (and Google Benchmark): the iteration count grows
// until one run lasts at least -mintime, then -reps runs at that count are
// made; the median ns per allocation is reported, together with the median
// number of completed GC cycles (runtime.MemStats.NumGC) per timed run.
// Output is one JSON object on stdout:
//
//	{"gcalloc": {"ns_per_op": .., "iterations": .., "num_gc": ..}, "_meta": {..}}
//
// Run with GOMAXPROCS=2 (the default when the variable is unset).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
)

const ringSize = 4096 // a power of two

type node struct {
	next *node
	pad  [7]uint64
}

// ring is global, so the compiler cannot keep the allocations on the stack.
var ring []*node

// gcalloc runs n allocations and returns the elapsed time and the number of
// GC cycles that completed meanwhile.
func gcalloc(n int) (time.Duration, uint32) {
	ring = make([]*node, ringSize)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc0 := ms.NumGC
	start := time.Now()
	for i := 0; i < n; i++ {
		ring[i&(ringSize-1)] = &node{}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&ms)
	return d, ms.NumGC - gc0
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[m-1] + xs[m]) / 2
	}
	return xs[m]
}

// measure mimics Google Benchmark's iteration-count prediction and
// repetitions (the same procedure as gobench's measure).
func measure(minTime time.Duration, reps int) (nsPerOp float64, n int, numGC float64) {
	n = 1
	var d time.Duration
	var gcs uint32
	for {
		d, gcs = gcalloc(n)
		if d >= minTime || n >= 1_000_000_000 {
			break
		}
		secs := d.Seconds()
		if secs < 1e-9 {
			secs = 1e-9
		}
		mult := minTime.Seconds() * 1.4 / secs
		if secs/minTime.Seconds() <= 0.1 && mult > 10 {
			mult = 10
		}
		next := int(float64(n) * mult)
		if next <= n {
			next = n + 1
		}
		if next > 1_000_000_000 {
			next = 1_000_000_000
		}
		n = next
	}
	times := []float64{float64(d.Nanoseconds()) / float64(n)}
	cycles := []float64{float64(gcs)}
	for r := 1; r < reps; r++ {
		d, gcs = gcalloc(n)
		times = append(times, float64(d.Nanoseconds())/float64(n))
		cycles = append(cycles, float64(gcs))
	}
	return median(times), n, median(cycles)
}

func main() {
	minTime := flag.Duration("mintime", 300*time.Millisecond, "minimum duration of one timed run")
	reps := flag.Int("reps", 5, "number of timed runs; the median is reported")
	flag.Parse()
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	ns, n, numGC := measure(*minTime, *reps)
	fmt.Fprintf(os.Stderr, "go gcalloc %8.2f ns/alloc (%d allocations x %d runs, median %.0f GC cycles per run)\n",
		ns, n, *reps, numGC)
	out := map[string]map[string]float64{
		"gcalloc": {"ns_per_op": ns, "iterations": float64(n), "num_gc": numGC},
		"_meta":   {"gomaxprocs": float64(runtime.GOMAXPROCS(0))},
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
