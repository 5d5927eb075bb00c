// Datasets past folder trees: CSV/TSV manifests (RFC 4180 quoting, UTF-8 names, missing and
// corrupt files, refusals naming the row), FMA's tracks.csv as published (a generated fixture
// with MP3 audio), several datasets together, the split column, and the sharded feature cache
// (disjoint --shard builds, a build killed with SIGKILL and resumed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sndfile.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "audio/error.h"
#include "audio/wav_writer.h"
#include "data/data_source.h"
#include "data/feature_cache.h"
#include "data/fma.h"
#include "data/manifest.h"
#include "data/split.h"
#include "data/synth.h"
#include "process_util.h"
#include "test_files.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace genrec;

namespace {

void write_text(const fs::path& p, const std::string& text) { test::write_file(p.string(), text); }

void write_tone(const fs::path& p, double hz) { test::write_tone_file(p.string(), hz, 1.0); }

// The message of the genrec::Error that f throws ("" when it throws none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// MP3 through libsndfile's LAME encoder, as FMA ships its audio.
void write_mp3(const fs::path& p, const std::vector<float>& mono, int sample_rate) {
  fs::create_directories(p.parent_path());
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  SNDFILE* f = sf_open(p.string().c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  ASSERT_EQ(sf_writef_float(f, mono.data(), static_cast<sf_count_t>(mono.size())),
            static_cast<sf_count_t>(mono.size()));
  sf_close(f);
}

// A manifest dataset with every awkward case: quoted paths holding commas and quotes,
// non-ASCII names, a missing file, a corrupt file, a split column, Windows line ends.
fs::path awkward_manifest(const fs::path& dir) {
  write_tone(dir / "audio/rock, live/Motörhead \"Ace\".wav", 220);
  write_tone(dir / "audio/rock, live/naïve.wav", 330);
  write_tone(dir / "audio/jazz/Café Ω.wav", 440);
  write_tone(dir / "audio/jazz/plain.wav", 550);
  write_tone(dir / "audio/日本/演歌.wav", 660);
  write_text(dir / "audio/jazz/corrupt.wav", "RIFF\x10\0\0\0WAVEjunk that is not audio");
  write_text(dir / "list.csv",
             "path,label,split\r\n"
             "\"audio/rock, live/Motörhead \"\"Ace\"\".wav\",rock,train\r\n"
             "\"audio/rock, live/naïve.wav\",rock,test\r\n"
             "audio/jazz/Café Ω.wav,jazz,train\r\n"
             "audio/jazz/plain.wav,\"jazz\",valid\r\n"
             "audio/jazz/corrupt.wav,jazz,train\r\n"
             "audio/jazz/gone.wav,jazz,train\r\n"
             "audio/日本/演歌.wav,enka,\r\n");
  return dir / "list.csv";
}

}  // namespace

// ---------------------------------------------------------------- manifests

TEST(Manifest, QuotingNonAsciiMissingAndSplits) {
  const fs::path dir = test::scratch_dir("manifest-awkward");
  const Dataset d = read_manifest(awkward_manifest(dir).string());
  EXPECT_EQ(d.labels, (std::vector<std::string>{"enka", "jazz", "rock"}));
  ASSERT_EQ(d.songs.size(), 6u);  // 7 rows, one file missing
  ASSERT_EQ(d.skipped.size(), 1u);
  EXPECT_EQ(d.skipped[0].rel_path, "audio/jazz/gone.wav");
  EXPECT_EQ(d.skipped[0].cause, "file not found");
  // Sorted by rel_path (bytes), the path as written; the file is found from the manifest folder.
  EXPECT_EQ(d.songs[0].rel_path, "audio/jazz/Café Ω.wav");
  EXPECT_EQ(d.songs[2].rel_path, "audio/jazz/plain.wav");
  EXPECT_EQ(d.songs[3].rel_path, "audio/rock, live/Motörhead \"Ace\".wav");
  EXPECT_EQ(d.songs[5].rel_path, "audio/日本/演歌.wav");
  for (const Song& s : d.songs) EXPECT_TRUE(fs::exists(s.path)) << s.path;
  EXPECT_EQ(d.labels[static_cast<std::size_t>(d.songs[3].label)], "rock");
  EXPECT_EQ(d.labels[static_cast<std::size_t>(d.songs[5].label)], "enka");
  EXPECT_EQ(d.songs[3].split, "train");
  EXPECT_EQ(d.songs[4].split, "test");
  EXPECT_EQ(d.songs[2].split, "valid");
  EXPECT_EQ(d.songs[5].split, "");
  // --split column: by the column; the song without a value is left out.
  const Split s = make_split(d, "column", 0);
  EXPECT_EQ(s.train, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(s.valid, (std::vector<int>{2}));
  EXPECT_EQ(s.test, (std::vector<int>{4}));
  EXPECT_EQ(s.n_unlisted, 1u);
  EXPECT_EQ(select_part(d, "column:valid", 0), (std::vector<int>{2}));
  // The corrupt file is skipped when the cache is built, named and counted with the missing one.
  const FeatureCache c =
      FeatureCache::open_or_build(d, FeatureConfig{}, (dir / "cache").string(), 2);
  EXPECT_EQ(c.songs().size(), 5u);
  ASSERT_EQ(c.skipped().size(), 2u);
  EXPECT_EQ(c.skipped()[0].rel_path, "audio/jazz/gone.wav");
  EXPECT_EQ(c.skipped()[1].rel_path, "audio/jazz/corrupt.wav");
  EXPECT_NE(c.find("audio/日本/演歌.wav"), nullptr);
}

TEST(Manifest, TsvWithAbsoluteAndParentPaths) {
  const fs::path dir = test::scratch_dir("manifest-tsv");
  write_tone(dir / "a/one.wav", 220);
  write_tone(dir / "b/two,three.wav", 330);
  write_text(dir / "lists/set.tsv",
             "label\tpath\n"
             "x\t../a/one.wav\n" +
                 std::string("y\t") + (dir / "b/two,three.wav").string() + "\n\n");
  const Dataset d = load_dataset(DataOptions{{(dir / "lists/set.tsv").string()}, "", ""});
  ASSERT_EQ(d.songs.size(), 2u);
  EXPECT_EQ(d.labels, (std::vector<std::string>{"x", "y"}));
  // Sorted by rel_path: "../" before "/".
  EXPECT_EQ(fs::canonical(d.songs[0].path), fs::canonical(dir / "a/one.wav"));
  EXPECT_EQ(d.songs[0].rel_path, "../a/one.wav");
  EXPECT_EQ(d.songs[1].rel_path, (dir / "b/two,three.wav").string());
}

TEST(Manifest, RefusalsNameTheRow) {
  const fs::path dir = test::scratch_dir("manifest-refuse");
  write_tone(dir / "a.wav", 220);
  write_tone(dir / "b.wav", 330);
  auto refuse = [&](const std::string& name, const std::string& text) {
    write_text(dir / name, text);
    return error_of([&] { read_manifest((dir / name).string()); });
  };
  EXPECT_NE(refuse("dup.csv", "path,label\na.wav,x\nb.wav,y\n./a.wav,y\n")
                .find("row 4: './a.wav' is listed again (first at row 2)"),
            std::string::npos);
  EXPECT_NE(refuse("split.csv", "path,label,split\na.wav,x,train\nb.wav,y,holdout\n")
                .find("row 3: unknown split 'holdout' for 'b.wav'"),
            std::string::npos);
  EXPECT_NE(refuse("one.csv", "path,label\na.wav,x\nb.wav,x\n")
                .find("1 label(s) in the label column; a classifier needs at least 2"),
            std::string::npos);
  EXPECT_NE(refuse("width.csv", "path,label\na.wav,x\nb.wav,y,extra\n")
                .find("row 3: 3 fields, but the header has 2"),
            std::string::npos);
  EXPECT_NE(refuse("quote.csv", "path,label\n\"a.wav,x\nb.wav,y\n").find("row 2"),
            std::string::npos);
  EXPECT_NE(refuse("header.csv", "file,genre\na.wav,x\n").find("needs a 'path' and a 'label'"),
            std::string::npos);
  EXPECT_NE(refuse("empty.csv", "path,label\na.wav,\n").find("row 2: empty label"),
            std::string::npos);
  // Every message names the file.
  EXPECT_NE(refuse("dup2.csv", "path,label\na.wav,x\na.wav,y\n").find("dup2.csv"),
            std::string::npos);
}

TEST(Manifest, ExampleManifestOfTheSharedData) {
  GENREC_REQUIRE_SHARED();
  // data/examples/gtzan-290.csv: gtzan-mini's 50 clips and the 240 snippets, split by song.
  const Dataset d = load_dataset(
      DataOptions{{std::string(GENREC_SOURCE_DIR) + "/data/examples/gtzan-290.csv"}, "", ""});
  EXPECT_EQ(d.songs.size(), 290u);
  EXPECT_TRUE(d.skipped.empty());
  EXPECT_EQ(d.labels.size(), 10u);
  const Split s = make_split(d, "column", 0);
  EXPECT_EQ(s.train.size() + s.valid.size() + s.test.size(), 290u);
  EXPECT_EQ(s.test.size(), 50u);  // the full clips are the test part
  for (int i : s.test)
    EXPECT_NE(d.songs[static_cast<std::size_t>(i)].path.find("gtzan-mini"), std::string::npos);
}

TEST(Manifest, TrainsSkipsAndCountsEndToEnd) {
  const fs::path dir = test::scratch_dir("manifest-train");
  const fs::path list = awkward_manifest(dir);
  const std::string model = (dir / "m.genrec").string();
  const test::RunResult r =
      test::run_genrec({"--threads", "2", "train", "--data", list.string(), "--out", model,
                        "--epochs", "1", "--split", "column"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Each skipped file is named on one line of stderr, and both are counted in the summary.
  for (const char* name : {"audio/jazz/gone.wav", "audio/jazz/corrupt.wav"}) {
    int n_lines = 0;
    for (const std::string& line : test::lines(r.err))
      n_lines += line.find(name) != std::string::npos;
    EXPECT_EQ(n_lines, 1) << name << ":\n" << r.err;
  }
  EXPECT_NE(r.err.find("test, 2 skipped), 3 labels"), std::string::npos) << r.err;
  // The held-out song of the split column was scored.
  EXPECT_NE(r.out.find("test songs 1 "), std::string::npos) << r.out;
  const test::RunResult info = test::run_genrec({"info", "--model", model});
  EXPECT_NE(info.out.find("enka"), std::string::npos) << info.out;
}

TEST(Manifest, ExampleSpreadsheetOfSynthSongs) {
  // data/examples/my-music.csv lists files that `genrec synth --out data/synth --per-genre 2`
  // makes; here beside a scratch copy.
  const fs::path dir = test::scratch_dir("manifest-example");
  SynthOptions o;
  o.per_genre = 2;
  o.seconds = 1.0;
  write_synthetic_dataset((dir / "synth").string(), o);
  fs::create_directories(dir / "examples");
  fs::copy_file(std::string(GENREC_SOURCE_DIR) + "/data/examples/my-music.csv",
                dir / "examples/my-music.csv");
  const Dataset d = load_dataset(DataOptions{{(dir / "examples/my-music.csv").string()}, "", ""});
  EXPECT_EQ(d.songs.size(), 12u);
  EXPECT_TRUE(d.skipped.empty());
  EXPECT_EQ(d.labels,
            (std::vector<std::string>{"8-bit", "Klassik für Anfänger", "Métal", "calm, ambient",
                                      "hip-hop \"boom bap\"", "テクノ"}));
  const Split s = make_split(d, "column", 0);
  EXPECT_EQ(s.train.size(), 6u);
  EXPECT_EQ(s.valid.size(), 1u);
  EXPECT_EQ(s.test.size(), 5u);
}

// ---------------------------------------------------------------- several datasets

TEST(DataSources, FoldersAndManifestsTogether) {
  const fs::path dir = test::scratch_dir("sources-mixed");
  write_tone(dir / "one/blues/blues.00000.wav", 220);
  write_tone(dir / "one/rock/rock.00000.wav", 330);
  write_tone(dir / "two/genres_original/blues/blues.00007.wav", 440);
  write_tone(dir / "two/genres_original/jazz/jazz.00007.wav", 550);
  write_tone(dir / "three/x.wav", 660);
  write_tone(dir / "three/y.wav", 770);
  write_text(dir / "three/m.csv", "path,label\nx.wav,rock\ny.wav,polka\n");
  DataOptions o;
  o.paths = {(dir / "one").string(), (dir / "two").string(), (dir / "three/m.csv").string()};
  const Dataset d = load_dataset(o);
  EXPECT_EQ(d.labels, (std::vector<std::string>{"blues", "jazz", "polka", "rock"}));
  ASSERT_EQ(d.songs.size(), 6u);
  std::vector<std::string> rel;
  for (const Song& s : d.songs) rel.push_back(s.rel_path + "=" + d.labels[s.label]);
  EXPECT_EQ(rel,
            (std::vector<std::string>{"blues/blues.00000.wav=blues", "blues/blues.00007.wav=blues",
                                      "jazz/jazz.00007.wav=jazz", "rock/rock.00000.wav=rock",
                                      "x.wav=rock", "y.wav=polka"}));
  // The same rel_path in two sources is refused, naming both.
  write_tone(dir / "four/rock/rock.00000.wav", 880);
  o.paths.push_back((dir / "four").string());
  const std::string e = error_of([&] { load_dataset(o); });
  EXPECT_NE(e.find("'rock/rock.00000.wav': is in both"), std::string::npos) << e;
  EXPECT_NE(error_of([&] {
              load_dataset(DataOptions{{(dir / "x.txt").string()}, "", ""});
            }).find("no such file"),
            std::string::npos);
  write_text(dir / "other.csv", "a,b\n1,2\n");
  EXPECT_NE(error_of([&] {
              load_dataset(DataOptions{{(dir / "other.csv").string()}, "", ""});
            }).find("neither a dataset folder"),
            std::string::npos);
}

// ---------------------------------------------------------------- FMA

namespace {

// FMA's tracks.csv columns as published: (group, name) for columns 1.., after track_id.
const std::vector<std::pair<std::string, std::string>>& fma_columns() {
  static const std::vector<std::pair<std::string, std::string>> c = {
      {"album", "comments"},
      {"album", "date_created"},
      {"album", "date_released"},
      {"album", "engineer"},
      {"album", "favorites"},
      {"album", "id"},
      {"album", "information"},
      {"album", "listens"},
      {"album", "producer"},
      {"album", "tags"},
      {"album", "title"},
      {"album", "tracks"},
      {"album", "type"},
      {"artist", "active_year_begin"},
      {"artist", "active_year_end"},
      {"artist", "associated_labels"},
      {"artist", "bio"},
      {"artist", "comments"},
      {"artist", "date_created"},
      {"artist", "favorites"},
      {"artist", "id"},
      {"artist", "latitude"},
      {"artist", "location"},
      {"artist", "longitude"},
      {"artist", "members"},
      {"artist", "name"},
      {"artist", "related_projects"},
      {"artist", "tags"},
      {"artist", "website"},
      {"artist", "wikipedia_page"},
      {"set", "split"},
      {"set", "subset"},
      {"track", "bit_rate"},
      {"track", "comments"},
      {"track", "composer"},
      {"track", "date_created"},
      {"track", "date_recorded"},
      {"track", "duration"},
      {"track", "favorites"},
      {"track", "genre_top"},
      {"track", "genres"},
      {"track", "genres_all"},
      {"track", "information"},
      {"track", "interest"},
      {"track", "language_code"},
      {"track", "license"},
      {"track", "listens"},
      {"track", "lyricist"},
      {"track", "number"},
      {"track", "publisher"},
      {"track", "tags"},
      {"track", "title"}};
  return c;
}

struct FmaTrack {
  int id;
  std::string genre_top, subset, split;
  bool has_audio;
};

// tracks.csv in FMA's format (three header rows, RFC 4180 quoting of the free-text fields)
// and MP3 audio of `genrec synth` songs at audio_dir/AAA/AAABBB.mp3.
void write_fma_fixture(const fs::path& root, const std::vector<FmaTrack>& tracks) {
  std::string csv = ",", names = ",", ids = "track_id";
  const auto& cols = fma_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    csv += cols[i].first + (i + 1 < cols.size() ? "," : "\n");
    names += cols[i].second + (i + 1 < cols.size() ? "," : "\n");
    ids += ",";
  }
  csv += names + ids + "\n";
  SynthOptions synth;
  synth.seconds = 4.0;
  int n = 0;
  for (const FmaTrack& t : tracks) {
    csv += std::to_string(t.id);
    for (const auto& [group, name] : cols) {
      csv += ",";
      if (name == "genre_top")
        csv += t.genre_top;
      else if (group == "set" && name == "subset")
        csv += t.subset;
      else if (group == "set" && name == "split")
        csv += t.split;
      else if (name == "bio")
        csv += "\"<p>Formed in 2008, \"\"loud\"\",\nthen quiet.</p>\"";
      else if (name == "genres")
        csv += "\"[21, 811]\"";
      else if (name == "title")
        csv += "\"Song, No. " + std::to_string(t.id) + "\"";
      else if (name == "duration")
        csv += "30";
    }
    csv += "\n";
    if (t.has_audio) {
      char rel[32];
      std::snprintf(rel, sizeof rel, "%03d/%06d.mp3", t.id / 1000, t.id);
      write_mp3(root / "fma_small" / rel, synthesize_song(n % 6, n, synth), 22050);
      ++n;
    }
  }
  write_text(root / "fma_metadata/tracks.csv", csv);
}

const std::vector<FmaTrack> kFmaTracks = {
    {2, "Hip-Hop", "small", "training", true}, {3, "Hip-Hop", "medium", "training", true},
    {5, "Hip-Hop", "small", "test", true},     {10, "Pop", "small", "validation", true},
    {20, "", "small", "training", true},       {26, "Pop", "large", "training", true},
    {140, "Folk", "small", "training", false}, {1482, "Folk", "small", "training", true},
    {155066, "Rock", "medium", "test", true}};

}  // namespace

TEST(Fma, TracksCsvAsPublished) {
  const fs::path dir = test::scratch_dir("fma-fixture");
  write_fma_fixture(dir, kFmaTracks);
  const std::string tracks = (dir / "fma_metadata/tracks.csv").string();
  ASSERT_TRUE(looks_like_fma_tracks(tracks));
  EXPECT_FALSE(looks_like_manifest(tracks));
  DataOptions o{{tracks}, (dir / "fma_small").string(), ""};
  // The subset from the folder name: small holds tracks 2, 5, 10, 20 (no genre_top), 140 (no
  // file), 1482.
  const Dataset small = load_dataset(o);
  EXPECT_EQ(small.labels, (std::vector<std::string>{"Folk", "Hip-Hop", "Pop"}));
  std::vector<std::string> got;
  for (const Song& s : small.songs)
    got.push_back(s.rel_path + " " + small.labels[s.label] + " " + s.split);
  EXPECT_EQ(got,
            (std::vector<std::string>{"000/000002.mp3 Hip-Hop train", "000/000005.mp3 Hip-Hop test",
                                      "000/000010.mp3 Pop valid", "001/001482.mp3 Folk train"}));
  EXPECT_EQ(small.n_unlabelled, 1u);
  ASSERT_EQ(small.skipped.size(), 1u);
  EXPECT_EQ(small.skipped[0].rel_path, "000/000140.mp3");
  EXPECT_TRUE(fs::exists(small.songs[3].path));
  // medium = small + medium tracks; large adds the rest.
  o.subset = "medium";
  const Dataset medium = load_dataset(o);
  EXPECT_EQ(medium.songs.size(), 6u);
  EXPECT_EQ(medium.songs.back().rel_path, "155/155066.mp3");
  EXPECT_EQ(medium.labels, (std::vector<std::string>{"Folk", "Hip-Hop", "Pop", "Rock"}));
  o.subset = "large";
  EXPECT_EQ(load_dataset(o).songs.size(), 7u);
  // The MP3s decode into the cache; the split column gives FMA's split.
  const FeatureCache c =
      FeatureCache::open_or_build(small, FeatureConfig{}, (dir / "cache").string(), 2);
  EXPECT_EQ(c.songs().size(), 4u);
  EXPECT_NEAR(static_cast<double>(c.songs()[0].n_samples) / 22050, 4.0, 0.1);
  const Split s = make_split(small, "column", 0);
  EXPECT_EQ(s.train, (std::vector<int>{0, 3}));
  EXPECT_EQ(s.valid, (std::vector<int>{2}));
  EXPECT_EQ(s.test, (std::vector<int>{1}));
}

TEST(Fma, ErrorsSayWhatIsMissing) {
  const fs::path dir = test::scratch_dir("fma-errors");
  write_fma_fixture(
      dir, {{2, "Rock", "small", "training", false}, {3, "Pop", "small", "holdout", false}});
  const std::string tracks = (dir / "fma_metadata/tracks.csv").string();
  EXPECT_NE(error_of([&] {
              load_dataset(DataOptions{{tracks}, "", ""});
            }).find("--audio"),
            std::string::npos);
  fs::create_directories(dir / "audio");
  EXPECT_NE(error_of([&] {
              load_dataset(DataOptions{{tracks}, (dir / "audio").string(), ""});
            }).find("give --subset"),
            std::string::npos);
  const std::string e = error_of([&] {
    load_dataset(DataOptions{{tracks}, (dir / "audio").string(), "small"});
  });
  EXPECT_NE(e.find("row 5: unknown set/split 'holdout'"), std::string::npos) << e;
}

// ---------------------------------------------------------------- sharded cache

namespace {

std::string synth_songs(const std::string& name, int per_genre, double seconds) {
  const std::string dir = test::scratch_dir(name);
  SynthOptions o;
  o.per_genre = per_genre;
  o.seconds = seconds;
  o.seed = 5;
  write_synthetic_dataset(dir + "/data", o);
  return dir;
}

// name -> bytes of every file in a cache folder.
std::map<std::string, std::string> cache_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    files[e.path().filename().string()] = test::slurp(e.path().string());
  return files;
}

}  // namespace

TEST(ShardedCache, DisjointShardBuildsMakeTheWholeCache) {
  const std::string dir = synth_songs("shards-disjoint", 12, 2.0);  // 72 songs
  const Dataset d = scan_dataset(dir + "/data");
  const FeatureConfig cfg;
  const std::vector<std::string> names = FeatureCache::shard_names(d, cfg);
  ASSERT_GE(names.size(), 2u);
  const std::string whole = dir + "/whole", parts = dir + "/parts";
  FeatureCache::build_missing(d, cfg, whole, 2);
  const CacheBuildReport r0 = FeatureCache::build_missing(d, cfg, parts, 1, {0, 2});
  EXPECT_EQ(r0.n_shards, names.size());
  EXPECT_EQ(r0.n_built, (names.size() + 1) / 2);
  // Half the shards: the cache cannot be opened yet, and says which shard is missing.
  EXPECT_NE(error_of([&] { FeatureCache::open(d, cfg, parts); }).find("missing shard"),
            std::string::npos);
  const CacheBuildReport r1 = FeatureCache::build_missing(d, cfg, parts, 1, {1, 2});
  EXPECT_EQ(r0.n_built + r1.n_built, names.size());
  EXPECT_EQ(cache_files(parts), cache_files(whole));
  // A rerun builds nothing.
  const CacheBuildReport again = FeatureCache::build_missing(d, cfg, parts, 2);
  EXPECT_EQ(again.n_built, 0u);
  EXPECT_EQ(again.n_present, names.size());
  const FeatureCache c = FeatureCache::open(d, cfg, parts);
  EXPECT_EQ(c.songs().size(), d.songs.size());
  EXPECT_EQ(c.n_shards(), names.size());
  // Mapped and in-memory reading cut the same windows.
  FeatureCache copy = FeatureCache::open(d, cfg, parts);
  copy.load_into_memory();
  std::vector<float> a(128 * cfg.frames_per_segment()), b(a.size());
  for (std::size_t i = 0; i < c.songs().size(); i += 7) {
    cut_segment(c.songs()[i], 5, cfg, a.data());
    cut_segment(copy.songs()[i], 5, cfg, b.data());
    EXPECT_EQ(a, b) << i;
    cut_segment(c.songs()[i], 5, cfg, b.data());  // again, after its pages were released
    EXPECT_EQ(a, b) << i;
  }
}

TEST(ShardedCache, KilledBuildResumesToTheUninterruptedResult) {
  const std::string dir = synth_songs("shards-kill", 10, 20.0);  // 60 songs of 20 s
  const std::string data = dir + "/data", killed = dir + "/killed", whole = dir + "/whole";
  const std::vector<std::string> args = {"--threads", "1", "preprocess", "--data", data, "--cache"};
  auto with = [&](const std::string& cache) {
    std::vector<std::string> a = args;
    a.push_back(cache);
    return a;
  };
  // Kill -9 while a shard is being written (its temporary file exists) after at least one
  // shard is complete.
  const pid_t pid = test::spawn_genrec(with(killed), "/dev/null", dir + "/k.out", dir + "/k.err");
  bool caught = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!caught && std::chrono::steady_clock::now() < deadline) {
    std::size_t done = 0, tmp = 0;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(killed, ec)) {
      const std::string n = e.path().filename().string();
      if (n.find(".tmp.") != std::string::npos)
        ++tmp;
      else if (e.path().extension() == ".gshard")
        ++done;
    }
    if (done >= 1 && tmp == 1) {
      ::kill(pid, SIGKILL);
      caught = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  EXPECT_EQ(test::wait_exit_code(pid), 128 + SIGKILL) << test::slurp(dir + "/k.err");
  ASSERT_TRUE(caught) << "the build ended before a shard was caught half-written";
  std::size_t n_left = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(killed))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n_left;
  EXPECT_EQ(n_left, 1u);  // the interrupted shard was never renamed into place
  const std::size_t n_complete_before = cache_files(killed).size() - n_left;

  const test::RunResult resumed = test::run_genrec(with(killed));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find(std::to_string(n_complete_before) + " were already built"),
            std::string::npos)
      << resumed.err;
  EXPECT_NE(resumed.err.find("left by an interrupted build"), std::string::npos) << resumed.err;
  const test::RunResult fresh = test::run_genrec(with(whole));
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  const auto a = cache_files(killed), b = cache_files(whole);
  EXPECT_EQ(a.size(), FeatureCache::shard_names(scan_dataset(data), FeatureConfig{}).size());
  EXPECT_TRUE(a == b) << "resumed cache differs from an uninterrupted build";
}
