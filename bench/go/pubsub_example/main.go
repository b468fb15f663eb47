// The Go program examples/pubsub.cpp ports, line for line: bench/header_cost.sh
// compiles both and compares the time (it runs too, with the same output).
package main

import (
	"fmt"
	"strconv"
	"sync"
)

const numMessages = 100

type subscription struct {
	id int
	ch chan string
}

func broker(publish <-chan string, join <-chan subscription, done chan<- struct{}) {
	subs := map[int]chan string{}
	for {
		select {
		case s := <-join:
			subs[s.id] = s.ch
		case m, ok := <-publish:
			if !ok { // publish closed: close every subscriber, then say so
				for id, ch := range subs {
					delete(subs, id)
					close(ch)
				}
				close(done)
				return
			}
			for id, ch := range subs {
				select {
				case ch <- m:
				default:
					fmt.Printf("broker: dropping subscriber %d after message '%s'\n", id, m)
					delete(subs, id) // delete during range
					close(ch)
				}
			}
		}
	}
}

type tally struct {
	count int
	bytes int
}

// A subscriber that reads everything; the broker's closing ends its loop.
func reader(in <-chan string, t *tally, wg *sync.WaitGroup) {
	defer wg.Done()
	for m := range in {
		t.count++
		t.bytes += len(m)
	}
}

func main() {
	publish := make(chan string)
	join := make(chan subscription)
	done := make(chan struct{})
	go broker(publish, join, done)

	var wg sync.WaitGroup
	var tallies [2]tally
	for id := 1; id <= 2; id++ {
		ch := make(chan string, numMessages)
		join <- subscription{id, ch}
		wg.Add(1)
		go reader(ch, &tallies[id-1], &wg)
	}
	slow := make(chan string, 4)
	join <- subscription{3, slow}

	for i := 1; i <= numMessages; i++ {
		publish <- "message " + strconv.Itoa(i)
	}
	close(publish)
	<-done
	wg.Wait()
	for id := 1; id <= 2; id++ {
		fmt.Printf("subscriber %d: %d messages, %d bytes\n", id, tallies[id-1].count, tallies[id-1].bytes)
	}
	kept := 0
	for range slow {
		kept++
	}
	fmt.Printf("subscriber 3 (slow): %d messages before it was dropped\n", kept)
}
