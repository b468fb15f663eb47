// crawler: a breadth-first crawl of a small fake web, one level at a time,
// each level's pages fetched concurrently by an errgroup with a limit of
// three goroutines (golang.org/x/sync/errgroup). The first failed fetch
// fails the crawl: its error wraps the fetcher's (go::errorf's %w), and
// errors::is finds the sentinel through the wrap.
//
// Go equivalent:
//
//   var errNotFound = errors.New("not found")
//   func fetch(ctx context.Context, url string) ([]string, error) {
//       links, ok := web[url]
//       if !ok { return nil, fmt.Errorf("fetch %s: %w", url, errNotFound) }
//       return links, nil
//   }
//   func crawl(ctx context.Context, start string) ([]string, error) {
//       seen := map[string]bool{start: true}
//       for level := []string{start}; len(level) > 0; {
//           g, ctx := errgroup.WithContext(ctx)
//           g.SetLimit(3)
//           found := make([][]string, len(level))
//           for i, url := range level {
//               i, url := i, url
//               g.Go(func() error { links, err := fetch(ctx, url); found[i] = links; return err })
//           }
//           if err := g.Wait(); err != nil { return nil, err }
//           level = nil
//           for _, links := range found { for _, l := range links { if !seen[l] { seen[l] = true; level = append(level,
//           l) } } }
//       }
//       ...
//   }
#include <gocxx/gocxx.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using links = std::vector<std::string>;

const go::error not_found = go::errors::new_("not found");

// The fake web: a page and the pages it links to.
go::map<std::string, links> make_web(bool broken) {
  auto web = go::make_map<std::string, links>();
  web["/"] = links{"/docs", "/blog", "/about"};
  web["/docs"] = links{"/docs/install", "/docs/tour", "/"};
  web["/blog"] = links{"/blog/1", "/blog/2", broken ? "/blog/3" : "/blog/2"};
  web["/about"] = links{"/"};
  web["/docs/install"] = links{};
  web["/docs/tour"] = links{"/docs/install"};
  web["/blog/1"] = links{"/blog/2"};
  web["/blog/2"] = links{};
  return web;
}

go::task<go::error> fetch(go::context ctx, go::map<std::string, links> web, std::string url, links* out) {
  // "Network latency", cut short if the crawl is cancelled.
  switch (co_await go::select(go::on_recv(go::after(std::chrono::milliseconds(1))), go::on_recv(ctx.done()))) {
    case 1: co_return ctx.err();
  }
  auto page = web.get(url);
  if (!page) co_return go::errorf("fetch %s: %w", url.c_str(), not_found);
  *out = *page;
  co_return go::error{};
}

// Every page reachable from start, in order, or the first fetch error.
go::task<go::error> crawl(go::context parent, go::map<std::string, links> web, std::string start, links* pages) {
  auto seen = go::make_map<std::string, bool>();
  seen[start] = true;
  links level{start};
  while (!level.empty()) {
    auto [g, ctx] = go::errgroup::with_context(parent);
    g.set_limit(3);
    std::vector<links> found(level.size());
    for (std::size_t i = 0; i < level.size(); ++i) co_await g.go(fetch, ctx, web, level[i], &found[i]);
    if (go::error err = co_await g.wait()) co_return err;
    pages->insert(pages->end(), level.begin(), level.end());
    level.clear();
    for (const links& ls : found)
      for (const std::string& l : ls)
        if (!seen[l]) {
          seen[l] = true;
          level.push_back(l);
        }
  }
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    for (bool broken : {false, true}) {
      links pages;
      go::error err = co_await crawl(go::background(), make_web(broken), "/", &pages);
      if (err) {
        std::printf("crawl failed: %s (not found: %s)\n", err.message().c_str(),
                    go::errors::is(err, not_found) ? "yes" : "no");
        continue;
      }
      std::printf("crawled %zu pages:", pages.size());
      for (const std::string& p : pages) std::printf(" %s", p.c_str());
      std::printf("\n");
    }
  });
}
