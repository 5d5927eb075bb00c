// lib/data: dataset layouts, song splits (no leakage), the float16 feature cache, synthetic
// genres, the [features] TOML reader.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "audio/audio_source.h"
#include "audio/error.h"
#include "audio/feature_config_toml.h"
#include "audio/mel.h"
#include "audio/sample_stats.h"
#include "audio/segmenter.h"
#include "audio/stft.h"
#include "audio/wav_writer.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "data/half.h"
#include "data/split.h"
#include "data/synth.h"
#include "test_files.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace genrec;

namespace {

using test::write_file;

void write_tone(const fs::path& p, double hz, double seconds = 0.5) {
  test::write_tone_file(p.string(), hz, seconds);
}

// An in-memory dataset: counts[g] songs in genre g.
Dataset fake_dataset(const std::vector<int>& counts) {
  Dataset d;
  d.root = "/nowhere";
  for (std::size_t g = 0; g < counts.size(); ++g) {
    d.labels.push_back("g" + std::to_string(g));
    for (int i = 0; i < counts[g]; ++i) {
      char name[64];
      std::snprintf(name, sizeof name, "g%zu/g%zu.%05d.wav", g, g, i);
      d.songs.push_back(Song{"/nowhere/" + std::string(name), name, static_cast<int>(g), ""});
    }
  }
  return d;
}

std::vector<int> label_counts(const Dataset& d, const std::vector<int>& part) {
  std::vector<int> c(d.labels.size(), 0);
  for (int s : part) ++c[static_cast<std::size_t>(d.songs[static_cast<std::size_t>(s)].label)];
  return c;
}

// A small synthetic dataset in its own scratch directory (ctest may run tests in parallel).
std::string synth_dataset(const std::string& name) {
  const std::string dir = test::scratch_dir(name);
  SynthOptions o;
  o.per_genre = 3;
  o.seconds = 8.0;
  o.seed = 7;
  write_synthetic_dataset(dir, o);
  return dir;
}

// Mean spectral centroid (Hz) and mean positive log-spectral flux (onsets) per frame.
struct SpectrumStats {
  double centroid_hz = 0;
  double flux = 0;
};

SpectrumStats spectrum_stats(const std::vector<float>& x, int sr) {
  Stft stft(2048, 512);
  std::vector<float> mag;
  stft.spectrogram(x.data(), x.size(), 1.0f, mag);
  const std::size_t n_bins = 1025, frames = stft.n_frames(x.size());
  SpectrumStats s;
  std::vector<double> prev(n_bins, 0.0);
  for (std::size_t t = 0; t < frames; ++t) {
    double num = 0, den = 0;
    for (std::size_t k = 0; k < n_bins; ++k) {
      const double m = mag[t * n_bins + k];
      num += m * (static_cast<double>(k) * sr / 2048);
      den += m;
      const double lm = std::log1p(m);
      if (t > 0) s.flux += std::max(0.0, lm - prev[k]);
      prev[k] = lm;
    }
    s.centroid_hz += den > 0 ? num / den : 0;
  }
  s.centroid_hz /= static_cast<double>(frames);
  s.flux /= static_cast<double>(frames);
  return s;
}

}  // namespace

// ---------------------------------------------------------------- float16

TEST(Half, KnownValues) {
  EXPECT_EQ(float_to_half(0.0f), 0x0000);
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(1.0f), 0x3C00);
  EXPECT_EQ(float_to_half(-2.0f), 0xC000);
  EXPECT_EQ(float_to_half(0.5f), 0x3800);
  EXPECT_EQ(float_to_half(65504.0f), 0x7BFF);  // largest finite half
  EXPECT_EQ(float_to_half(65519.0f), 0x7BFF);  // below the tie: stays finite
  EXPECT_EQ(float_to_half(65520.0f), 0x7C00);  // the tie rounds to even: infinity
  EXPECT_EQ(float_to_half(1e9f), 0x7C00);
  EXPECT_EQ(float_to_half(-INFINITY), 0xFC00);
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(-100.0f), 0xD640);
  const std::uint16_t nan = float_to_half(NAN);
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
  EXPECT_TRUE(std::isnan(half_to_float(nan)));
}

TEST(Half, RoundsToNearestEven) {
  const float ulp = std::ldexp(1.0f, -10);                      // half's spacing in [1, 2)
  EXPECT_EQ(float_to_half(1.0f + ulp / 2), 0x3C00);             // tie, even below
  EXPECT_EQ(float_to_half(1.0f + 3 * ulp / 2), 0x3C02);         // tie, even above
  EXPECT_EQ(float_to_half(1.0f + ulp / 2 + ulp / 64), 0x3C01);  // just above the tie
  EXPECT_EQ(float_to_half(1.0f + ulp / 2 - ulp / 64), 0x3C00);  // just below
  EXPECT_EQ(float_to_half(2.0f - ulp / 4), 0x4000);             // carry into the exponent
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -25)), 0x0000);      // subnormal tie: to even 0
  EXPECT_EQ(float_to_half(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(float_to_half(std::ldexp(3.0f, -25)), 0x0002);     // 1.5 subnormal ulps: tie to even
  EXPECT_EQ(float_to_half(std::ldexp(1023.5f, -24)), 0x0400);  // subnormal carries to normal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000);
}

TEST(Half, EveryHalfRoundTrips) {
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const auto h = static_cast<std::uint16_t>(b);
    const float f = half_to_float(h);
    if (std::isnan(f)) continue;
    ASSERT_EQ(float_to_half(f), h) << std::hex << b;
  }
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));
}

// ---------------------------------------------------------------- dataset layouts

TEST(Dataset, KaggleLayout) {
  const fs::path dir = test::scratch_dir("data-kaggle");
  write_tone(dir / "genres_original/rock/rock.00001.wav", 440);
  write_tone(dir / "genres_original/rock/rock.00000.wav", 440);
  write_tone(dir / "genres_original/blues/blues.00000.wav", 220);
  write_file(dir / "genres_original/blues/notes.txt", "not audio");
  write_file(dir / "genres_original/empty/readme.md", "no songs here");
  write_tone(dir / "genres_original/.hidden/x.wav", 330);
  write_file(dir / "features_30_sec.csv", "filename\n");
  const Dataset d = scan_dataset(dir.string());
  EXPECT_EQ(d.root, (dir / "genres_original").string());
  EXPECT_EQ(d.labels, (std::vector<std::string>{"blues", "rock"}));
  ASSERT_EQ(d.songs.size(), 3u);
  EXPECT_EQ(d.songs[0].rel_path, "blues/blues.00000.wav");
  EXPECT_EQ(d.songs[0].label, 0);
  EXPECT_EQ(d.songs[1].rel_path, "rock/rock.00000.wav");
  EXPECT_EQ(d.songs[2].rel_path, "rock/rock.00001.wav");
  EXPECT_EQ(d.songs[2].label, 1);
  EXPECT_EQ(d.songs[2].path, (dir / "genres_original/rock/rock.00001.wav").string());
  EXPECT_EQ(find_song(d, "rock/rock.00001.wav"), 2);
  EXPECT_EQ(find_song(d, "rock/rock.00009.wav"), -1);
}

TEST(Dataset, OriginalAuLayout) {
  const fs::path dir = test::scratch_dir("data-au");
  for (const char* g : {"jazz", "classical", "metal"})
    for (int i = 0; i < 2; ++i)
      write_tone(dir / "genres" / g / (std::string(g) + ".0000" + std::to_string(i) + ".au"), 300);
  const Dataset d = scan_dataset(dir.string());
  EXPECT_EQ(d.labels, (std::vector<std::string>{"classical", "jazz", "metal"}));
  ASSERT_EQ(d.songs.size(), 6u);
  EXPECT_EQ(d.songs[3].rel_path, "jazz/jazz.00001.au");
  EXPECT_EQ(d.songs[3].label, 1);
  EXPECT_TRUE(std::is_sorted(d.songs.begin(), d.songs.end(),
                             [](const Song& a, const Song& b) { return a.rel_path < b.rel_path; }));
}

TEST(Dataset, PlainGenreFoldersAnyExtension) {
  const fs::path dir = test::scratch_dir("data-plain");
  write_tone(dir / "speech/a.flac", 200);  // content is WAV: scanning looks at names only
  write_tone(dir / "music/b.ogg", 200);
  write_tone(dir / "music/a.mp3", 200);
  write_file(dir / "music/cover.jpg", "jpeg");
  const Dataset d = scan_dataset(dir.string());
  EXPECT_EQ(d.root, dir.string());
  EXPECT_EQ(d.labels, (std::vector<std::string>{"music", "speech"}));
  ASSERT_EQ(d.songs.size(), 3u);
  EXPECT_EQ(d.songs[0].rel_path, "music/a.mp3");
  EXPECT_EQ(d.songs[2].rel_path, "speech/a.flac");
  EXPECT_EQ(d.songs[2].label, 1);
}

TEST(Dataset, ErrorsNameTheDirectory) {
  const fs::path dir = test::scratch_dir("data-empty");
  write_file(dir / "genre/readme.txt", "no audio");
  try {
    scan_dataset(dir.string());
    FAIL() << "expected genrec::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("data: '" + dir.string() + "'"), std::string::npos);
  }
  EXPECT_THROW(scan_dataset((dir / "missing").string()), Error);
  fs::create_directories(dir / "genres_original");  // Kaggle layout present but empty
  EXPECT_THROW(scan_dataset(dir.string()), Error);
}

// ---------------------------------------------------------------- splits

TEST(Split, StratifiedSeededAndReproducible) {
  const Dataset d = fake_dataset({100, 100, 20, 7});
  const Split a = make_split(d, "song:0.8/0.1/0.1", 42);
  const Split b = make_split(d, "song:0.8/0.1/0.1", 42);
  const Split c = make_split(d, "song:0.8/0.1/0.1", 43);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  EXPECT_EQ(label_counts(d, a.train), (std::vector<int>{80, 80, 16, 5}));
  EXPECT_EQ(label_counts(d, a.valid), (std::vector<int>{10, 10, 2, 1}));
  EXPECT_EQ(label_counts(d, a.test), (std::vector<int>{10, 10, 2, 1}));
  EXPECT_NO_THROW(check_disjoint(a));
  EXPECT_EQ(a.train.size() + a.valid.size() + a.test.size(), d.songs.size());
  // The default spec is the same split.
  EXPECT_EQ(make_split(d, "song", 42).test, a.test);
  EXPECT_EQ(make_split(d, "", 42).valid, a.valid);
  // Other fractions.
  const Split e = make_split(d, "song:0.5/0/0.5", 1);
  EXPECT_TRUE(e.valid.empty());
  EXPECT_EQ(label_counts(d, e.test)[0], 50);
}

TEST(Split, MalformedSpecsThrow) {
  const Dataset d = fake_dataset({10, 10});
  for (const char* bad :
       {"song:0.8/0.2", "song:0.8/0.1/0.2", "song:a/b/c", "song:0.8/0.1/0.1x", "random", "fold:5/5",
        "fold:1/1", "fold:x/3", "fold:1", "lists:", "lists:/definitely/not/here"}) {
    try {
      make_split(d, bad, 1);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("split: ", 0), 0u) << e.what();
    }
  }
}

TEST(Split, CheckDisjointRejectsLeaks) {
  Split s;
  s.train = {0, 1, 2};
  s.valid = {3};
  s.test = {4, 2};
  EXPECT_THROW(check_disjoint(s), Error);
  s.test = {4, 5};
  EXPECT_NO_THROW(check_disjoint(s));
}

TEST(Split, FoldHoldsOutContiguousRunKOfEveryGenre) {
  const Dataset d = fake_dataset({12, 7, 5});
  std::vector<int> times_tested(d.songs.size(), 0);
  for (int k = 0; k < 5; ++k) {
    const Split s = fold_split(d, k, 5);
    EXPECT_TRUE(s.valid.empty());
    EXPECT_NO_THROW(check_disjoint(s));
    EXPECT_EQ(s.train.size() + s.test.size(), d.songs.size());
    for (int song : s.test) {
      ++times_tested[static_cast<std::size_t>(song)];
      // Song i of genre g is named g<g>.<i>.
      const std::string& rel = d.songs[static_cast<std::size_t>(song)].rel_path;
      const int index = std::stoi(rel.substr(rel.find('.') + 1, 5));
      // Run k of m songs: the indices i with floor(5 i / m) == k.
      const int m = std::vector<int>{
          12, 7, 5}[static_cast<std::size_t>(d.songs[static_cast<std::size_t>(song)].label)];
      EXPECT_EQ(index * 5 / m, k) << rel;
    }
    EXPECT_EQ(label_counts(d, s.test)[2], 1);  // 5 songs, 5 folds: one each
    const Split same = make_split(d, "fold:" + std::to_string(k) + "/5", 0);
    EXPECT_EQ(same.test, s.test);
    EXPECT_EQ(same.train, s.train);
  }
  for (int t : times_tested) EXPECT_EQ(t, 1);
}

TEST(Split, FoldIsStratifiedBySourceFolder) {
  // Two datasets of one genre: 5 long clips in /a and 24 excerpts in /b. Each fold must hold
  // one clip of /a and a contiguous run of 4-5 excerpts of /b.
  Dataset d;
  d.labels = {"blues"};
  for (int i = 0; i < 5; ++i)
    d.songs.push_back(Song{"/a/blues/blues.0000" + std::to_string(i) + ".wav", "", 0, ""});
  for (int i = 0; i < 24; ++i)
    d.songs.push_back(Song{"/b/blues/blues.1" + std::to_string(100 + i) + ".wav", "", 0, ""});
  const std::vector<int> expected_runs = {5, 5, 5, 5, 4};
  int next_b = 5;
  for (int k = 0; k < 5; ++k) {
    const std::vector<int> test = fold_split(d, k, 5).test;
    ASSERT_EQ(test.size(), 1u + static_cast<std::size_t>(expected_runs[k])) << "fold " << k;
    EXPECT_EQ(test[0], k);
    for (int j = 0; j < expected_runs[k]; ++j) EXPECT_EQ(test[1 + j], next_b++) << "fold " << k;
  }
}

TEST(Split, SelectPart) {
  const Dataset d = fake_dataset({20, 20});
  const Split s = make_split(d, "song:0.8/0.1/0.1", 3);
  EXPECT_EQ(select_part(d, "song:0.8/0.1/0.1:test", 3), s.test);
  EXPECT_EQ(select_part(d, "song:0.8/0.1/0.1:valid", 3), s.valid);
  EXPECT_EQ(select_part(d, "song:0.8/0.1/0.1:train", 3), s.train);
  EXPECT_EQ(select_part(d, "song:0.8/0.1/0.1", 3), s.test);  // PART defaults to test
  EXPECT_EQ(select_part(d, "fold:2/4:test", 0), fold_split(d, 2, 4).test);
  EXPECT_EQ(select_part(d, "fold:2/4:train", 0), fold_split(d, 2, 4).train);
  EXPECT_EQ(select_part(d, "all", 0).size(), d.songs.size());
  EXPECT_EQ(select_part(d, "song:0.8/0.1/0.1:all", 0).size(), d.songs.size());
  EXPECT_THROW(select_part(d, "song:0.8/0.1:test", 0), Error);
}

TEST(Split, PublicListsOnGtzanMini) {
  GENREC_REQUIRE_SHARED();
  const std::string lists = test::shared_data() + "/splits/gtzan";
  const Dataset d = scan_dataset(test::shared_data() + "/gtzan-mini");
  ASSERT_EQ(d.songs.size(), 50u);
  const Split s = make_split(d, "lists:" + lists, 0);
  EXPECT_NO_THROW(check_disjoint(s));
  // Each list line present in gtzan-mini lands in its own part, read here independently.
  std::size_t listed_lines = 0, present = 0;
  for (const auto& [file, part] : std::vector<std::pair<std::string, const std::vector<int>*>>{
           {"train_filtered.txt", &s.train},
           {"valid_filtered.txt", &s.valid},
           {"test_filtered.txt", &s.test}}) {
    std::ifstream in(lists + "/" + file);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      ++listed_lines;
      const int song = find_song(d, line);
      if (song < 0) continue;
      ++present;
      EXPECT_TRUE(std::binary_search(part->begin(), part->end(), song)) << line << " " << file;
    }
  }
  EXPECT_EQ(s.train.size() + s.valid.size() + s.test.size(), present);
  EXPECT_EQ(s.n_listed_missing, listed_lines - present);
  EXPECT_EQ(s.n_unlisted, d.songs.size() - present);
  // Measured on gtzan-mini: 19 train, 24 valid, 4 test, 3 clips in no list.
  EXPECT_EQ(s.train.size(), 19u);
  EXPECT_EQ(s.valid.size(), 24u);
  EXPECT_EQ(s.test.size(), 4u);
  EXPECT_EQ(s.n_unlisted, 3u);
  EXPECT_EQ(select_part(d, "lists:" + lists + ":valid", 0), s.valid);
}

TEST(Split, ListsRejectASongInTwoParts) {
  const fs::path dir = test::scratch_dir("data-lists");
  write_file(dir / "train.txt", "g0/g0.00000.wav\n# comment\n\ng0/g0.00001.wav\n");
  write_file(dir / "test.txt", "g0/g0.00001.wav\n");
  const Dataset d = fake_dataset({3});
  EXPECT_THROW(make_split(d, "lists:" + dir.string(), 0), Error);
  write_file(dir / "test.txt", "g0/g0.00002.wav\r\nmissing/x.wav\n");
  const Split s = make_split(d, "lists:" + dir.string(), 0);
  EXPECT_EQ(s.train, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.test, (std::vector<int>{2}));
  EXPECT_EQ(s.n_listed_missing, 1u);
}

// ---------------------------------------------------------------- feature cache

TEST(FeatureCache, SkipsUnreadableFilesAndCountsThem) {
  const fs::path dir = test::scratch_dir("data-bad");
  write_tone(dir / "a/a.00000.wav", 440, 1.0);
  write_tone(dir / "a/a.00001.wav", 660, 4.0);
  write_file(dir / "b/b.00000.wav", "RIFF this is not a wave file at all");
  write_tone(dir / "b/b.00001.wav", 880, 2.0);
  const Dataset d = scan_dataset(dir.string());
  ASSERT_EQ(d.songs.size(), 4u);
  const std::string cache_dir = (dir / "cache").string();
  const FeatureCache c = FeatureCache::build(d, FeatureConfig{}, cache_dir, 2);
  ASSERT_EQ(c.skipped().size(), 1u);
  EXPECT_EQ(c.skipped()[0].rel_path, "b/b.00000.wav");
  EXPECT_FALSE(c.skipped()[0].cause.empty());
  ASSERT_EQ(c.songs().size(), 3u);
  EXPECT_EQ(c.find(2), nullptr);
  ASSERT_NE(c.find("b/b.00001.wav"), nullptr);
  EXPECT_EQ(c.find("b/b.00001.wav")->song, 3);
  EXPECT_EQ(c.find(1)->n_samples, 4u * 22050);
  EXPECT_EQ(c.find(1)->n_frames, 1 + 4u * 22050 / 512);
  EXPECT_EQ(c.find(1)->label, 0);
  // A song shorter than a segment still gives one training window.
  EXPECT_EQ(train_frame_offsets(*c.find(0), c.config()), (std::vector<std::size_t>{0}));
  EXPECT_EQ(c.n_train_segments(), 1u + 1u + 1u);
  // The skipped list survives in the shard: reopening decodes nothing.
  const FeatureCache r = FeatureCache::open(d, FeatureConfig{}, cache_dir);
  ASSERT_EQ(r.skipped().size(), 1u);
  EXPECT_EQ(r.skipped()[0].rel_path, "b/b.00000.wav");
  EXPECT_EQ(r.labels(), d.labels);
}

TEST(FeatureCache, RoundTripMatchesExactSegmentFeatures) {
  const fs::path dir = test::scratch_dir("data-roundtrip");
  // Stationary-ish material: two tones over noise, 12 s.
  std::vector<float> x = test::noise(12.0, 22050, 5, 0.1);
  const std::vector<float> a = test::tone(330, 12.0), b = test::tone(1870, 12.0, 22050, 0.2);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] += a[i] * static_cast<float>(0.5 + 0.5 * std::sin(i * 1e-4)) + b[i];
  fs::create_directories(dir / "mix");
  write_wav((dir / "mix/one.wav").string(), x, 22050, 1, WavEncoding::kFloat32);
  const Dataset d = scan_dataset(dir.string());
  const FeatureConfig cfg;
  FeatureCache::build(d, cfg, (dir / "cache").string(), 1);
  const FeatureCache c = FeatureCache::open_or_build(d, cfg, (dir / "cache").string(), 1);
  ASSERT_EQ(c.songs().size(), 1u);
  const SongFeatures& song = c.songs()[0];
  const std::vector<float> audio = load_audio(d.songs[0].path, 22050);
  // The fingerprint of the decoded samples comes back from the shard's index (model files
  // record their training songs by it).
  SampleStats stats;
  stats.add(audio.data(), audio.size());
  EXPECT_EQ(song.fingerprint, stats.fingerprint());
  LogMelExtractor ex(cfg);
  const std::size_t fps = cfg.frames_per_segment(), n_mels = 128;
  const std::size_t edge = static_cast<std::size_t>(cfg.n_fft / (2 * cfg.hop_length));
  std::vector<float> cut(n_mels * fps), exact;
  for (std::size_t offset : {std::size_t{0}, std::size_t{37}, std::size_t{129}, std::size_t{250},
                             max_frame_offset(song, cfg)}) {
    cut_segment(song, offset, cfg, cut.data());
    const std::size_t start = offset * static_cast<std::size_t>(cfg.hop_length);
    ASSERT_LE(start + cfg.segment_samples(), audio.size());
    ex.log_mel(audio.data() + start, cfg.segment_samples(), exact);
    ASSERT_EQ(exact.size(), cut.size());
    const float exact_max = *std::max_element(exact.begin(), exact.end());
    const float cut_max = *std::max_element(cut.begin(), cut.end());
    EXPECT_NEAR(cut_max, exact_max, 0.5) << offset;
    double worst = 0;
    for (std::size_t m = 0; m < n_mels; ++m)
      for (std::size_t t = edge; t < fps - edge; ++t) {
        const std::size_t i = m * fps + t;
        worst = std::max(worst, std::abs(static_cast<double>(cut[i]) - exact[i]));
      }
    // float16 spacing is 1/32 dB for |x| in [32, 64) dB and 1/16 in [64, 128): half of it
    // plus the floor difference when the maxima differ.
    EXPECT_LT(worst, 0.035 + std::abs(cut_max - exact_max)) << "offset " << offset;
    // The floor is applied at cut time.
    EXPECT_GE(*std::min_element(cut.begin(), cut.end()), cut_max - 80.0f - 1e-3f);
  }
}

TEST(FeatureCache, ACopyThroughSixteenKilohertzLosesOnlyWhatA16kHzFileLacks) {
  const fs::path dir = test::scratch_dir("data-via-rate");
  fs::create_directories(dir / "noise");
  write_wav((dir / "noise/one.wav").string(), test::noise(8.0, 22050, 3, 0.1), 22050, 1,
            WavEncoding::kFloat32);
  const Dataset d = scan_dataset(dir.string());
  const FeatureConfig cfg;
  FeatureConfig via = cfg;
  via.via_rate = 16000;
  const FeatureCache original = FeatureCache::build(d, cfg, (dir / "cache").string(), 1);
  const FeatureCache copy = FeatureCache::build(d, via, (dir / "cache").string(), 1);
  ASSERT_EQ(copy.songs().size(), 1u);
  const SongFeatures &a = original.songs()[0], &b = copy.songs()[0];
  EXPECT_EQ(b.n_samples, a.n_samples);  // the same length: windows cut at the same offsets
  EXPECT_EQ(b.n_frames, a.n_frames);
  EXPECT_EQ(b.fingerprint, a.fingerprint);  // the same song
  const auto n_mels = static_cast<std::size_t>(cfg.n_mels);
  std::vector<std::uint16_t> ha(a.n_frames * n_mels), hb(b.n_frames * n_mels);
  read_song_frames(a, 0, a.n_frames, cfg.n_mels, ha.data());
  read_song_frames(b, 0, b.n_frames, cfg.n_mels, hb.data());
  const std::vector<double> edges = mel_band_edges_hz(cfg.n_mels, cfg.fmin, cfg.fmax_hz());
  const std::size_t first = 10, last = a.n_frames - 10;  // away from the clip's ends
  for (std::size_t m = 0; m < n_mels; ++m) {
    double da = 0, db = 0;
    for (std::size_t t = first; t < last; ++t) {
      da += half_to_float(ha[t * n_mels + m]);
      db += half_to_float(hb[t * n_mels + m]);
    }
    da /= static_cast<double>(last - first);
    db /= static_cast<double>(last - first);
    // Band m's filter spans edges[m] to edges[m + 2]. White noise: the resampler's passband
    // (flat to about 0.9 of the 8 kHz Nyquist) keeps the band; above 8 kHz a 16 kHz file has
    // nothing.
    if (edges[m + 2] <= 7000.0) {
      EXPECT_NEAR(db, da, 0.3) << "band " << m;
    }
    if (edges[m] >= 8000.0) {
      EXPECT_LT(db, da - 60.0) << "band " << m;
    }
  }
}

TEST(FeatureCache, RealClipMatchesExactSegmentFeatures) {
  GENREC_REQUIRE_SHARED();
  Dataset d;
  d.root = test::shared_data() + "/gtzan-mini/genres_original";
  d.labels = {"blues"};
  d.songs = {Song{d.root + "/blues/blues.00000.wav", "blues/blues.00000.wav", 0, ""}};
  const FeatureConfig cfg;
  const FeatureCache c = FeatureCache::build(d, cfg, test::scratch_dir("data-real-cache"), 1);
  const SongFeatures& song = c.songs()[0];
  const std::vector<float> audio = load_audio(d.songs[0].path, 22050);
  LogMelExtractor ex(cfg);
  const std::size_t fps = cfg.frames_per_segment();
  std::vector<float> cut(128 * fps), exact;
  std::size_t n_compared = 0, n_close = 0;
  for (std::size_t offset : train_frame_offsets(song, cfg)) {
    const std::size_t start = offset * 512;
    if (start + cfg.segment_samples() > audio.size()) continue;
    cut_segment(song, offset, cfg, cut.data());
    ex.log_mel(audio.data() + start, cfg.segment_samples(), exact);
    const float floor_db = *std::max_element(exact.begin(), exact.end()) - 80.0f;
    for (std::size_t m = 0; m < 128; ++m)
      for (std::size_t t = 2; t < fps - 2; ++t) {
        const std::size_t i = m * fps + t;
        if (exact[i] <= floor_db + 1.0f) continue;  // near the floor either may clamp
        ++n_compared;
        if (std::abs(cut[i] - exact[i]) < 0.035f) ++n_close;
      }
  }
  ASSERT_GT(n_compared, 100000u);
  EXPECT_EQ(n_close, n_compared);
}

// kB of this process's resident file-backed memory (RssFile in /proc/self/status).
long rss_file_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

// Reading every window of the cache does not leave the cache in the process's resident memory
// (train's peak RSS must not grow with the dataset): bulk data is read, not mapped.
TEST(FeatureCache, ReadingEveryWindowKeepsResidentMemoryFlat) {
  const fs::path dir = test::scratch_dir("data-rss");
  SynthOptions o;
  o.per_genre = 3;
  o.seconds = 30.0;
  write_synthetic_dataset(dir.string(), o);
  const Dataset d = scan_dataset(dir.string());
  const FeatureCache cache =
      FeatureCache::open_or_build(d, FeatureConfig{}, (dir / "c").string(), 2);
  ASSERT_GT(cache.bytes(), 5u << 20);  // 18 songs x 30 s: about 6 MB of float16
  const FeatureConfig& cfg = cache.config();
  std::vector<float> window(static_cast<std::size_t>(cfg.n_mels) * cfg.frames_per_segment());
  cut_segment(cache.songs()[0], 0, cfg, window.data());  // code and buffers paged in
  const long before = rss_file_kb();
  ASSERT_GT(before, 0);
  for (const SongFeatures& s : cache.songs())
    for (std::size_t off = 0; off <= max_frame_offset(s, cfg); off += 16)
      cut_segment(s, off, cfg, window.data());
  const long grown_kb = rss_file_kb() - before;
  EXPECT_LT(grown_kb, static_cast<long>(cache.bytes() / 1024 / 8))
      << "RssFile grew by " << grown_kb << " kB over a " << cache.bytes() / 1024 << " kB cache";
}

TEST(FeatureCache, ChangedConfigIsNeverReused) {
  const fs::path dir = test::scratch_dir("data-keys");
  write_tone(dir / "a/a.00000.wav", 440, 3.5);
  write_tone(dir / "b/b.00000.wav", 880, 3.5);
  const Dataset d = scan_dataset(dir.string());
  const fs::path cache_dir = dir / "cache";
  FeatureConfig a;
  FeatureConfig b;
  b.n_mels = 64;
  FeatureConfig a_hop = a;
  a_hop.train_hop_seconds = 1.0;  // not part of the cached features
  const std::vector<std::string> names_a = FeatureCache::shard_names(d, a);
  ASSERT_FALSE(names_a.empty());
  EXPECT_NE(names_a, FeatureCache::shard_names(d, b));
  EXPECT_EQ(names_a, FeatureCache::shard_names(d, a_hop));
  const FeatureCache ca = FeatureCache::open_or_build(d, a, cache_dir.string(), 1);
  const FeatureCache cb = FeatureCache::open_or_build(d, b, cache_dir.string(), 1);
  EXPECT_EQ(cb.n_mels(), 64);
  const std::vector<std::uint16_t> first = test::cached_features(ca.songs()[0], 128);
  // Reuse keeps the caller's non-key fields.
  const fs::path shard_a = cache_dir / names_a[0];
  const auto mtime = fs::last_write_time(shard_a);
  const FeatureCache ca2 = FeatureCache::open_or_build(d, a_hop, cache_dir.string(), 1);
  EXPECT_EQ(fs::last_write_time(shard_a), mtime);  // reused, not rebuilt
  EXPECT_EQ(ca2.config().train_hop_seconds, 1.0);
  EXPECT_EQ(test::cached_features(ca2.songs()[0], 128), first);
  // A file under the right name that holds other features is rebuilt, never misread.
  fs::copy_file(cache_dir / FeatureCache::shard_names(d, b)[0], shard_a,
                fs::copy_options::overwrite_existing);
  try {
    FeatureCache::open(d, a, cache_dir.string());
    FAIL() << "a shard of other features was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("written for other features"), std::string::npos)
        << e.what();
  }
  const FeatureCache rebuilt = FeatureCache::open_or_build(d, a, cache_dir.string(), 1);
  EXPECT_EQ(rebuilt.config().n_mels, 128);
  EXPECT_EQ(test::cached_features(rebuilt.songs()[0], 128), first);
  // Changed audio (size/mtime) changes the name of its shard.
  write_tone(dir / "b/b.00000.wav", 880, 4.0);
  EXPECT_NE(FeatureCache::shard_names(d, a), names_a);
}

TEST(FeatureCache, TruncatedOldOrForeignShardsGiveClearErrors) {
  const fs::path dir = test::scratch_dir("data-trunc");
  write_tone(dir / "a/a.00000.wav", 440, 3.5);
  write_tone(dir / "b/b.00000.wav", 440, 3.5);
  const Dataset d = scan_dataset(dir.string());
  const std::string cache_dir = (dir / "cache").string();
  const FeatureCache c = FeatureCache::build(d, FeatureConfig{}, cache_dir, 1);
  const fs::path shard = fs::path(cache_dir) / FeatureCache::shard_names(d, FeatureConfig{})[0];
  const auto size = fs::file_size(shard);
  auto open_error = [&] {
    try {
      FeatureCache::open(d, FeatureConfig{}, cache_dir);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(opened)");
  };
  fs::resize_file(shard, size - 100);
  EXPECT_NE(open_error().find("truncated or corrupt file (no end marker)"), std::string::npos)
      << open_error();
  fs::resize_file(shard, 20);
  EXPECT_NE(open_error().find("truncated"), std::string::npos) << open_error();
  // open_or_build recovers by rebuilding.
  const FeatureCache again = FeatureCache::open_or_build(d, FeatureConfig{}, cache_dir, 1);
  EXPECT_EQ(fs::file_size(shard), size);
  // A shard of another format version under the right name: refused by open, rebuilt by
  // open_or_build.
  {
    std::string bytes(size, '\0');
    std::ifstream(shard, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(size));
    bytes[8] = 2;  // version field, little-endian u32 after the 8-byte magic: the format
                   // before training-song fingerprints
    write_file(shard, bytes);
  }
  EXPECT_NE(open_error().find("format version 2 (this build reads version 5)"), std::string::npos)
      << open_error();
  FeatureCache::open_or_build(d, FeatureConfig{}, cache_dir, 1);
  EXPECT_EQ(open_error(), "(opened)");
  write_file(shard, "PK\x03\x04 zip file, not a cache, long enough to be read as one");
  EXPECT_NE(open_error().find("not a genrec feature-cache shard"), std::string::npos)
      << open_error();
  fs::remove(shard);
  EXPECT_NE(open_error().find("missing shard"), std::string::npos) << open_error();
}

TEST(FeatureCache, NoSongHasSegmentsOnBothSidesOfASplit) {
  const Dataset d = scan_dataset(synth_dataset("data-synth-leak"));
  const Split split = make_split(d, "song:0.6/0.2/0.2", 11);
  FeatureConfig cfg;
  cfg.train_hop_seconds = 1.5;  // overlapping windows, as in training
  const FeatureCache cache =
      FeatureCache::open_or_build(d, cfg, test::scratch_dir("data-leak-cache"), 2);
  // Cut every window of every part, and record which part each window's song fell in.
  std::map<int, std::set<int>> parts_of_song;
  std::vector<float> window(static_cast<std::size_t>(cfg.n_mels) * cfg.frames_per_segment());
  std::size_t n_windows = 0;
  const std::vector<int>* parts[] = {&split.train, &split.valid, &split.test};
  for (int p = 0; p < 3; ++p)
    for (int song : *parts[p]) {
      const SongFeatures* f = cache.find(song);
      ASSERT_NE(f, nullptr);
      for (std::size_t offset : train_frame_offsets(*f, cache.config())) {
        cut_segment(*f, offset, cache.config(), window.data());
        parts_of_song[f->song].insert(p);
        ++n_windows;
      }
    }
  EXPECT_EQ(parts_of_song.size(), d.songs.size());
  for (const auto& [song, ps] : parts_of_song) EXPECT_EQ(ps.size(), 1u) << song;
  // 8 s songs with 3 s windows at a 1.5 s hop: 4 windows each.
  EXPECT_EQ(n_windows, 4 * d.songs.size());
  EXPECT_EQ(cache.n_train_segments(), n_windows);
}

// ---------------------------------------------------------------- synthetic genres

TEST(Synth, WritesDecodableDistinctGenres) {
  const Dataset d = scan_dataset(synth_dataset("data-synth-genres"));
  EXPECT_EQ(d.labels, synth_genres());
  ASSERT_EQ(d.songs.size(), 3 * synth_genres().size());
  EXPECT_EQ(d.songs[0].rel_path, "ambient/ambient.00000.wav");
  std::map<std::string, std::vector<SpectrumStats>> stats;
  for (const Song& s : d.songs) {
    const std::vector<float> x = load_audio(s.path, 22050);
    ASSERT_EQ(x.size(), 8u * 22050);
    float peak = 0;
    for (float v : x) peak = std::max(peak, std::abs(v));
    EXPECT_GT(peak, 0.3f);
    EXPECT_LE(peak, 1.0f);
    stats[d.labels[static_cast<std::size_t>(s.label)]].push_back(spectrum_stats(x, 22050));
  }
  // Genres differ measurably: the per-song ranges of these measures do not overlap.
  auto range = [&](const std::string& g, double SpectrumStats::*field) {
    double lo = INFINITY, hi = -INFINITY;
    for (const SpectrumStats& s : stats[g]) {
      lo = std::min(lo, s.*field);
      hi = std::max(hi, s.*field);
    }
    return std::make_pair(lo, hi);
  };
  auto below = [&](const std::string& a, const std::string& b, double SpectrumStats::*field) {
    EXPECT_LT(range(a, field).second, range(b, field).first) << a << " vs " << b;
  };
  // Timbre/pitch: pads are darker than square waves, distorted guitars and cymbals.
  below("ambient", "chiptune", &SpectrumStats::centroid_hz);
  below("ambient", "metal", &SpectrumStats::centroid_hz);
  below("hiphop", "metal", &SpectrumStats::centroid_hz);
  // Rhythm: drumless genres have far fewer onsets than drum-driven ones.
  below("ambient", "hiphop", &SpectrumStats::flux);
  below("classical", "techno", &SpectrumStats::flux);
  below("classical", "metal", &SpectrumStats::flux);
  below("hiphop", "metal", &SpectrumStats::flux);
}

TEST(Synth, SeededAndIndependentOfCount) {
  SynthOptions o;
  o.seconds = 30.0;
  const std::vector<float> a = synthesize_song(4, 2, o);  // metal
  EXPECT_EQ(a.size(), 30u * 22050);
  o.per_genre = 5;
  EXPECT_EQ(synthesize_song(4, 2, o), a);
  EXPECT_NE(synthesize_song(4, 3, o), a);
  o.seed = 2;
  EXPECT_NE(synthesize_song(4, 2, o), a);
  EXPECT_THROW(synthesize_song(6, 0, o), Error);
}

// ---------------------------------------------------------------- [features] TOML

TEST(FeatureConfigToml, ReadsTheFeaturesTable) {
  const FeatureConfig c = parse_feature_config(
      "[model]\nchannels = [16, 32]\n[features]\nn_mels = 64\nfmax = 8000\n"
      "segment_seconds = 2.5\ntrain_hop_seconds = 1\n",
      "t.toml");
  EXPECT_EQ(c.n_mels, 64);
  EXPECT_EQ(c.fmax, 8000.0);
  EXPECT_EQ(c.segment_seconds, 2.5);
  EXPECT_EQ(c.train_hop_seconds, 1.0);
  EXPECT_EQ(c.n_fft, 2048);  // defaults kept
  EXPECT_EQ(parse_feature_config("title = 'x'\n", "t.toml").key(), FeatureConfig{}.key());
}

TEST(FeatureConfigToml, ErrorsNameTheProblem) {
  auto message = [](const std::string& text) {
    try {
      parse_feature_config(text, "bad.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("[features]\nn_mel = 64\n").find("unknown key features.n_mel"),
            std::string::npos);
  EXPECT_NE(message("[features]\nn_mels = 6.5\n").find("n_mels must be an integer"),
            std::string::npos);
  EXPECT_NE(message("[features]\nfmax = 'high'\n").find("fmax must be a number"),
            std::string::npos);
  EXPECT_NE(message("[features]\nn_fft = 7\n").find("n_fft"), std::string::npos);
  EXPECT_NE(message("[features\n").find("bad.toml"), std::string::npos);
  EXPECT_NE(message("features = 3\n").find("must be a table"), std::string::npos);
  EXPECT_THROW(load_feature_config("/no/such/config.toml"), Error);
}

namespace genrec {
namespace {

// A clip shorter than one segment, end to end: the window training cuts from the feature
// cache must be the log-Mel that prediction computes for the same file (SegmentReader's padded
// segment), for every padding, up to the cache's float16 rounding.
TEST(ShortClip, TrainingWindowIsWhatPredictionSeesForEveryPadding) {
  const std::string dir = test::scratch_dir("short_clip_pad");
  std::vector<float> x = test::tone(330.0, 2.2);
  for (std::size_t i = 0; i < x.size(); ++i)  // a rising chirp-like part: padding modes differ
    x[i] += 0.2f * std::sin(0.0004f * static_cast<float>(i * i % 100000));
  std::filesystem::create_directories(dir + "/data/a");
  write_wav(dir + "/data/a/a.00000.wav", x, 22050);
  const Dataset d = scan_dataset(dir + "/data");
  std::map<std::string, std::vector<float>> windows;
  for (const std::string pad : {"zero", "loop", "reflect"}) {
    FeatureConfig config;
    config.pad = pad;
    const FeatureCache cache = FeatureCache::open_or_build(d, config, dir + "/cache", 1);
    const SongFeatures* song = cache.find(0);
    ASSERT_NE(song, nullptr);
    const std::size_t fps = config.frames_per_segment();
    std::vector<float> trained(static_cast<std::size_t>(config.n_mels) * fps);
    cut_segment(*song, 0, config, trained.data());

    AudioSource src = AudioSource::open_file(dir + "/data/a/a.00000.wav", config.sample_rate);
    SegmentReader reader(src, config.segment_samples(), config.segment_samples(), pad);
    std::vector<float> samples, predicted;
    std::size_t start = 0;
    ASSERT_TRUE(reader.next(samples, start));
    LogMelExtractor(config).log_mel(samples.data(), samples.size(), predicted);
    ASSERT_EQ(predicted.size(), trained.size());
    float worst = 0;
    for (std::size_t i = 0; i < trained.size(); ++i)
      worst = std::max(worst, std::abs(trained[i] - predicted[i]));
    EXPECT_LT(worst, 0.1f) << pad;  // float16 of values up to ~100 dB: steps of 1/16 dB
    windows[pad] = predicted;
  }
  // The paddings are really different in the padded part (the last frames).
  auto last_frames_differ = [&](const std::string& a, const std::string& b) {
    const std::size_t fps = FeatureConfig{}.frames_per_segment();
    float most = 0;
    for (std::size_t m = 0; m < 128; ++m)
      for (std::size_t t = fps - 10; t < fps; ++t)
        most = std::max(most, std::abs(windows[a][m * fps + t] - windows[b][m * fps + t]));
    return most;
  };
  EXPECT_GT(last_frames_differ("zero", "loop"), 10.0f);
  EXPECT_GT(last_frames_differ("loop", "reflect"), 1.0f);
}

}  // namespace
}  // namespace genrec
