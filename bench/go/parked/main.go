// parked: memory per parked goroutine in Go.
//
// Usage: parked [-n 200000]
//
// Reads VmRSS from /proc/self/status, spawns n goroutines that each signal a
// WaitGroup and then block receiving from one channel, waits until all of
// them have started, reads VmRSS again and prints
//
//	parked_goroutines=<n> rss_before_kb=<kb> rss_after_kb=<kb> bytes_per_goroutine=<b>
//
// Then it closes the channel and waits for the goroutines to end.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

func vmRSSKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line[len("VmRSS:"):])
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				panic(err)
			}
			return kb
		}
	}
	panic("no VmRSS in /proc/self/status")
}

func main() {
	n := flag.Int("n", 200000, "number of parked goroutines")
	flag.Parse()
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	block := make(chan struct{})
	var started, finished sync.WaitGroup
	before := vmRSSKiB()
	started.Add(*n)
	finished.Add(*n)
	for i := 0; i < *n; i++ {
		go func() {
			started.Done()
			<-block
			finished.Done()
		}()
	}
	started.Wait()
	after := vmRSSKiB()
	fmt.Printf("parked_goroutines=%d rss_before_kb=%d rss_after_kb=%d bytes_per_goroutine=%.1f\n",
		*n, before, after, float64(after-before)*1024/float64(*n))
	close(block)
	finished.Wait()
}
