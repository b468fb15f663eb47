// A GoogleTest matcher for the stderr of death tests (EXPECT_EXIT): every
// pattern is searched for independently (ECMAScript regex, so "[^\n]*" stays
// on one line), which lets a test check several lines whose order is not
// specified, count occurrences, and forbid text.
#pragma once

#include <gtest/gtest.h>

#include <iterator>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

namespace gocxx_test {

struct Pattern {
  std::string regex;
  int count = -1;  // -1: at least once; otherwise exactly this many matches (0 = absent)
};

class StderrMatcher : public ::testing::MatcherInterface<const std::string&> {
 public:
  explicit StderrMatcher(std::vector<Pattern> pats) : pats_(std::move(pats)) {}

  bool MatchAndExplain(const std::string& s, ::testing::MatchResultListener* l) const override {
    for (const auto& p : pats_) {
      std::regex re(p.regex);
      auto n = std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator());
      bool ok = p.count < 0 ? n > 0 : n == p.count;
      if (!ok) {
        *l << "/" << p.regex << "/ matched " << n << " time(s)";
        return false;
      }
    }
    return true;
  }

  void DescribeTo(std::ostream* os) const override {
    *os << "stderr where";
    for (const auto& p : pats_) {
      *os << " /" << p.regex << "/ ";
      if (p.count < 0)
        *os << "matches;";
      else
        *os << "matches " << p.count << " time(s);";
    }
  }

 private:
  std::vector<Pattern> pats_;
};

inline ::testing::Matcher<const std::string&> StderrHas(std::vector<Pattern> pats) {
  return ::testing::MakeMatcher(new StderrMatcher(std::move(pats)));
}

}  // namespace gocxx_test
