// -m=2: the flows that make each value escape, as notes (Go's `flow:` lines).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m=2 --format=text --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt
// RUN: cd %t && %gocxx escape -m=1 --format=text --checks=-*,gocxx-escape-report t.cpp > %t/m1.txt
// RUN: FileCheck %s --check-prefix=M1 --input-file=%t/m1.txt
// RUN: cd %t && %gocxx escape -m=2 --format=json --checks=-*,gocxx-escape-report t.cpp > %t/out.json
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t/out.json

int* g;

int* two_steps() {
  int x = 0;
  int* p = &x;
  return p;
}
// CHECK: t.cpp:[[@LINE-4]]:7: remark: moved to heap: x
// CHECK: note: flow: p = &x (address-of)
// CHECK: note: flow: ~r0 = p (return)
// M1: remark: moved to heap: x
// M1-NOT: note: flow
// JSON: "message": "moved to heap: x"
// JSON: "notes": [
// JSON: "message": "flow: p = &x (address-of)"
// JSON: "message": "flow: ~r0 = p (return)"

void via_call(int* q) { g = q; }
void caller() {
  int y = 0;
  via_call(&y);
}
// CHECK: t.cpp:[[@LINE-3]]:7: remark: moved to heap: y
// CHECK: note: flow: {arg q} = &y (address-of)
// CHECK: note: flow: {global} = {arg q} (leaking parameter)
