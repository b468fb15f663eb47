// lexer (plain C++): a tokenizer and an evaluator whose state objects are
// made with `new` and freed with `delete` before the function returns (on
// every path, early returns included), next to nodes handed to the caller
// as raw owning pointers. A check gocxx-escape-unique-to-stack should turn
// the lexer and parser of eval() and the lexer of count_tokens() into stack
// objects (dropping their deletes); it must keep the nodes parse_list()
// links and returns (the caller deletes them) and the scratch buffer whose
// size is only known at run time.
// fixes: 3
// moved: 8
#include <cctype>
#include <cstdio>
#include <cstring>

struct lexer {
  const char* src;
  std::size_t pos;
  bool done() const { return src[pos] == '\0'; }
  void skip() {
    while (src[pos] == ' ') ++pos;
  }
  long number() {
    long v = 0;
    while (std::isdigit(static_cast<unsigned char>(src[pos]))) v = v * 10 + (src[pos++] - '0');
    return v;
  }
};

struct parser {
  explicit parser(lexer* l) : lex(l) {}
  lexer* lex;
  long expr() {
    long v = term();
    for (lex->skip(); lex->src[lex->pos] == '+' || lex->src[lex->pos] == '-'; lex->skip()) {
      char op = lex->src[lex->pos++];
      long r = term();
      v = op == '+' ? v + r : v - r;
    }
    return v;
  }
  long term() {
    lex->skip();
    long v = lex->number();
    for (lex->skip(); lex->src[lex->pos] == '*'; lex->skip()) {
      lex->pos++;
      lex->skip();
      v *= lex->number();
    }
    return v;
  }
};

long eval(const char* src) {
  lexer* l = new lexer{src, 0};  // moved
  parser* p = new parser(l);     // moved
  long v = p->expr();
  delete p;
  delete l;
  return v;
}

int count_tokens(const char* src) {
  auto* l = new lexer{src, 0};  // moved: deleted on both paths
  int n = 0;
  for (l->skip(); !l->done(); l->skip()) {
    char c = l->src[l->pos];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      l->number();
    } else if (std::strchr("+-*", c)) {
      l->pos++;
    } else {
      delete l;
      return -1;
    }
    ++n;
  }
  delete l;
  return n;
}

struct node {
  long value;
  node* next;
};

// The nodes are returned: kept (the caller deletes them).
node* parse_list(const char* src) {
  lexer l{src, 0};
  node* head = nullptr;
  node** tail = &head;
  for (l.skip(); !l.done(); l.skip()) {
    *tail = new node{l.number(), nullptr};
    tail = &(*tail)->next;
    if (l.src[l.pos] == ',') l.pos++;
  }
  return head;
}

int main() {
  const char* exprs[] = {"1 + 2 * 3", "10 - 4 - 3", "2 * 3 * 4 + 1"};
  for (const char* e : exprs) std::printf("%-14s = %ld\n", e, eval(e));
  std::printf("tokens %d, bad %d\n", count_tokens("12 * 3 + 4"), count_tokens("1 + x"));
  node* list = parse_list("5, 8, 13");
  std::size_t n = std::strlen("5, 8, 13");
  char* buf = new char[n + 1];  // size known at run time: kept
  int len = 0;
  while (node* h = list) {
    len += std::snprintf(buf + len, n + 1 - len, "%ld;", h->value);
    list = h->next;
    delete h;
  }
  std::printf("list %s\n", buf);
  delete[] buf;
}
