// text_stats (plain C++): statistics over a short text: per-line word and
// letter counts, a letter histogram filled through std::for_each, word
// lengths, a trigram table, the longest words kept in a vector, and two
// halves counted on worker threads. A check gocxx-escape-unique-to-stack
// should turn the per-line stats of line_summary(), the per-word buffer of
// count_words() (new/delete in a loop, skipped words delete it before
// `continue`) and the letter histogram of top_letter() (used in a lambda
// passed to std::for_each) into stack objects; it must keep the word entries
// moved into the vector, the partial counts handed to std::thread, the
// 68 KiB trigram table, the run-time-sized length histogram, the summary with
// a custom deleter and the one released into a global.
// fixes: 3
// moved: 50
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

const char* const text[] = {
    "the quick brown fox jumps over the lazy dog",
    "a stitch in time saves nine",
    "to be or not to be that is the question",
    "all that glitters is not gold",
    "the early bird catches the worm but the second mouse gets the cheese",
};
constexpr int LINES = sizeof text / sizeof text[0];

struct line_stats {
  int words, letters, longest;
};
struct word_buf {
  char w[32];
  int len;
};
struct word_entry {
  std::string word;
  int line;
};
struct letter_freq {
  int counts[26];
};
struct trigram_table {
  int counts[26][26][26];  // 68.6 KiB
};
struct partial {
  int from, to;
  long letters;
};
struct summary {
  int lines;
  long letters;
};
struct summary_printer {
  void operator()(summary* s) const {
    std::printf("summary: %d lines, %ld letters\n", s->lines, s->letters);
    delete s;
  }
};

summary* g_archived = nullptr;  // released into it, deleted by main

int line_summary(const char* line) {
  auto st = std::make_unique<line_stats>(0, 0, 0);  // moved, per line
  int run = 0;
  for (const char* p = line;; ++p) {
    if (std::isalpha(static_cast<unsigned char>(*p))) {
      st->letters++, run++;
    } else {
      if (run) st->words++;
      st->longest = std::max(st->longest, run);
      run = 0;
      if (!*p) break;
    }
  }
  return st->words * 10000 + st->letters * 100 + st->longest;
}

int count_words(const char* line, int line_no, std::vector<std::unique_ptr<word_entry>>& longest) {
  int kept = 0;
  std::size_t i = 0, n = std::strlen(line);
  while (i < n) {
    word_buf* b = new word_buf{{}, 0};  // moved, per word
    while (i < n && line[i] != ' ' && b->len < 31) b->w[b->len++] = line[i++];
    ++i;
    if (b->len < 6) {
      delete b;
      continue;
    }
    longest.push_back(std::make_unique<word_entry>(std::string(b->w, b->len), line_no));  // kept: into the vector
    ++kept;
    delete b;
  }
  return kept;
}

char top_letter() {
  auto freq = std::make_unique<letter_freq>();  // moved
  for (const char* line : text)
    std::for_each(line, line + std::strlen(line), [&](char c) {
      if (c >= 'a' && c <= 'z') freq->counts[c - 'a']++;
    });
  int best = 0;
  for (int c = 1; c < 26; ++c)
    if (freq->counts[c] > freq->counts[best]) best = c;
  return static_cast<char>('a' + best);
}

int distinct_trigrams() {
  auto tt = std::make_unique<trigram_table>();  // kept: over 64 KiB
  for (const char* line : text)
    for (std::size_t i = 0; line[i] && line[i + 1] && line[i + 2]; ++i)
      if (std::islower(line[i]) && std::islower(line[i + 1]) && std::islower(line[i + 2]))
        tt->counts[line[i] - 'a'][line[i + 1] - 'a'][line[i + 2] - 'a']++;
  int n = 0;
  for (auto& a : tt->counts)
    for (auto& b : a)
      for (int c : b) n += c > 0;
  return n;
}

void count_letters(partial* p) {
  for (int l = p->from; l < p->to; ++l)
    for (const char* c = text[l]; *c; ++c) p->letters += std::isalpha(static_cast<unsigned char>(*c)) != 0;
}

long threaded_letters() {
  auto lo = std::make_unique<partial>(0, LINES / 2, 0);      // kept: handed to a std::thread
  auto hi = std::make_unique<partial>(LINES / 2, LINES, 0);  // kept: handed to a std::thread
  std::thread a(count_letters, lo.get()), b(count_letters, hi.get());
  a.join();
  b.join();
  return lo->letters + hi->letters;
}

int main() {
  std::vector<std::unique_ptr<word_entry>> longest;
  int max_len = 0;
  for (int l = 0; l < LINES; ++l) {
    int s = line_summary(text[l]);
    max_len = std::max(max_len, s % 100);
    std::printf("line %d: %d words, %d letters, %d long words\n", l, s / 10000, s / 100 % 100,
                count_words(text[l], l, longest));
  }
  auto by_len = std::make_unique<int[]>(static_cast<std::size_t>(max_len) + 1);  // kept: an array
  for (const auto& e : longest) by_len[e->word.size()]++;
  for (int len = 6; len <= max_len; ++len) std::printf("  %d words of %d letters\n", by_len[len], len);
  std::printf("top letter %c, %d distinct trigrams, first long word '%s'\n", top_letter(), distinct_trigrams(),
              longest.front()->word.c_str());
  long letters = threaded_letters();
  std::unique_ptr<summary, summary_printer> sum(new summary{LINES, letters});  // kept: custom deleter
  auto archived = std::make_unique<summary>(LINES, letters / LINES);
  g_archived = archived.release();  // kept: released into a global
  std::printf("average %ld letters per line\n", g_archived->letters);
  delete g_archived;
}
