// Benchmark data generator: writes COPY text for one tenant's signal tables to stdout.
//
//   recsys-bench-gen TABLE TENANT_UUID ITEMS
//   TABLE: tags | tags-rich | popularity | covisit | sequence
//
// TENANT_UUID "-" reads tenant uuids from stdin, one per line, and writes ITEMS items for each.
//
// Deterministic (fixed PRNG seeds). Item popularity is Zipf-like (weight 1/rank^1.1); each item
// has a brand (300) and a category (200) tag; tags-rich adds a colour (40) and a price band (12).
// popularity: 10 days of 30 per item; covisit: 10 neighbours per item, half of them drawn from the
// 10k most popular items; sequence: 5 next items per item, drawn like co-visitation's.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Day(int days_ago) {
  std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days_ago) * 86400;
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Writes `table`'s rows for `items` items of `tenant`; false for an unknown table.
bool Generate(const std::string& table, const char* tenant, long items, const std::string* days) {
  for (long i = 1; i <= items; ++i) {
    if (table == "tags") {
      std::printf("%s\tdefault\titem-%07ld\t{brand:b%03lu,category:c%03lu}\n", tenant, i,
                  Mix(i) % 300, Mix(i * 31) % 200);
    } else if (table == "tags-rich") {
      std::printf(
          "%s\tdefault\titem-%07ld\t{brand:b%03lu,category:c%03lu,colour:k%02lu,price:p%02lu}\n",
          tenant, i, Mix(i) % 300, Mix(i * 31) % 200, Mix(i * 17) % 40, Mix(i * 7) % 12);
    } else if (table == "popularity") {
      const double weight = 1e6 / std::pow(static_cast<double>(i), 1.1);
      for (int j = 0; j < 10; ++j) {
        const int d = static_cast<int>((i * 7 + j * 3) % 30);
        const double noise = 0.5 + static_cast<double>(Mix(i * 131 + j) % 1000) / 1000.0;
        std::printf("%s\tdefault\titem-%07ld\t%s\t%.4f\n", tenant, i, days[d].c_str(),
                    weight * noise);
      }
    } else if (table == "covisit" || table == "sequence") {
      const int neighbours = table == "covisit" ? 10 : 5;
      for (int j = 0; j < neighbours; ++j) {
        const uint64_t r = Mix(i * 1000003 + j + (table == "covisit" ? 0 : 500));
        const long popular = items < 10000 ? items : 10000;
        long n = static_cast<long>(r % (j < 5 ? popular : items)) + 1;
        if (n == i) n = n % items + 1;
        const int d = (j * 3) % 30;
        std::printf("%s\tdefault\titem-%07ld\titem-%07ld\t%s\t%lu\n", tenant, i, n, days[d].c_str(),
                    1 + r % 20);
      }
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(
        stderr,
        "usage: recsys-bench-gen tags|tags-rich|popularity|covisit|sequence TENANT_UUID|- ITEMS\n");
    return 2;
  }
  const std::string table = argv[1];
  const long items = std::atol(argv[3]);
  std::string days[30];
  for (int d = 0; d < 30; ++d) days[d] = Day(d);
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  bool known = true;
  if (std::strcmp(argv[2], "-") != 0) {
    known = Generate(table, argv[2], items, days);
  } else {
    char line[128];
    while (known && std::fgets(line, sizeof line, stdin) != nullptr) {
      line[std::strcspn(line, "\r\n")] = '\0';
      if (line[0] != '\0') known = Generate(table, line, items, days);
    }
  }
  if (!known) {
    std::fprintf(stderr, "unknown table %s\n", table.c_str());
    return 2;
  }
  return 0;
}
