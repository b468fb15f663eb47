// std::string is a value: its members copy characters in and out and keep
// no address they are given (assigning, appending, go::new_ of a string).
// A short std::string keeps its characters inside itself: data(), c_str(),
// a string_view, an iterator or a reference to a character read out of a
// string member may point into the object that holds it, which escapes
// when they do. Copies of the string do not carry that pointer, and the C
// library's printers and readers (printf, puts, strlen, strcmp...) keep
// nothing they are given.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

struct person {
  std::string name;
  int age = 0;
};

std::string_view view_returned() {
  auto p = go::new_<person>("bob", 42);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> escapes to heap
  return p->name;
}

const char* c_str_returned() {
  auto p = go::new_<person>("alice", 41);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> escapes to heap
  return p->name.c_str();
}

const char* kept_char;
void char_reference_kept() {
  auto p = go::new_<person>("carol", 40);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> escapes to heap
  kept_char = &p->name[0];
}

std::string::iterator kept_it;
void iterator_kept() {
  auto p = go::new_<person>("dave", 39);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> escapes to heap
  kept_it = p->name.begin();
}

// Copies, and the C library's printers and readers: nothing escapes.
std::string copy_returned() {
  auto p = go::new_<person>("erin", 38);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> does not escape
  return p->name;
}

int printed() {
  auto p = go::new_<person>("frank", 37);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> does not escape
  std::printf("%s %d\n", p->name.c_str(), p->age);
  std::puts(p->name.data());
  return static_cast<int>(std::strlen(p->name.c_str())) + std::strcmp(p->name.c_str(), "x");
}

int iterated() {
  auto p = go::new_<person>("grace", 36);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<person> does not escape
  int n = 0;
  for (char c : p->name) n += c;
  std::string_view v = p->name;
  return n + static_cast<int>(v.size());
}

// Assigning and appending copy characters.
struct lexer {
  std::string src;
  int pos = 0;
};
int assigned(const std::string& text) {  // CHECK: t.cpp:[[@LINE]]:33: text does not escape
  auto l = go::new_<lexer>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<lexer> does not escape
  std::string local = text;
  l->src = local;
  l->src += "!";
  l->src.append(local);
  return static_cast<int>(l->src.size());
}

int string_object() {
  auto s = go::new_<std::string>("abc");  // CHECK: t.cpp:[[@LINE]]:12: go::new_<std::string> does not escape
  s->append("x");
  return static_cast<int>(s->size());
}

// append returns the string itself: a reference kept is the object's address.
std::string* kept_string;
void reference_kept() {
  auto l = go::new_<lexer>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<lexer> escapes to heap
  std::string& r = l->src.append("x");
  kept_string = &r;
}
