// status_test.cc — dlc_status: NULL is OK with an empty message, messages
// are formatted printf-style, freeing NULL is allowed.
#include "test_util.h"

#include <string>

TEST(Status, NullIsOkWithEmptyMessage) {
  EXPECT_STREQ(dlc_status_message(nullptr), "");
  dlc_status_free(nullptr);  // must not crash
}

TEST(Status, MakeFormatsMessage) {
  dlc_status status = dlc_status_make("%s: tensor '%s': %d bytes", "w.safetensors", "fc1", 42);
  ASSERT_NE(status, nullptr);
  EXPECT_STREQ(dlc_status_message(status), "w.safetensors: tensor 'fc1': 42 bytes");
  dlc_status_free(status);
}

TEST(Status, LongMessageIsKeptWhole) {
  const std::string long_name(10000, 'x');
  dlc_status status = dlc_status_make("name %s end", long_name.c_str());
  EXPECT_EQ(std::string(dlc_status_message(status)), "name " + long_name + " end");
  dlc_status_free(status);
}

static dlc_status fails_then_never_reached(int *reached) {
  DLC_RETURN_IF_ERROR(dlc_status_make("first"));
  *reached = 1;
  return nullptr;
}

TEST(Status, ReturnIfErrorPropagates) {
  int reached = 0;
  EXPECT_EQ(dlcrt_test::take_message(fails_then_never_reached(&reached)), "first");
  EXPECT_EQ(reached, 0);
}

TEST(Dtype, SizesAndNames) {
  EXPECT_EQ(dlc_dtype_size(DLC_DTYPE_F32), 4u);
  EXPECT_EQ(dlc_dtype_size(DLC_DTYPE_BF16), 2u);
  EXPECT_EQ(dlc_dtype_size(DLC_DTYPE_I64), 8u);
  EXPECT_EQ(dlc_dtype_size(DLC_DTYPE_BOOL), 1u);
  EXPECT_EQ(dlc_dtype_size(static_cast<dlc_dtype>(15)), 0u);
  EXPECT_STREQ(dlc_dtype_name(DLC_DTYPE_F16), "f16");
  EXPECT_STREQ(dlc_dtype_name(DLC_DTYPE_U8), "u8");
  EXPECT_STREQ(dlc_dtype_name(static_cast<dlc_dtype>(9)), "?");
}
