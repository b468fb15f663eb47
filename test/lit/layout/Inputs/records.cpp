// Records of every kind the layout report handles; compiler-agreement.test
// compares gocxx layout's sizes and offsets with Clang's own dump.
#include "go_stubs.hpp"

struct Plain { char a; double d; char b; };
struct Bits { char c; int a : 4; int b : 20; char d; unsigned long long big : 40; short s : 3; };
struct ZeroWidth { char a; int : 0; char b; unsigned : 3; char c; };
struct Empty {};
struct Empty2 {};
struct EmptyMember { char c; Empty e; int x; };
struct Nua { char c; [[no_unique_address]] Empty e; int x; };
struct NuaTwo { [[no_unique_address]] Empty a; [[no_unique_address]] Empty b; int x; };
struct EboBase : Empty { int x; };
struct EboConflict : Empty { Empty e; int x; };
struct NonPod { int a; char b; NonPod(); };
struct TailReuse : NonPod { char c; };
struct NuaNonPod { [[no_unique_address]] NonPod p; char c; };
struct Poly { virtual ~Poly(); char c; };
struct PolyDerived : Poly { char d; int e; };
struct VBase : virtual Poly { char v; };
struct Diamond : VBase, virtual Empty { char w; };
struct Aligned { char a; alignas(32) int b; char c; };
struct alignas(64) Line { int x; };
struct __attribute__((packed)) Packed { char a; int b; short c; };
#pragma pack(push, 2)
struct Pack2 { char a; double d; char b; int bits : 5; };
#pragma pack(pop)
template <class T> struct Box { char tag; T value; char tail; };
template <class T, int N> struct Arr { T items[N]; char n; };
union Variant { char c; double d; int i[3]; };
struct WithUnion { char k; union { int i; double d; } u; char z; };
struct WithAnon { char k; union { int i; double d; }; char z; };
namespace ns { namespace inner { struct Deep { short s; void* p; }; } }
namespace { struct Hidden { char c; long l; }; }
struct Outer { struct Inner { char c; int i; } in; char tail; };
struct Handles { char c; go::ptr<int> p; go::slice<int> s; go::map<int, int> m; go::chan<int> ch; };
struct Sync { std::atomic<int> a; go::mutex mu; go::rwmutex rw; go::wait_group wg; };
struct Flex { int n; char data[]; };
struct LongDouble { char c; long double ld; };
struct Refs { int& r; char c; const char* s; };

int use() {
  return sizeof(Plain) + sizeof(Bits) + sizeof(ZeroWidth) + sizeof(EmptyMember) + sizeof(Nua) + sizeof(NuaTwo) +
         sizeof(EboBase) + sizeof(EboConflict) + sizeof(TailReuse) + sizeof(NuaNonPod) + sizeof(PolyDerived) +
         sizeof(VBase) + sizeof(Diamond) + sizeof(Aligned) + sizeof(Line) + sizeof(Packed) + sizeof(Pack2) +
         sizeof(Box<int>) + sizeof(Box<double>) + sizeof(Box<Plain>) + sizeof(Arr<short, 3>) + sizeof(Variant) +
         sizeof(WithUnion) + sizeof(WithAnon) + sizeof(ns::inner::Deep) + sizeof(Hidden) + sizeof(Outer) +
         sizeof(Handles) + sizeof(Sync) + sizeof(Flex) + sizeof(LongDouble) + sizeof(Refs) + sizeof(Empty2);
}
