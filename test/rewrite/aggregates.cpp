// aggregates: ports Go composite literals (`&Rect{Min: Point{0, 0}, Max:
// Point{w, h}}`, `&Color{}`, `&Style{Bold: true}`) as go::new_ of C++
// aggregates with brace-style arguments, nested aggregates, no arguments
// (zero value), partial arguments (the rest default), and classes whose
// constructors have default arguments. The rewrite should move every one of
// those in area(), style_code() and pen_width() and the two rectangles of
// main that union_of() only reads; it must keep the rectangle union_of()
// returns and the palette entries stored into a go::map.
// fixes: 9
// moved: 13
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct pt {
  int x, y;
};
struct rect {
  pt min, max;
};
struct color {
  unsigned char r, g, b;
};
struct style {
  bool bold = false;
  bool italic = false;
  int size = 12;
  color fg{0, 0, 0};
};
class pen {
 public:
  explicit pen(int width = 1, color c = color{0, 0, 0}, bool round = true) : width_(width), c_(c), round_(round) {}
  int width() const { return width_ + (round_ ? 1 : 0) + c_.r / 128; }

 private:
  int width_;
  color c_;
  bool round_;
};

int area(int w, int h) {
  auto r = go::new_<rect>(pt{0, 0}, pt{w, h});  // moved: nested aggregates
  auto zero = go::new_<rect>();                 // moved: the zero value
  return (r->max.x - r->min.x) * (r->max.y - r->min.y) + zero->max.x;
}

int style_code(bool bold) {
  auto s = go::new_<style>(bold);                              // moved: the rest default
  auto t = go::new_<style>(true, true, 14, color{255, 0, 0});  // moved: every field
  return (s->bold ? 1 : 0) + (t->italic ? 2 : 0) + s->size + t->size + t->fg.r;
}

int pen_width(int extra) {
  int total = 0;
  for (int i = 0; i < extra; ++i) {
    auto p = go::new_<pen>(i + 1);  // moved, per iteration: default arguments for the rest
    total += p->width();
  }
  auto plain = go::new_<pen>();                          // moved: every argument defaulted
  auto red = go::new_<pen>(2, color{200, 0, 0}, false);  // moved
  return total + plain->width() + red->width();
}

// Returned: escapes.
go::ptr<rect> union_of(go::ptr<rect> a, go::ptr<rect> b) {
  return go::new_<rect>(pt{a->min.x < b->min.x ? a->min.x : b->min.x, a->min.y < b->min.y ? a->min.y : b->min.y},
                        pt{a->max.x > b->max.x ? a->max.x : b->max.x, a->max.y > b->max.y ? a->max.y : b->max.y});
}

int main() {
  std::printf("area %d\n", area(3, 4));
  std::printf("style %d %d\n", style_code(true), style_code(false));
  std::printf("pen %d\n", pen_width(3));
  auto a = go::new_<rect>(pt{0, 0}, pt{2, 2});   // moved: union_of() only reads it
  auto b = go::new_<rect>(pt{1, -1}, pt{5, 1});  // moved
  auto u = union_of(a, b);
  std::printf("union (%d,%d)-(%d,%d)\n", u->min.x, u->min.y, u->max.x, u->max.y);
  auto palette = go::make_map<int, go::ptr<color>>();
  palette.set(0, go::new_<color>(255, 255, 255));  // stored into the map: escapes
  auto black = go::new_<color>();
  palette.set(1, black);  // escapes
  std::printf("palette %zu, white r=%d\n", palette.len(), (*palette.get(0))->r);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
