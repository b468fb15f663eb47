// Go's own escape analysis on small functions; test/escape/cpp/escape.cpp
// spells the same functions against the gocxx runtime. Lines with a CASE
// marker comment are compared verdict by verdict (test/escape/compare.py).
// Every function is go:noinline so that inlining does not change Go's
// verdicts at the call sites.
package main

type Point struct{ x, y int }

type Node struct {
	value  int
	target *int
}

type Pair struct{ a, b *int }

type Big struct{ bytes [70000]byte }

var g *int
var registry *Node

//go:noinline
func retAddr() *int {
	x := 0 // CASE: ret_addr
	return &x
}

//go:noinline
func toGlobal() {
	y := 0 // CASE: to_global
	g = &y
}

//go:noinline
func stays() int {
	z := 1 // CASE: stays
	p := &z
	return *p
}

//go:noinline
func ident(p *int) *int { return p } // CASE: ident

//go:noinline
func keep(p *int) { g = p } // CASE: keep

//go:noinline
func read(p *int) int { return *p } // CASE: read

//go:noinline
func keepContent(pp **int) { g = *pp } // CASE: keep_content

//go:noinline
func load(pp **int) *int { return *pp } // CASE: load

//go:noinline
func first(a *int, b *int) *int { return a } // CASE: first

//go:noinline
func paramAddr(v int) *int { return &v } // CASE: param_addr

//go:noinline
func twoLevels() **int {
	a := 0   // CASE: two_levels_a
	pa := &a // CASE: two_levels_pa
	return &pa
}

//go:noinline
func pick(c bool, p *int, q *int) *int { // CASE: pick
	if c {
		return p
	}
	return q
}

//go:noinline
func storeThrough(out **int) { // CASE: store_through_out
	v := 0 // CASE: store_through_v
	*out = &v
}

//go:noinline
func leaf(p *int) { g = p } // CASE: leaf

//go:noinline
func mid(p *int) { leaf(p) } // CASE: mid

//go:noinline
func top() {
	x := 0 // CASE: top
	mid(&x)
}

//go:noinline
func callRead() int {
	x := 0 // CASE: call_read
	return read(&x)
}

//go:noinline
func recIdent(p *int, n int) *int { // CASE: rec_ident
	if n == 0 {
		return p
	}
	return recIdent(p, n-1)
}

//go:noinline
func recA(p *int, n int) { // CASE: rec_a
	if n == 0 {
		g = p
	} else {
		recB(p, n-1)
	}
}

//go:noinline
func recB(p *int, n int) { recA(p, n) } // CASE: rec_b

//go:noinline
func callFp(fp func(*int)) { // CASE: call_fp
	x := 0 // CASE: call_fp_x
	fp(&x)
}

//go:noinline
func (n *Node) get() int { return n.value } // CASE: node_get

//go:noinline
func (n *Node) self() *Node { return n } // CASE: node_self

//go:noinline
func (n *Node) enroll() { registry = n } // CASE: node_enroll

//go:noinline
func (n *Node) addr() *int { return &n.value } // CASE: node_addr

//go:noinline
func (n *Node) tgt() *int { return n.target } // CASE: node_tgt

//go:noinline
func (n *Node) set(p *int) { n.target = p } // CASE: node_set

//go:noinline
func callEnroll() {
	n := Node{} // CASE: call_enroll
	n.enroll()
}

//go:noinline
func callGet() int {
	n := Node{} // CASE: call_get
	return n.get()
}

//go:noinline
func pairReturned() Pair {
	x := 0 // CASE: pair_x
	y := 0 // CASE: pair_y
	return Pair{&x, &y}
}

//go:noinline
func pairLocal() int {
	x := 0 // CASE: pair_local
	p := Pair{&x, nil}
	return *p.a
}

//go:noinline
func makePoint() *Point { return new(Point) } // CASE: make_point

//go:noinline
func sumPoint() int {
	p := new(Point) // CASE: sum_point
	p.x, p.y = 1, 2
	return p.x + p.y
}

//go:noinline
func readPtr(p *Point) int { return p.x } // CASE: read_ptr

//go:noinline
func passPtr(p *Point) *Point { return p } // CASE: pass_ptr

//go:noinline
func passToReader() int {
	return readPtr(new(Point)) // CASE: pass_to_reader
}

//go:noinline
func passThrough() *Point {
	return passPtr(new(Point)) // CASE: pass_through
}

//go:noinline
func bigAlloc() int {
	p := new(Big) // CASE: big_alloc
	return int(p.bytes[0])
}

//go:noinline
func localSlice() int {
	s := make([]int, 8) // CASE: local_slice
	s[0] = 1
	return s[0] + len(s)
}

//go:noinline
func dynamicSlice(n int) int {
	s := make([]int, n) // CASE: dynamic_slice
	return len(s)
}

// Only the capacity must be constant: the length may vary.
//
//go:noinline
func lengthVaries(n int) int {
	s := make([]int, n, 16) // CASE: length_varies
	return len(s)
}

//go:noinline
func capacityOver64k() int {
	s := make([]int64, 0, 8193) // CASE: capacity_over_64k
	return cap(s)
}

//go:noinline
func retSlice() []int {
	return make([]int, 4) // CASE: ret_slice
}

//go:noinline
func intoSlice(s []*int) { // CASE: into_slice_s
	x := 0 // CASE: into_slice_x
	s[0] = &x
}

//go:noinline
func appendPtr(s []*Point) []*Point { // CASE: append_s
	return append(s, new(Point)) // CASE: append_new
}

//go:noinline
func mapStore(m map[int]*Point) { // CASE: map_store_m
	m[1] = new(Point) // CASE: map_store_new
}

//go:noinline
func localMap() int {
	m := make(map[int]int) // CASE: local_map
	m[1] = 2
	return len(m)
}

//go:noinline
func sendAddr(ch chan *int) {
	x := 0 // CASE: send_addr
	ch <- &x
}

//go:noinline
func sendNew(ch chan *Point) {
	ch <- new(Point) // CASE: send_new
}

//go:noinline
func worker(p *int) {}

//go:noinline
func spawnAddr() {
	x := 0 // CASE: spawn_addr
	go worker(&x)
}

//go:noinline
func spawnCapture() {
	y := 0 // CASE: spawn_capture
	go func() {
		y++
	}()
}

//go:noinline
func closureGlobal() {
	x := 0 // CASE: closure_global
	func() {
		g = &x
	}()
}

//go:noinline
func loopKeep() int {
	var last *int
	for i := 0; i < 3; i++ {
		v := i // CASE: loop_keep
		last = &v
	}
	if last != nil {
		return 1
	}
	return 0
}

//go:noinline
func loopLocal() int {
	s := 0
	for i := 0; i < 3; i++ {
		v := i // CASE: loop_local
		p := &v
		s += *p
	}
	return s
}

//go:noinline
func allocLoop() int {
	var keep *Point
	for i := 0; i < 3; i++ {
		p := new(Point) // CASE: alloc_loop
		keep = p
	}
	return keep.x
}

//go:noinline
func viaVar() *int {
	a := 0 // CASE: via_var
	p := &a
	q := p
	return q
}

//go:noinline
func arrayElem() *int {
	var arr [4]int // CASE: array_elem
	return &arr[2]
}

//go:noinline
func closureRead() int {
	x := 1 // CASE: closure_read
	f := func() int { return x + 1 }
	return f()
}

//go:noinline
func pairCopy() Pair {
	x := 0 // CASE: pair_copy
	p := Pair{&x, nil}
	q := p
	return q
}

//go:noinline
func callSelf() *Node {
	n := Node{} // CASE: call_self
	return n.self()
}

//go:noinline
func subSlice(s []int) []int { return s[1:2] } // CASE: sub_slice

//go:noinline
func allocLoopLocal() int {
	s := 0
	for i := 0; i < 3; i++ {
		p := new(Point) // CASE: alloc_loop_local
		s += p.x
	}
	return s
}

//go:noinline
func paramLocal(v int) int { // CASE: param_local
	p := &v
	return *p
}

//go:noinline
func derefCopy() Point {
	p := new(Point) // CASE: deref_copy
	return *p
}

//go:noinline
func passPtrLocal() int {
	x := 0 // CASE: pass_ptr_local
	p := ident(&x)
	return *p
}

//go:noinline
func identRet() *int {
	x := 0 // CASE: ident_ret
	return ident(&x)
}

//go:noinline
func storeHeapObject() *Node {
	x := 0         // CASE: store_heap_object_x
	n := new(Node) // CASE: store_heap_object_n
	n.target = &x
	return n
}

type Sink interface{ Take(p *int) }

// A deferred closure calling through an interface: what it is given leaks.
//
//go:noinline
func deferredIface(s Sink) { // CASE: deferred_iface_s
	x := new(int) // CASE: deferred_iface_x
	defer func() { s.Take(x) }()
}

//go:noinline
func deferredBenign() int {
	x := new(int) // CASE: deferred_benign
	defer func() { *x = 2 }()
	return 0
}

// A loop made by a backward goto: an object kept across iterations escapes,
// one used within an iteration does not.
//
//go:noinline
func gotoLoop() int {
	var outer *int
	i := 0
loop:
	z := new(int) // CASE: goto_loop
	*z = i
	if outer != nil {
		i += *outer
	}
	outer = z
	i++
	if i < 3 {
		goto loop
	}
	return *outer
}

//go:noinline
func gotoLocal() int {
	i, sum := 0, 0
again:
	{
		t := new(int) // CASE: goto_local
		*t = i
		sum += *t
	}
	i++
	if i < 3 {
		goto again
	}
	return sum
}

type FieldRead struct {
	a int
	b *int
}

// Only an int is read through x: x does not escape; y is stored.
//
//go:noinline
func readField(
	x *FieldRead, // CASE: read_field_x
	y *int, // CASE: read_field_y
) *FieldRead {
	return &FieldRead{x.a, y}
}

// An aggregate with pointer fields, made with no arguments.
type Tree struct {
	left, right *Tree
	value       int
}

//go:noinline
func emptyTree() int {
	t := &Tree{} // CASE: empty_tree
	return t.value
}

// A struct of two pointers, one field stored: Go's struct is one location,
// so both targets move; gocxx gives each field of a local aggregate used
// only field by field its own location (see MORE-PRECISE in escape.cpp).
type PtrPair struct {
	a, b *int
}

//go:noinline
func fieldSplit() int {
	x, y := 1, 2 // CASE: field_split
	s := PtrPair{&x, &y}
	g = s.a
	return *s.b
}

// The same struct copied whole: both targets move, as in Go.
//
//go:noinline
func fieldWhole() int {
	x, y := 1, 2 // CASE: field_whole
	s := PtrPair{&x, &y}
	t := s
	g = t.a
	return *t.b
}

// A closure called directly, capturing two variables, one stored: Go links
// each captured variable, not the closure, to where it goes (flowClosure);
// gocxx gives the closure a location per capture when it is only called.
//
//go:noinline
func closureFields() int {
	x, y := 1, 2 // CASE: closure_fields
	f := func() int { g = &x; return y }
	return f()
}

// A struct seen from a closure: whole, in both.
//
//go:noinline
func fieldCaptured() {
	x, y := 1, 2 // CASE: field_captured
	s := PtrPair{&x, &y}
	f := func() { g = s.a }
	f()
}

func main() {}
