// linked_list: ports a Go function that builds a small linked list and walks
// it before returning (`d := &Node{4, nil}; c := &Node{3, d}`), where Go's
// escape analysis keeps every node on the stack, next to a list built by
// push() whose nodes are returned to the caller and reversed in place. The rewrite should
// move the four nodes of local_sum() and the cursor of count(); it must keep
// the nodes push() links in a loop, which the returned head reaches, and the
// sentinel stored in a package-level var.
// fixes: 5
// moved: 6
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct node {
  int value;
  go::ptr<node> next;
};

struct cursor {
  go::ptr<node> at;
  int steps = 0;
};

go::ptr<node> sentinel;  // package-level: escapes

int sum(go::ptr<node> head) {
  int s = 0;
  for (auto p = head; p; p = p->next) s += p->value;
  return s;
}

go::ptr<node> reverse(go::ptr<node> head) {
  go::ptr<node> prev;
  while (head) {
    go::ptr<node> next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

int local_sum() {
  auto d = go::new_<node>(4, nullptr);  // moved
  auto c = go::new_<node>(3, d);        // moved
  auto b = go::new_<node>(2, c);        // moved
  auto a = go::new_<node>(1, b);        // moved
  int largest = 0;
  for (auto p = a; p; p = p->next)
    if (p->value > largest) largest = p->value;
  std::printf("local list: head %d, second %d, largest %d\n", a->value, a->next->value, largest);
  return sum(a);
}

// Every node escapes: the head returned reaches them all.
go::ptr<node> push(go::ptr<node> head, int n) {
  for (int i = 0; i < n; ++i) head = go::new_<node>(i, head);
  return head;
}

int count(go::ptr<node> head) {
  auto cur = go::new_<cursor>(head);  // moved, once per call
  while (cur->at) {
    cur->at = cur->at->next;
    cur->steps++;
  }
  return cur->steps;
}

int main() {
  std::printf("local sum %d\n", local_sum());
  sentinel = go::new_<node>(-1, nullptr);
  auto list = push(sentinel, 5);
  std::printf("pushed sum %d, length %d\n", sum(list), count(list));
  list = reverse(list);
  std::printf("after reverse head %d, length %d, sentinel %d\n", list->value, count(list), sentinel->value);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
