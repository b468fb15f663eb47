// gobench: the Go reference figures for bench/compare.sh.
//
// Usage: gobench [-mintime 300ms] [-reps 3] [figure ...]
//
// Figures: pingpong, buffered, spawn, select, mutex2, mutex4 (default: all).
// Each figure is timed like Google Benchmark times the gocxx programs: the
// number of iterations grows until one run lasts at least -mintime, then
// -reps runs at that count are made and the median of their ns/op is reported.
// Output is one JSON object on stdout: {"pingpong": {"ns_per_op": ..}, ...}.
// Run with GOMAXPROCS=2 (the default when the variable is unset).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

// spawnBatch is the number of goroutines spawned and joined per iteration of
// the spawn figure.
const spawnBatch = 1_000_000

// Each function runs n iterations of its figure and returns the elapsed time.

// pingpong: one iteration is a round trip over two unbuffered channels.
func pingpong(n int) time.Duration {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	d := time.Since(start)
	close(ping)
	return d
}

// buffered: one iteration is one item through a channel of capacity 1024,
// from this goroutine (producer) to one consumer goroutine.
func buffered(n int) time.Duration {
	ch := make(chan int, 1024)
	done := make(chan struct{})
	go func() {
		for range ch {
		}
		close(done)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ch <- i
	}
	d := time.Since(start)
	close(ch)
	<-done
	return d
}

// spawn: one iteration spawns spawnBatch goroutines, each calls wg.Done(),
// then waits for all of them.
func spawn(n int) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		var wg sync.WaitGroup
		wg.Add(spawnBatch)
		for j := 0; j < spawnBatch; j++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
	return time.Since(start)
}

// selectFig: one iteration is one select over 4 unbuffered channels, each fed
// by its own sender goroutine; the senders together send exactly n values.
func selectFig(n int) time.Duration {
	var chs [4]chan int
	for i := range chs {
		chs[i] = make(chan int)
	}
	for i := range chs {
		quota := n / 4
		if i < n%4 {
			quota++
		}
		go func(c chan int, quota int) {
			for j := 0; j < quota; j++ {
				c <- j
			}
		}(chs[i], quota)
	}
	sum := 0
	start := time.Now()
	for i := 0; i < n; i++ {
		select {
		case v := <-chs[0]:
			sum += v
		case v := <-chs[1]:
			sum += v
		case v := <-chs[2]:
			sum += v
		case v := <-chs[3]:
			sum += v
		}
	}
	d := time.Since(start)
	_ = sum
	return d
}

// mutex: one iteration is one Lock/increment/Unlock; the n iterations are
// shared among k goroutines contending for the same mutex.
func mutex(k int) func(n int) time.Duration {
	return func(n int) time.Duration {
		var mu sync.Mutex
		counter := 0
		var wg sync.WaitGroup
		startc := make(chan struct{})
		wg.Add(k)
		for i := 0; i < k; i++ {
			quota := n / k
			if i < n%k {
				quota++
			}
			go func(quota int) {
				defer wg.Done()
				<-startc
				for j := 0; j < quota; j++ {
					mu.Lock()
					counter++
					mu.Unlock()
				}
			}(quota)
		}
		start := time.Now()
		close(startc)
		wg.Wait()
		d := time.Since(start)
		if counter != n {
			panic(fmt.Sprintf("mutex: counter %d, want %d", counter, n))
		}
		return d
	}
}

type figure struct {
	name  string
	run   func(n int) time.Duration
	perOp float64 // divisor: units of work per iteration
}

// measure mimics Google Benchmark's iteration-count prediction and
// repetitions; it returns the median ns per unit of work.
func measure(f figure, minTime time.Duration, reps int) (float64, int) {
	n := 1
	var d time.Duration
	for {
		d = f.run(n)
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
	results := []float64{float64(d.Nanoseconds()) / float64(n) / f.perOp}
	for r := 1; r < reps; r++ {
		d = f.run(n)
		results = append(results, float64(d.Nanoseconds())/float64(n)/f.perOp)
	}
	sort.Float64s(results)
	m := len(results) / 2
	med := results[m]
	if len(results)%2 == 0 {
		med = (results[m-1] + results[m]) / 2
	}
	return med, n
}

func main() {
	minTime := flag.Duration("mintime", 300*time.Millisecond, "minimum duration of one timed run")
	reps := flag.Int("reps", 3, "number of timed runs; the median is reported")
	flag.Parse()
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	all := []figure{
		{"pingpong", pingpong, 1},
		{"buffered", buffered, 1},
		{"spawn", spawn, spawnBatch},
		{"select", selectFig, 1},
		{"mutex2", mutex(2), 1},
		{"mutex4", mutex(4), 1},
	}
	want := flag.Args()
	out := map[string]map[string]float64{}
	for _, f := range all {
		if len(want) > 0 {
			found := false
			for _, w := range want {
				found = found || w == f.name
			}
			if !found {
				continue
			}
		}
		ns, n := measure(f, *minTime, *reps)
		out[f.name] = map[string]float64{"ns_per_op": ns, "iterations": float64(n)}
		fmt.Fprintf(os.Stderr, "go %-9s %12.1f ns/op (%d iterations x %d runs)\n", f.name, ns, n, *reps)
	}
	out["_meta"] = map[string]float64{"gomaxprocs": float64(runtime.GOMAXPROCS(0))}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
