// The runtime calls that copy (checks/runtime_model/escape_model.md): what
// they are given is copied, so a local's address does not go with it; each
// case has its twin where an address really is stored.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt
// RUN: FileCheck %s --check-prefix=NEG --input-file=%t/out.txt
#include <gocxx/gocxx.hpp>

#include <string>

// map::set copies its key and value.
void map_values(go::map<int, std::string> m) {
  for (int key = 0; key < 3; ++key) m.set(key, std::to_string(key));
}
// NEG-NOT: 'key' outlives it

// ... but a pointer stored as the value is the address itself.
void map_pointer(go::map<int, int*> m) {
  int target = 0;
  m.set(1, &target);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'target' outlives it: it is stored in the GC heap
// CHECK: note: flow: {heap} = {temporary} (stored into a map)

// append copies the values it appends, and the elements of a slice.
go::slice<int> append_values(go::slice<int> s) {
  int one = 1;
  s = go::append(s, one);
  go::slice<int> more = go::make_slice<int>(2);
  return go::append(s, more);
}
// NEG-NOT: 'one' outlives it
// NEG-NOT: 'more' outlives it

// ... but appending a pointer stores the address.
go::slice<int*> append_pointer(go::slice<int*> s) {
  int appended = 0;
  return go::append(s, &appended);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'appended' outlives it: it is stored in the GC heap
// CHECK: note: flow: {heap} = {temporary} (appended to a slice)

// A ticker's channel and a context's error are copies, not the address of
// the ticker or the context.
go::task<> copies_out(go::map<int, go::recv_chan<go::time_point>> chans, go::map<int, go::error> errs) {
  go::ticker t(std::chrono::milliseconds(5));
  chans.set(1, t.c());
  auto [ctx, cancel] = go::with_cancel(go::background());
  cancel();
  errs.set(1, ctx.err());
  co_return;
}
// NEG-NOT: 't' outlives it
// NEG-NOT: 'ctx' outlives it

// A go::spawn argument is copied into the goroutine.
go::task<> reader(int v) {
  (void)v;
  co_return;
}
void spawn_copy() {
  int copied = 7;
  go::spawn(reader, copied);
}
// NEG-NOT: 'copied' outlives it
