// What the feature cache's fingerprint (its shard names, from data/cache_key.h) covers: each
// FeatureConfig field that changes the cached numbers changes it, and the fields that only matter
// when training cuts windows from the cache leave it alone, so their caches are reused.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "data/cache_key.h"
#include "data/dataset.h"
#include "data/feature_cache.h"
#include "test_files.h"
#include "test_util.h"

namespace genrec {
namespace {

struct FieldChange {
  const char* field;
  std::function<void(FeatureConfig&)> change;
  bool changes_cache;  // does the whole-clip unfloored log-Mel depend on it?
};

// One row per field of FeatureConfig (sizeof guard below), each changed alone from the default.
const std::vector<FieldChange>& field_changes() {
  static const std::vector<FieldChange> rows = {
      {"sample_rate", [](FeatureConfig& c) { c.sample_rate = 44100; }, true},
      // A resampled copy's cache (TrainOptions::resample_rates) is another cache.
      {"via_rate", [](FeatureConfig& c) { c.via_rate = 16000; }, true},
      {"segment_seconds", [](FeatureConfig& c) { c.segment_seconds = 5.0; }, false},
      {"train_hop_seconds", [](FeatureConfig& c) { c.train_hop_seconds = 1.0; }, false},
      {"n_fft", [](FeatureConfig& c) { c.n_fft = 1024; }, true},
      {"hop_length", [](FeatureConfig& c) { c.hop_length = 256; }, true},
      {"n_mels", [](FeatureConfig& c) { c.n_mels = 64; }, true},
      {"fmin", [](FeatureConfig& c) { c.fmin = 30.0; }, true},
      {"fmax", [](FeatureConfig& c) { c.fmax = 8000.0; }, true},
      // 0 means sample_rate / 2, the default's 11025 Hz: the same filter bank, the same cache.
      {"fmax (0 = Nyquist)", [](FeatureConfig& c) { c.fmax = 0.0; }, false},
      {"top_db", [](FeatureConfig& c) { c.top_db = 60.0; }, false},
      {"amin", [](FeatureConfig& c) { c.amin = 1e-5; }, true},
      // Clips shorter than a segment are cached padded to one.
      {"pad", [](FeatureConfig& c) { c.pad = "loop"; }, true},
  };
  return rows;
}

Dataset two_songs(const std::string& dir) {
  test::write_tone_file(dir + "/a/a.00000.wav", 440, 3.5);
  test::write_tone_file(dir + "/b/b.00000.wav", 880, 3.5);
  return scan_dataset(dir);
}

TEST(CacheKey, EveryFieldThatChangesTheFeaturesChangesTheFingerprint) {
  // A field added to FeatureConfig must get a row above, and a place in cache_key or in its
  // list of fields left out (2 int, 2 double, 3 int, 4 double, a std::string on LP64).
  EXPECT_EQ(sizeof(FeatureConfig), 72u + sizeof(std::string))
      << "FeatureConfig changed: update this table";
  const Dataset d = two_songs(test::scratch_dir("cache_key_table"));
  const std::vector<std::string> base = FeatureCache::shard_names(d, FeatureConfig{});
  ASSERT_FALSE(base.empty());
  for (const FieldChange& row : field_changes()) {
    FeatureConfig c;
    row.change(c);
    ASSERT_NO_THROW(c.validate()) << row.field;
    if (row.changes_cache) {
      EXPECT_NE(cache_key(c), cache_key(FeatureConfig{})) << row.field;
      EXPECT_NE(FeatureCache::shard_names(d, c), base) << row.field;
    } else {
      EXPECT_EQ(cache_key(c), cache_key(FeatureConfig{})) << row.field;
      EXPECT_EQ(FeatureCache::shard_names(d, c), base) << row.field;
    }
  }
}

TEST(CacheKey, FieldsThatDoNotChangeTheFeaturesReuseTheBuiltCache) {
  const std::string dir = test::scratch_dir("cache_key_reuse");
  const Dataset d = two_songs(dir);
  const std::string cache_dir = dir + "/cache";
  const FeatureCache built = FeatureCache::build(d, FeatureConfig{}, cache_dir, 1);
  for (const FieldChange& row : field_changes()) {
    if (row.changes_cache) continue;
    FeatureConfig c;
    row.change(c);
    // open() builds nothing: it maps the shards built above, header check included.
    const FeatureCache reused = FeatureCache::open(d, c, cache_dir);
    ASSERT_EQ(reused.songs().size(), built.songs().size()) << row.field;
    EXPECT_EQ(reused.songs()[0].n_frames, built.songs()[0].n_frames) << row.field;
    EXPECT_EQ(reused.config().key(), c.key()) << row.field << ": the caller's config is kept";
  }
}

}  // namespace
}  // namespace genrec
