// An exposure row's CPU on the server, per row, in its two forms:
//   text_then_tuple: a COPY text line built on the request thread and converted to a binary tuple
//                    on the writer thread (the writer before the queue held tuples);
//   tuple:           the binary tuple built once on the request thread (the writer now).
// The row has bench/run's shape: 30 items with scores, a compact request and meta.
//
//   build/release/exposure_row_perftest --benchmark_out=FILE --benchmark_out_format=json
#include <benchmark/benchmark.h>

#include <string>

#include "core/uuid.h"
#include "service/exposure_sink.h"
#include "store/exposure_row.h"

namespace recsys::store {
namespace {

struct SampleRow {
  service::Exposure row;
  std::string response, meta;
  SampleRow() {
    response = R"({"items":[)";
    std::string scores = R"(],"scores":[)";
    for (int i = 0; i < 30; ++i) {
      if (i > 0) {
        response += ',';
        scores += ',';
      }
      response += "\"item-" + std::to_string(1000000 + i * 7919) + "\"";
      scores += "0." + std::to_string(912345 - i * 1234);
    }
    response += scores + "]}";
    meta = R"({"candidates":1843,"timings_us":{"candidates":41,"rank":23,"total":77},)"
           R"("sources":{"popularity":30,"covisit":12}})";
    row.tenant_id = NewUuidV4();
    row.occurred_at = 1764979200LL * 1000000 + 123456;
    row.request_id = NewUuidV7();
    row.surface = "home";
    row.segment = "default";
    row.user_key = std::string(32, '\x5a');
    row.algo_version = "recsys-blend-1";
    row.config_etag = "\"c-3f9a2b\"";
    row.rules_etag = "\"r-77d1e0\"";
    row.request_json =
        R"({"surface":"home","segment":"default","k":30,"context":{"anchors":["item-1000042"]},)"
        R"("constraints":{"exclude_tags":["brand:b-17"]}})";
    row.response_json = response;
    row.meta_json = meta;
  }
};

void BM_TextThenTuple(benchmark::State& state) {
  const SampleRow sample;
  std::string line, tuple;
  for (auto _ : state) {
    line.clear();
    tuple.clear();
    AppendExposureLine(sample.row, &line);
    line.pop_back();  // the '\n'
    benchmark::DoNotOptimize(AppendExposureTupleFromLine(line, &tuple).ok());
  }
}
BENCHMARK(BM_TextThenTuple)->Name("exposure_row/text_then_tuple");

void BM_Tuple(benchmark::State& state) {
  const SampleRow sample;
  std::string tuple;
  for (auto _ : state) {
    tuple.clear();
    benchmark::DoNotOptimize(AppendExposureTuple(sample.row, &tuple));
  }
}
BENCHMARK(BM_Tuple)->Name("exposure_row/tuple");

}  // namespace
}  // namespace recsys::store

BENCHMARK_MAIN();
