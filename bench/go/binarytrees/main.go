// binarytrees: the benchmarks game's binary-trees in Go (the Go reference of
// bench/binary_trees_probe.cpp; both programs do the same work and print the
// same lines on stdout, so their outputs can be diffed).
//
// Usage: binarytrees [-depth 16]
//
// With max depth D (default 16) and min depth 4:
//  1. Builds and checks a stretch tree of depth D+1, then drops it.
//  2. Builds a long-lived tree of depth D, kept until the end.
//  3. Starts one goroutine per depth d = 4, 6, ..., D; each builds, checks and
//     drops 2^(D-d+4) trees of depth d (about 2^(D+5) nodes per depth: all
//     garbage as soon as checked) and sends its sum of checks over a channel.
//  4. main receives the results, prints them in depth order, and checks the
//     long-lived tree.
//
// A node is two pointers (`&Node{}`: 16 bytes in Go's heap); check() counts
// the nodes of a tree. bench/compare.sh times the whole process and reads its
// peak RSS from outside. The number of GC cycles goes to stderr (it differs
// between the sides and would spoil the diff).
//
// Run with GOMAXPROCS=2 (the default when the variable is unset).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

const minDepth = 4

type Node struct{ left, right *Node }

func bottomUp(depth int) *Node {
	if depth <= 0 {
		return &Node{}
	}
	return &Node{bottomUp(depth - 1), bottomUp(depth - 1)}
}

func (n *Node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

type depthResult struct {
	depth, iterations, checks int
}

// treesOfDepth builds many short-lived trees of one depth.
func treesOfDepth(depth, maxDepth int, out chan<- depthResult) {
	r := depthResult{depth, 1 << (maxDepth - depth + minDepth), 0}
	for i := 0; i < r.iterations; i++ {
		r.checks += bottomUp(depth).check()
	}
	out <- r
}

func main() {
	maxDepth := flag.Int("depth", 16, "max depth (at least 6)")
	flag.Parse()
	if *maxDepth < minDepth+2 {
		fmt.Fprintf(os.Stderr, "binarytrees: -depth must be at least %d\n", minDepth+2)
		os.Exit(2)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	D := *maxDepth

	fmt.Printf("stretch tree of depth %d\t check: %d\n", D+1, bottomUp(D+1).check())
	longLived := bottomUp(D)

	results := make(chan depthResult)
	n := 0
	for d := minDepth; d <= D; d += 2 {
		go treesOfDepth(d, D, results)
		n++
	}
	byDepth := make([]depthResult, D+1)
	for i := 0; i < n; i++ {
		r := <-results
		byDepth[r.depth] = r
	}
	for d := minDepth; d <= D; d += 2 {
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", byDepth[d].iterations, d, byDepth[d].checks)
	}
	fmt.Printf("long lived tree of depth %d\t check: %d\n", D, longLived.check())

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "gc_cycles=%d\n", ms.NumGC)
}
