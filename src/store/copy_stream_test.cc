#include "store/copy_stream.h"

#include <gtest/gtest.h>

namespace recsys::store {
namespace {

TEST(CopyStreamTest, AppendCopyEscapedEscapesOnlyWhatCopyTextReads) {
  std::string out = "x\t";
  AppendCopyEscaped(out, "{\"a\": \"b\\\"c\"}\tline\nnext\rend\\");
  EXPECT_EQ(out, "x\t{\"a\": \"b\\\\\"c\"}\\tline\\nnext\\rend\\\\");
  out.clear();
  AppendCopyEscaped(out, "");
  EXPECT_EQ(out, "");
  AppendCopyEscaped(out, "plain");
  EXPECT_EQ(out, "plain");
}

}  // namespace
}  // namespace recsys::store
