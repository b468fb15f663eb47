// slices_maps: ports Go word counting over a []string with a
// map[string]*Entry index and a []*Entry result sorted by count. The rewrite
// should move the normaliser state used per word, the scanner of
// split_words() and the query object of lookup(); it must keep the entries
// stored as map values, the entries appended to the returned slice, and the
// slice and map objects themselves (go::make_slice and go::make_map sites
// are not rewritten).
// fixes: 3
// moved: 15
#include <gocxx/gocxx.hpp>

#include <cctype>
#include <cstdio>
#include <string>

struct entry {
  std::string word;
  int count;
};
struct normaliser {
  int lowered;
  int stripped;
};
struct scanner {
  std::size_t pos;
  std::size_t start;
};
struct query {
  int hits;
  int misses;
};

std::string normalise(const std::string& w) {
  auto n = go::new_<normaliser>(0, 0);  // moved, once per word
  std::string out;
  for (char c : w) {
    if (std::ispunct(static_cast<unsigned char>(c))) {
      n->stripped++;
      continue;
    }
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l != c) n->lowered++;
    out.push_back(l);
  }
  return out;
}

go::slice<std::string> split_words(const std::string& text) {
  auto sc = go::new_<scanner>(0, 0);  // moved
  go::slice<std::string> words;
  for (; sc->pos <= text.size(); sc->pos++) {
    if (sc->pos == text.size() || text[sc->pos] == ' ') {
      if (sc->pos > sc->start) words = go::append(words, text.substr(sc->start, sc->pos - sc->start));
      sc->start = sc->pos + 1;
    }
  }
  return words;
}

// The entries escape: into the map, and into the slice returned.
go::slice<go::ptr<entry>> count_words(go::slice<std::string> words, go::map<std::string, go::ptr<entry>> index) {
  go::slice<go::ptr<entry>> order;
  for (const auto& raw : words) {
    std::string w = normalise(raw);
    if (auto e = index.get(w)) {
      (*e)->count++;
      continue;
    }
    auto e = go::new_<entry>(w, 1);
    index.set(w, e);
    order = go::append(order, e);
  }
  return order;
}

int lookup(go::map<std::string, go::ptr<entry>> index, go::slice<std::string> wanted) {
  auto q = go::new_<query>(0, 0);  // moved
  for (const auto& w : wanted) {
    if (auto e = index.get(w))
      q->hits += (*e)->count;
    else
      q->misses++;
  }
  return q->hits * 100 + q->misses;
}

int main() {
  auto words = split_words("The cat saw the dog. The dog saw a cat, and the bird");
  auto index = go::make_map<std::string, go::ptr<entry>>();
  auto order = count_words(words, index);
  // Sort by count, then by first appearance (insertion sort keeps it stable).
  for (std::size_t i = 1; i < order.len(); ++i)
    for (std::size_t j = i; j > 0 && order[j]->count > order[j - 1]->count; --j) {
      auto t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (auto e : order) std::printf("%-5s %d\n", e->word.c_str(), e->count);
  go::slice<std::string> wanted{"the", "cat", "fish"};
  std::printf("lookup %d\n", lookup(index, wanted));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
