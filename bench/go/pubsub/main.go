// pubsub: a broker fanning 200,000 small messages out to 8 subscribers over
// buffered channels, in Go (the Go reference of bench/pubsub_probe.cpp; both
// programs do the same work and print the same lines on stdout, so their
// outputs can be diffed).
//
// Usage: pubsub [-messages 200000] [-subscribers 8] [-cap 64]
//
// main publishes "message 1" .. "message N" on a publish channel of capacity
// -cap. A broker goroutine ranges over it and sends each message to every
// subscriber, each over its own channel of capacity -cap (a blocking send: no
// message is dropped). When main closes publish, the broker closes the
// subscriber channels and ends; each subscriber counts the messages and bytes
// it received and, when its channel is closed, reports them over a results
// channel. main prints every subscriber's totals and the sum.
//
// Every message crosses two buffered channels (publish, then one per
// subscriber), so the work is channel hand-offs between goroutines on 2 Ps,
// parking and waking as the buffers fill and drain, plus building one small
// string per message. bench/compare.sh times the whole process and reads its
// peak RSS from outside.
//
// Run with GOMAXPROCS=2 (the default when the variable is unset).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
)

type tally struct {
	id, count, bytes int
}

// broker fans each message out to every subscriber, then closes them.
func broker(publish <-chan string, subs []chan string, done chan<- struct{}) {
	for m := range publish {
		for _, ch := range subs {
			ch <- m
		}
	}
	for _, ch := range subs {
		close(ch)
	}
	close(done)
}

func subscriber(id int, in <-chan string, results chan<- tally) {
	t := tally{id: id}
	for m := range in {
		t.count++
		t.bytes += len(m)
	}
	results <- t
}

func main() {
	numMessages := flag.Int("messages", 200000, "messages published")
	numSubs := flag.Int("subscribers", 8, "subscribers")
	capacity := flag.Int("cap", 64, "capacity of every channel")
	flag.Parse()
	if *numMessages < 0 || *numSubs < 1 || *capacity < 0 {
		fmt.Fprintln(os.Stderr, "pubsub: -messages >= 0, -subscribers >= 1, -cap >= 0")
		os.Exit(2)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}

	publish := make(chan string, *capacity)
	results := make(chan tally)
	done := make(chan struct{})
	subs := make([]chan string, *numSubs)
	for i := range subs {
		subs[i] = make(chan string, *capacity)
		go subscriber(i+1, subs[i], results)
	}
	go broker(publish, subs, done)

	for i := 1; i <= *numMessages; i++ {
		publish <- "message " + strconv.Itoa(i)
	}
	close(publish)

	totals := make([]tally, *numSubs)
	for range subs {
		t := <-results
		totals[t.id-1] = t
	}
	<-done // the broker has ended
	var count, bytes int
	for _, t := range totals {
		fmt.Printf("subscriber %d: %d messages, %d bytes\n", t.id, t.count, t.bytes)
		count += t.count
		bytes += t.bytes
	}
	fmt.Printf("total: %d messages, %d bytes\n", count, bytes)
}
