#include <gtest/gtest.h>

#include "audio/mel.h"
#include "test_util.h"

namespace genrec {
namespace {

TEST(Mel, SlaneyScaleKnownPoints) {
  EXPECT_NEAR(hz_to_mel(1000.0), 15.0, 1e-12);
  EXPECT_NEAR(hz_to_mel(200.0 / 3.0), 1.0, 1e-12);
  EXPECT_NEAR(mel_to_hz(hz_to_mel(4321.0)), 4321.0, 1e-9);
}

TEST(Stft, FrameCountMatchesLibrosaCenter) {
  FeatureConfig c;
  EXPECT_EQ(c.segment_samples(), 66150u);
  EXPECT_EQ(c.frames_per_segment(), 130u);
  LogMelExtractor ex(c);
  std::vector<float> x = test::tone(440, 3.0), out;
  ex.log_mel(x.data(), x.size(), out);
  EXPECT_EQ(out.size(), 128u * 130u);
}

}  // namespace
}  // namespace genrec
