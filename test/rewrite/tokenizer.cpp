// tokenizer: ports a Go scanner and recursive-descent parser whose state
// objects are pointer receivers (`l := &lexer{src: s}; p := &parser{lex: l}`)
// that live only while one expression is evaluated, next to tokens collected
// into a []*Token that the caller keeps. The rewrite should move the lexer
// and the parser of eval() (once per call) and the lexer of tokenize(); it
// must keep the tokens appended to the slice tokenize() returns and the
// token remembered in the package-level `last_op`.
// fixes: 3
// moved: 7
#include <gocxx/gocxx.hpp>

#include <cctype>
#include <cstdio>
#include <string_view>

struct token {
  char kind;  // 'n' number, an operator or parenthesis, 0 at the end
  long value;
};

struct lexer {
  std::string_view src;
  std::size_t pos = 0;
  bool at_end() const { return pos >= src.size(); }
  char peek() const { return at_end() ? '\0' : src[pos]; }
};

go::ptr<token> last_op;  // a package-level var

token next_token(go::ptr<lexer> l) {
  while (!l->at_end() && std::isspace(static_cast<unsigned char>(l->peek()))) l->pos++;
  if (l->at_end()) return {0, 0};
  char c = l->peek();
  if (std::isdigit(static_cast<unsigned char>(c))) {
    long v = 0;
    while (!l->at_end() && std::isdigit(static_cast<unsigned char>(l->peek()))) v = v * 10 + (l->src[l->pos++] - '0');
    return {'n', v};
  }
  l->pos++;
  return {c, 0};
}

struct parser {
  go::ptr<lexer> lex;
  token cur{};
  void advance() { cur = next_token(lex); }
  long factor() {
    if (cur.kind == '(') {
      advance();
      long v = expr();
      advance();  // ')'
      return v;
    }
    long v = cur.value;
    advance();
    return v;
  }
  long term() {
    long v = factor();
    while (cur.kind == '*' || cur.kind == '/') {
      char op = cur.kind;
      advance();
      long r = factor();
      v = op == '*' ? v * r : v / r;
    }
    return v;
  }
  long expr() {
    long v = term();
    while (cur.kind == '+' || cur.kind == '-') {
      char op = cur.kind;
      advance();
      long r = term();
      v = op == '+' ? v + r : v - r;
    }
    return v;
  }
};

long eval(std::string_view src) {
  auto l = go::new_<lexer>(src);  // moved
  auto p = go::new_<parser>(l);   // moved
  p->advance();
  return p->expr();
}

// The tokens escape: appended to the slice the caller gets.
go::slice<go::ptr<token>> tokenize(std::string_view src) {
  auto l = go::new_<lexer>(src);  // moved
  go::slice<go::ptr<token>> out;
  for (token t = next_token(l); t.kind != 0; t = next_token(l)) {
    auto tp = go::new_<token>(t);
    if (tp->kind != 'n') last_op = tp;
    out = go::append(out, tp);
  }
  return out;
}

int main() {
  const char* exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / (4 + 1) - 7"};
  for (const char* e : exprs) std::printf("%-20s = %ld\n", e, eval(e));
  auto toks = tokenize("12*(3+45)");
  std::printf("%zu tokens:", toks.len());
  for (auto t : toks) {
    if (t->kind == 'n')
      std::printf(" %ld", t->value);
    else
      std::printf(" %c", t->kind);
  }
  std::printf("\nlast operator %c\n", last_op->kind);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
