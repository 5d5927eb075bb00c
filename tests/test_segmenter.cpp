#include <gtest/gtest.h>

#include "audio/segmenter.h"
#include "audio/wav_writer.h"
#include "test_util.h"

namespace genrec {
namespace {

std::vector<float> ramp(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 1000) / 1000.0f;
  return x;
}

TEST(SegmentStarts, NonOverlappingDropsPartialTail) {
  EXPECT_EQ(segment_starts(661794, 66150, 66150).size(), 10u);  // a GTZAN clip: 10 segments
  EXPECT_EQ(segment_starts(66150, 66150, 66150), std::vector<std::size_t>{0});
  EXPECT_EQ(segment_starts(1000, 66150, 66150), std::vector<std::size_t>{0});  // padded
  EXPECT_TRUE(segment_starts(0, 66150, 66150).empty());
  EXPECT_EQ(segment_starts(200, 100, 50), (std::vector<std::size_t>{0, 50, 100}));
}

TEST(SegmentReader, StreamsTheSameSegmentsAsInMemory) {
  const std::string dir = test::scratch_dir("segmenter");
  const std::vector<float> x = ramp(22050 * 10 + 123);
  write_wav(dir + "/r.wav", x, 22050, 1, WavEncoding::kFloat32);
  for (std::size_t hop : {22050u, 66150u, 30000u, 100000u}) {
    AudioSource src = AudioSource::open_file(dir + "/r.wav", 22050);
    SegmentReader reader(src, 66150, hop);
    std::vector<float> seg;
    std::size_t start = 0;
    std::vector<std::size_t> starts;
    while (reader.next(seg, start)) {
      ASSERT_EQ(seg.size(), 66150u);
      for (std::size_t i = 0; i < seg.size(); i += 997) ASSERT_FLOAT_EQ(seg[i], x[start + i]);
      starts.push_back(start);
    }
    EXPECT_EQ(starts, segment_starts(x.size(), 66150, hop)) << "hop " << hop;
  }
}

TEST(SegmentReader, ShortSongIsZeroPaddedToOneSegment) {
  const std::string dir = test::scratch_dir("segmenter_short");
  write_wav(dir + "/s.wav", std::vector<float>(5000, 0.25f), 22050, 1, WavEncoding::kFloat32);
  AudioSource src = AudioSource::open_file(dir + "/s.wav", 22050);
  SegmentReader reader(src, 66150, 66150);
  std::vector<float> seg;
  std::size_t start = 1;
  ASSERT_TRUE(reader.next(seg, start));
  EXPECT_EQ(start, 0u);
  EXPECT_FLOAT_EQ(seg[4999], 0.25f);
  EXPECT_FLOAT_EQ(seg[5000], 0.0f);
  EXPECT_FALSE(reader.next(seg, start));
}

}  // namespace
}  // namespace genrec
