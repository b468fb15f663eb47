// What the escape analysis knows about the gocxx runtime API by name
// (docs/runtime.md and the headers: memory and the GC, channels, spawn): the calls
// that allocate, store into the GC heap, send on a channel, start a
// goroutine. The analysis never looks into the bodies of go:: functions
// (runtime/include/gocxx/*.hpp: their handles register themselves with the
// collector, run write barriers, call into the runtime's compiled part); it
// applies these rules instead.
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>

namespace gocxx::runtime_model {

enum class escape_api {
  none,            // not a go:: function
  new_,            // go::new_<T>(args...): a GC allocation, the args initialise it
  make_slice,      // go::make_slice<T>(len[, cap]): a GC allocation
  make_map,        // go::make_map<K, V>(): a GC allocation
  make_chan,       // go::make_chan<T>([cap]): a GC object, never on a stack
  append,          // go::append(s, xs...): result from s; xs stored into the heap
  copy,            // go::copy(dst, src): the elements of src stored into the heap
  handle_deref,    // ptr::operator->, ptr::operator*, ptr::get, slice::operator[], data, begin,
                   // end, map::iterator::operator*: the target
  handle_view,     // slice::sub, map::begin, conversions between handles: the same target
  handle_copy,     // copy/move constructor or assignment of a go:: handle or type
  map_set,         // map::set(k, v): stored into the heap
  map_get,         // map::get(k): a value loaded from the heap
  chan_send,       // chan::send(v), send_chan::send(v): v is sent on a channel
  on_send,         // go::on_send(ch, v): v is sent on a channel
  on_recv,         // go::on_recv(ch, out, ok): the case keeps out/ok for the select
  select,          // go::select(cases...): nothing escapes
  spawn,           // go::spawn(fn, args...): fn and args move into a new goroutine
  run,             // go::run(fn, cfg): the main goroutine (conservatively: the heap)
  pure,            // a go:: call that keeps nothing: len, cap, close, recv, lock, ...
  copy_result,     // a go:: member returning a copy (a handle, an error, a context, a value):
                   // not the object's address; the args may be kept by value
  other_member,    // another go:: member function: `this` and the args may flow to the result
  other_ctor,      // another go:: constructor: the args initialise the object
  other_function,  // another go:: free function: the args may flow to the result
  // Plain C++ (std::unique_ptr with its default deleter, a handle the
  // program owns: its members are classified as the go::ptr ones above).
  make_unique,  // std::make_unique<T>(args...) (T not an array): an allocation, the args initialise it
  opaque,       // another std::unique_ptr member (swap): the object and the args escape
};

// `fd` is declared in namespace go (or below it).
bool in_go_namespace(const clang::Decl* d);

// The go:: runtime API, and std::make_unique and the members of
// std::unique_ptr<T> (runtime_model.hpp: std_unique_ptr).
escape_api classify_escape_api(const clang::FunctionDecl* fd);

// A value a go:: operation hands back that holds no address of the object
// it came from: a non-pointer scalar, a go:: handle (its target is in the GC
// heap), a go::error or a go::context. Not void, a pointer, a reference, an
// awaiter or a go::task (those refer to what they were made from).
bool is_runtime_copy_type(clang::QualType t);

// A member that yields the target of a go:: handle (ptr::operator->,
// slice::operator[]...): a store through it is a store into the GC heap.
bool derefs_gc_handle(const clang::FunctionDecl* fd);

}  // namespace gocxx::runtime_model
