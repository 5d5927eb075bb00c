#include <gtest/gtest.h>

#include <algorithm>

#include "audio/error.h"
#include "audio/segmenter.h"
#include "audio/wav_writer.h"
#include "test_util.h"

namespace genrec {
namespace {

// Every sample a different value (exact in float32 below 2^24 samples), so a segment taken
// from the wrong place, shifted by any number of samples, cannot match.
std::vector<float> ramp(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i) / static_cast<float>(n);
  return x;
}

TEST(SegmentStarts, NonOverlappingDropsPartialTail) {
  std::vector<std::size_t> gtzan;  // a GTZAN clip: 10 whole segments, the 44 s tail dropped
  for (std::size_t k = 0; k < 10; ++k) gtzan.push_back(k * 66150);
  EXPECT_EQ(segment_starts(661794, 66150, 66150), gtzan);
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
      ASSERT_LE(start + seg.size(), x.size());
      // Every sample of the segment is the clip's sample at start + i.
      const std::vector<float> expected(x.begin() + start, x.begin() + start + seg.size());
      ASSERT_EQ(seg, expected) << "segment at " << start << ", hop " << hop;
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
  ASSERT_EQ(seg.size(), 66150u);
  std::vector<float> expected(66150, 0.0f);  // the song, then zeros
  std::fill(expected.begin(), expected.begin() + 5000, 0.25f);
  EXPECT_EQ(seg, expected);
  EXPECT_FALSE(reader.next(seg, start));
}

TEST(PadClip, ZeroLoopAndReflectHandComputed) {
  auto padded = [](const std::string& mode, std::size_t have) {
    std::vector<float> x = {1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9};
    pad_clip(x, have, mode);
    return x;
  };
  EXPECT_EQ(padded("zero", 4), (std::vector<float>{1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(padded("loop", 4), (std::vector<float>{1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3}));
  // numpy.pad([1, 2, 3, 4], (0, 7), mode="reflect").
  EXPECT_EQ(padded("reflect", 4), (std::vector<float>{1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3}));
  EXPECT_EQ(padded("reflect", 1), (std::vector<float>(11, 1.0f)));
  EXPECT_EQ(padded("loop", 1), (std::vector<float>(11, 1.0f)));
  EXPECT_THROW(padded("wrap", 4), Error);
}

TEST(SegmentReader, ShortSongIsLoopedOrReflectedWhenAsked) {
  const std::string dir = test::scratch_dir("segmenter_short_pad");
  const std::vector<float> x = ramp(30000);
  write_wav(dir + "/s.wav", x, 22050, 1, WavEncoding::kFloat32);
  for (const std::string mode : {"loop", "reflect"}) {
    AudioSource src = AudioSource::open_file(dir + "/s.wav", 22050);
    SegmentReader reader(src, 66150, 66150, mode);
    std::vector<float> seg;
    std::size_t start = 1;
    ASSERT_TRUE(reader.next(seg, start)) << mode;
    ASSERT_EQ(seg.size(), 66150u);
    // Sample 30000 + i: the clip from its start again (loop) or backwards from x[29998].
    for (std::size_t i : {0u, 1u, 29999u, 36149u}) {
      const float want =
          mode == "loop" ? x[(30000 + i) % 30000] : (i < 29999 ? x[29998 - i] : x[i - 29998]);
      ASSERT_EQ(seg[30000 + i], want) << mode << " at " << 30000 + i;
    }
    EXPECT_TRUE(std::equal(x.begin(), x.end(), seg.begin())) << mode;
    EXPECT_FALSE(reader.next(seg, start));
  }
}

}  // namespace
}  // namespace genrec
