// gcpause: Go's stop-the-world pauses with about 100 MB live and an
// allocating mutator, and its peak RSS against the live heap (the Go
// reference of bench/gc_pause_probe.cpp; both programs do the same work).
//
// Usage: gcpause [-nodes 1500000] [-seconds 3] [-force-ms 500] [-sample-ms 100]
//
//  1. Builds the live graph: -nodes 64-byte nodes (8 words, the first a
//     pointer) linked into 1024 lists whose heads sit in one heap object
//     reachable from a global; 1.5M nodes are 96 MB. Then runs runtime.GC().
//  2. For -seconds, one mutator goroutine allocates garbage without pause:
//     64-byte nodes into a ring of the last 4096, every 16th allocation a
//     1 KiB object (8 words of pointer + padding) into a ring of the last 256,
//     and every 64th allocation it replaces the second node of a
//     pseudo-random list with a fresh one (a pointer store into the old graph,
//     the live size unchanged). Meanwhile the main goroutine wakes every
//     -sample-ms, reads runtime.MemStats and collects the pause of every cycle
//     that completed, and every -force-ms it also calls runtime.GC() (the pacer
//     runs cycles by itself: about one per 100 MB allocated).
//  3. Stops the mutator, drops its rings, runs runtime.GC() and reads
//     HeapAlloc (the live heap) and VmHWM (peak RSS) from /proc/self/status.
//     The pause window runs from the end of the runtime.GC() of step 1 to the
//     end of this one.
//
// Pauses: MemStats.PauseNs holds one figure per GC cycle, the SUM of the
// cycle's two stop-the-world pauses (sweep termination and mark
// termination). Those per-cycle sums give cycle_max_us and cycle_p99_us. The
// single pauses are only available bucketed, from runtime/metrics'
// /gc/pauses:seconds histogram (one count per STW pause): single_max_us_lo /
// single_max_us_hi bound the largest pause in the window.
//
// Output (key=value, parsed by bench/compare.sh):
//
//	gc_pause live_nodes=.. seconds=.. cycles=.. forced=.. cycle_max_us=.. cycle_p99_us=.. ...
//	gc_rss peak_rss_kb=.. heap_alloc_after_gc=.. rss_per_live=.. ...
//	cycle_pauses_us=<every per-cycle pause of the window, in order>
//
// Run with GOMAXPROCS=2 (the default when the variable is unset).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	numLists     = 1024
	nodeRingSize = 4096 // powers of two
	bigRingSize  = 256
)

type node struct {
	next *node
	pad  [7]uint64
}

type big struct {
	next *node
	pad  [127]uint64
}

type roots struct {
	heads [numLists]*node
}

// Globals, so that the compiler cannot keep any of it on a stack.
var (
	root     *roots
	nodeRing []*node
	bigRing  []*big
)

func procStatusKiB(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, key+":") {
			fields := strings.Fields(line[len(key)+1:])
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				panic(err)
			}
			return kb
		}
	}
	panic("no " + key + " in /proc/self/status")
}

func build(nodes int) {
	root = &roots{}
	for j := 0; j < nodes; j++ {
		l := j % numLists
		root.heads[l] = &node{next: root.heads[l]}
	}
}

// mutate allocates until stop is set; it returns the number of allocations.
func mutate(stop *atomic.Bool) uint64 {
	nodeRing = make([]*node, nodeRingSize)
	bigRing = make([]*big, bigRingSize)
	rng := uint64(0x9E3779B97F4A7C15)
	var i, allocs uint64
	for {
		if i&255 == 0 && stop.Load() {
			break
		}
		if i&15 == 15 {
			bigRing[(i>>4)&(bigRingSize-1)] = &big{}
		} else {
			nodeRing[i&(nodeRingSize-1)] = &node{}
		}
		allocs++
		if i&63 == 63 {
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			h := root.heads[rng%numLists]
			h.next = &node{next: h.next.next}
			allocs++
		}
		i++
	}
	return allocs
}

// pctl: nearest-rank percentile of sorted xs.
func pctl(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	if k < 0 {
		k = 0
	}
	return sorted[k]
}

func pauseHist() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/gc/pauses:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

func main() {
	nodes := flag.Int("nodes", 1500000, "64-byte nodes in the live graph")
	seconds := flag.Float64("seconds", 3, "how long the mutator runs")
	forceMS := flag.Int("force-ms", 500, "period of forced runtime.GC() calls in ms (0: none)")
	sampleMS := flag.Int("sample-ms", 100, "period of MemStats reads in ms")
	flag.Parse()
	force := time.Duration(*forceMS) * time.Millisecond
	sample := time.Duration(*sampleMS) * time.Millisecond
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	if *nodes < 2*numLists || *seconds <= 0 || sample <= 0 {
		fmt.Fprintln(os.Stderr, "gcpause: need -nodes >= 2048, -seconds > 0, -sample-ms > 0")
		os.Exit(2)
	}

	t0 := time.Now()
	build(*nodes)
	runtime.GC()
	buildTime := time.Since(t0)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcStart, forcedStart := ms.NumGC, ms.NumForcedGC
	seen := ms.NumGC
	var cyclePauses []float64 // ns, one per cycle, in order
	lost := uint32(0)
	collect := func() {
		runtime.ReadMemStats(&ms)
		from := seen + 1
		if ms.NumGC > seen+256 {
			lost += ms.NumGC - seen - 256
			from = ms.NumGC - 255
		}
		for k := from; k <= ms.NumGC; k++ { // cycle k's pause: PauseNs[(k+255)%256]
			cyclePauses = append(cyclePauses, float64(ms.PauseNs[(k+255)%256]))
		}
		seen = ms.NumGC
	}
	h0 := pauseHist()

	var stop atomic.Bool
	var wg sync.WaitGroup
	var allocs uint64
	wg.Add(1)
	mstart := time.Now()
	go func() {
		defer wg.Done()
		allocs = mutate(&stop)
	}()
	deadline := mstart.Add(time.Duration(*seconds * float64(time.Second)))
	nextForce := mstart.Add(force)
	for time.Now().Before(deadline) {
		time.Sleep(sample)
		collect()
		if force > 0 && !time.Now().Before(nextForce) && time.Now().Before(deadline) {
			runtime.GC()
			nextForce = time.Now().Add(force)
		}
	}
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(mstart)
	collect()

	// The live heap after a final collection, with the graph still held.
	nodeRing, bigRing = nil, nil
	runtime.GC()
	peak := procStatusKiB("VmHWM")
	collect()
	live, heapObjects, heapSys := ms.HeapAlloc, ms.HeapObjects, ms.HeapSys
	runtime.KeepAlive(root)
	h1 := pauseHist()
	cycles := ms.NumGC - gcStart
	forced := ms.NumForcedGC - forcedStart

	// Single pauses of the window from the histogram difference.
	singleLo, singleHi, stwPauses := math.NaN(), math.NaN(), uint64(0)
	if h0 != nil && h1 != nil && len(h0.Counts) == len(h1.Counts) {
		for b := range h1.Counts {
			d := h1.Counts[b] - h0.Counts[b]
			if d > 0 {
				stwPauses += d
				singleLo, singleHi = h1.Buckets[b]*1e6, h1.Buckets[b+1]*1e6
			}
		}
	}

	nominal := uint64(*nodes)*64 + uint64(numLists)*8

	sorted := append([]float64(nil), cyclePauses...)
	sort.Float64s(sorted)
	var cmax float64
	if len(sorted) > 0 {
		cmax = sorted[len(sorted)-1]
	}
	fmt.Printf("gc_pause side=go live_nodes=%d lists=%d build_s=%.2f seconds=%.2f force_ms=%d sample_ms=%d root=global "+
		"cycles=%d forced=%d cycle_pauses=%d lost=%d cycle_max_us=%.1f cycle_p99_us=%.1f cycle_p50_us=%.1f "+
		"stw_pauses=%d single_max_us_lo=%.1f single_max_us_hi=%.1f allocs=%d allocs_per_s=%.0f gogc=%q\n",
		*nodes, numLists, buildTime.Seconds(), elapsed.Seconds(), *forceMS, *sampleMS,
		cycles, forced, len(cyclePauses), lost, cmax/1e3, pctl(sorted, 0.99)/1e3, pctl(sorted, 0.5)/1e3,
		stwPauses, singleLo, singleHi, allocs, float64(allocs)/elapsed.Seconds(), os.Getenv("GOGC"))
	fmt.Printf("gc_rss side=go peak_rss_kb=%d heap_alloc_after_gc=%d heap_objects_after_gc=%d nominal_live_bytes=%d "+
		"heap_sys=%d rss_per_live=%.3f rss_per_nominal=%.3f\n",
		peak, live, heapObjects, nominal, heapSys,
		float64(peak)*1024/float64(live), float64(peak)*1024/float64(nominal))
	var b strings.Builder
	for i, p := range cyclePauses {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%.1f", p/1e3)
	}
	fmt.Printf("cycle_pauses_us=%s\n", b.String())
}
