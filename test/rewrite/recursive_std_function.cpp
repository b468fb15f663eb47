// recursive_std_function: ports a Go recursive closure (`var walk func(*node)
// int; walk = func(n *node) int { ... walk(n.next) }`) as a std::function
// that calls itself, as C++ code usually writes it. Each level formats its
// node into a 16 KiB scratch buffer allocated with go::new_ that does not
// escape. In Go it would move to the stack, which grows; a C++ stack does
// not, and gocxx keeps objects over 256 bytes on the heap in recursive
// functions -- but the recursion goes through std::function, which the call
// graph does not see, so the scratch buffer moves and 3000 levels need
// 48 MiB of stack. The sound outcome: no fix for the scratch buffer (the
// list's nodes escape).
// fixes: 0
// moved: 0
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstring>
#include <functional>

struct node {
  int value;
  go::ptr<node> next;
};

struct scratch {
  char text[16 * 1024];
  int len;
};

long checksum_list(go::ptr<node> head) {
  std::function<long(go::ptr<node>, int)> walk = [&](go::ptr<node> n, int depth) -> long {
    if (!n) return 0;
    auto buf = go::new_<scratch>();  // does not escape, but every live level keeps one
    buf->len = std::snprintf(buf->text, sizeof buf->text, "node %d at depth %d", n->value, depth);
    long here = 0;
    for (int i = 0; i < buf->len; ++i) here += buf->text[i];
    return here + walk(n->next, depth + 1);
  };
  return walk(head, 0);
}

int main() {
  go::ptr<node> head;
  for (int i = 0; i < 3000; ++i) head = go::new_<node>(i, head);
  std::printf("checksum %ld\n", checksum_list(head));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
