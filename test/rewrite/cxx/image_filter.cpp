// image_filter (plain C++): a small grey-scale image pipeline: a generated
// test image, a 3x3 convolution whose kernel is built per call, per-tile
// means over 8x8 tiles, a histogram, a two-level pyramid and a temporal
// stack of frames. A check gocxx-escape-unique-to-stack should turn the
// kernel of convolve(), the per-tile scratch of tile_means() (new/delete,
// skipped tiles delete it before `continue`), the histogram of
// histogram_bins() and the first pyramid plane of pyramid_energy() into
// stack objects; it must keep the images returned or cached in a global,
// the 72 KiB frame stack and the arrays (the second pyramid level, the
// buffer whose length is known at run time).
// fixes: 4
// moved: 48
#include <cmath>
#include <cstdio>
#include <memory>

constexpr int W = 32, H = 24;

struct image {
  int w, h;
  float px[W * H];
};
struct kernel {
  float k[3][3];
  float norm;
};
struct tile {
  float px[8][8];
  int x0, y0;
};
struct histogram {
  int bins[16];
  int total;
};
struct plane {
  float v[96 * 96];  // 36 KiB
};
struct frame_stack {
  float frames[24][W * H];  // 72 KiB
};

std::unique_ptr<image> g_last;  // the last filtered image, kept for a later call

std::unique_ptr<image> make_test_image(int seed) {
  auto img = std::make_unique<image>(W, H);  // kept: returned
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) img->px[y * W + x] = static_cast<float>((x * 7 + y * 13 + seed * 5) % 32) / 31.0f;
  return img;
}

void convolve(const image& in, image& out, int kind) {
  auto k = std::make_unique<kernel>();  // moved, per call
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      k->k[i][j] = kind == 0 ? 1.0f : (i == 1 && j == 1 ? 5.0f : (i == 1 || j == 1 ? -1.0f : 0));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) k->norm += k->k[i][j];
  for (int y = 1; y + 1 < in.h; ++y)
    for (int x = 1; x + 1 < in.w; ++x) {
      float acc = 0;
      for (int i = -1; i <= 1; ++i)
        for (int j = -1; j <= 1; ++j) acc += k->k[i + 1][j + 1] * in.px[(y + i) * in.w + (x + j)];
      out.px[y * out.w + x] = acc / k->norm;
    }
}

std::unique_ptr<image> filtered(const image& in, int kind) {
  auto out = std::make_unique<image>(in);  // kept: returned
  convolve(in, *out, kind);
  return out;
}

float tile_means(const image& img) {
  float best = 0;
  for (int ty = 0; ty < img.h / 8; ++ty)
    for (int tx = 0; tx < img.w / 8; ++tx) {
      tile* t = new tile{{}, tx * 8, ty * 8};  // moved, per tile
      if ((tx + ty) % 3 == 2) {
        delete t;
        continue;
      }
      float sum = 0;
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) sum += t->px[y][x] = img.px[(t->y0 + y) * img.w + t->x0 + x];
      best = std::fmax(best, sum / 64);
      delete t;
    }
  return best;
}

int histogram_bins(const image& img) {
  auto h = std::make_unique<histogram>();  // moved
  for (int i = 0; i < img.w * img.h; ++i) {
    int b = static_cast<int>(img.px[i] * 15.99f);
    h->bins[b < 0 ? 0 : b > 15 ? 15 : b]++;
    h->total++;
  }
  int used = 0;
  for (int b : h->bins) used += b > 0;
  return used * 1000 + h->total % 1000;
}

double pyramid_energy(const image& img) {
  auto up = std::make_unique<plane>();                 // moved: 36 KiB
  auto down = std::make_unique<float[]>(48 * 48 + 1);  // kept: an array
  for (int y = 0; y < 96; ++y)
    for (int x = 0; x < 96; ++x) up->v[y * 96 + x] = img.px[(y * H / 96) * W + x * W / 96];
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 48; ++x)
      down[y * 48 + x] = (up->v[2 * y * 96 + 2 * x] + up->v[(2 * y + 1) * 96 + 2 * x + 1]) / 2;
  double e = 0;
  for (int i = 0; i < 48 * 48; ++i) e += down[i] * down[i];
  return e;
}

float temporal_median(int frames) {
  auto stack = std::make_unique<frame_stack>();  // kept: 72 KiB
  for (int f = 0; f < frames; ++f)
    for (int i = 0; i < W * H; ++i) stack->frames[f][i] = static_cast<float>((i * 3 + f * 11) % 17);
  auto column = std::make_unique<float[]>(static_cast<std::size_t>(frames));  // kept: an array
  float total = 0;
  for (int i = 0; i < W * H; i += 97) {
    for (int f = 0; f < frames; ++f) column[f] = stack->frames[f][i];
    int below = 0;
    for (int f = 0; f < frames; ++f) below += column[f] < column[0];
    total += static_cast<float>(below);
  }
  return total;
}

int main() {
  for (int seed = 0; seed < 3; ++seed) {
    auto img = make_test_image(seed);
    auto blur = filtered(*img, 0);
    auto sharp = filtered(*blur, 1);
    std::printf("seed %d: tile max %.4f, bins %d, pyramid %.3f\n", seed, tile_means(*sharp), histogram_bins(*blur),
                pyramid_energy(*sharp));
    g_last = std::move(sharp);
  }
  std::printf("last centre %.4f, median rank %.1f\n", g_last->px[12 * W + 16], temporal_median(9));
  g_last.reset();
}
