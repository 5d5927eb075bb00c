// The model file: save -> load gives identical logits; truncated, foreign, corrupt, old and
// newer-version files fail with a clear genrec::Error naming the file and the cause.
// The torch-free inference network computes what the LibTorch module computes.
// Also: configs/default.toml is exactly the built-in defaults, and bad configs are rejected.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <random>

#include "audio/error.h"
#include "audio/feature_config_toml.h"
#include "audio/wav_writer.h"
#include "model/feature_config_json.h"
#include "model/genre_model.h"
#include "model/install_paths.h"
#include "model/model_describe.h"
#include "model/train_config.h"
#include "test_util.h"
#include "train/cnn.h"
#include "train/module_tensors.h"

namespace genrec {
namespace {

// A LibTorch module with random weights and non-trivial normalisation and batch-norm
// statistics (so they must travel too), in eval mode.
GenreCnn random_module(const CnnConfig& arch, const FeatureConfig& features, int n_labels) {
  GenreCnn net(arch, features, n_labels);
  std::vector<float> mean(features.n_mels), std(features.n_mels);
  for (int b = 0; b < features.n_mels; ++b) {
    mean[b] = -40.0f + 0.1f * b;
    std[b] = 10.0f + 0.05f * b;
  }
  net->set_normalization(mean, std);
  torch::NoGradGuard no_grad;
  for (auto& buffer : net->named_buffers())
    if (buffer.key().find("running_var") != std::string::npos)
      buffer.value().uniform_(0.5, 2.0);
    else if (buffer.key().find("running_mean") != std::string::npos)
      buffer.value().uniform_(-0.5, 0.5);
  for (auto& p : net->named_parameters())
    if (p.key().find("blocks") != std::string::npos && p.value().dim() == 1)
      p.value().uniform_(0.5, 1.5);  // batch-norm scales away from 1
  net->eval();
  return net;
}

GenreModel random_model(const CnnConfig& arch = {}) {
  torch::manual_seed(7);
  ModelInfo info;
  info.name = "test-model";
  info.labels = {"ambient", "chiptune", "metal"};
  info.arch = arch.to_json();
  info.training = {{"seed", 7}, {"split", "song:0.8/0.1/0.1"}};
  const GenreCnn net = random_module(arch, info.features, static_cast<int>(info.labels.size()));
  return model_from_module(info, net);
}

std::vector<float> random_logmel(std::size_t batch, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-80.0f, 0.0f);
  std::vector<float> x(batch * 128 * 130);
  for (float& v : x) v = u(rng);
  return x;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Expects load(path) to throw genrec::Error whose message names the file and contains `cause`.
void expect_load_error(const std::string& path, const std::string& cause) {
  try {
    GenreModel::load(path);
    FAIL() << "loading " << path << " did not throw";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("model: '" + path + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(cause), std::string::npos) << msg;
  }
}

TEST(ModelFile, SaveLoadGivesIdenticalLogitsAndInfo) {
  const std::string dir = test::scratch_dir("model_file_roundtrip");
  const GenreModel model = random_model();
  const std::string path = dir + "/m.genrec";
  model.save(path);
  const GenreModel loaded = GenreModel::load(path);

  const auto x = random_logmel(5, 1);
  const auto a = model.logits(x.data(), 5);
  const auto b = loaded.logits(x.data(), 5);
  ASSERT_EQ(a.size(), 5u * 3u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << i;
  // The logits are not trivially equal (e.g. all zero): the inputs matter.
  EXPECT_NE(a[0], a[3]);

  const auto p = loaded.probabilities(x.data(), 5);
  for (int s = 0; s < 5; ++s) {
    float sum = 0;
    for (int k = 0; k < 3; ++k) sum += p[s * 3 + k];
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
  }
  EXPECT_EQ(loaded.info().labels, model.info().labels);
  EXPECT_EQ(loaded.info().name, "test-model");
  EXPECT_EQ(loaded.info().features.key(), FeatureConfig{}.key());
  EXPECT_EQ(loaded.info().arch, model.info().arch);
  EXPECT_EQ(loaded.info().training.at("seed"), 7);
  EXPECT_EQ(loaded.info().format_version, 2);

  const nlohmann::json d = loaded.describe();
  EXPECT_EQ(d.at("file"), path);
  EXPECT_GT(d.at("n_parameters").get<long>(), 1000);
  std::ostringstream text;
  write_model_description(text, d);
  EXPECT_NE(text.str().find("ambient, chiptune, metal (3)"), std::string::npos) << text.str();
}

// The inference network (implicit-GEMM convolutions, folded batch norm) against LibTorch's
// forward pass of the same module, over every architecture option.
TEST(ModelFile, InferenceMatchesLibTorchForward) {
  std::vector<CnnConfig> archs(9);
  archs[1].pooling = "avg";
  archs[2].pooling = "max";
  archs[3].pooling = "time_avgmax";
  archs[3].input_reference = "window_max";
  archs[4].channels = {6, 10, 12};  // channel counts that are not multiples of the GEMM tile
  archs[4].convs_per_block = 2;
  archs[4].kernel_size = 5;
  archs[5].max_input_hz = 7500;
  archs[6].channels = {16, 32, 64, 128, 256};  // configs/gtzan-290.toml: pooled down to 4x4
  archs[7].channels = {16, 32, 64, 128, 256};  // a residual unit after every block
  archs[7].residual_convs = 1;
  archs[8].channels = {6, 10, 12};  // residual units of two convolutions, 5x5
  archs[8].convs_per_block = 2;
  archs[8].residual_convs = 2;
  archs[8].kernel_size = 5;
  archs[8].pooling = "time_avgmax";
  const FeatureConfig features;
  torch::manual_seed(11);
  for (std::size_t a = 0; a < archs.size(); ++a) {
    SCOPED_TRACE("architecture " + archs[a].to_json().dump());
    GenreCnn net = random_module(archs[a], features, 4);
    ModelInfo info;
    info.labels = {"a", "b", "c", "d"};
    info.arch = archs[a].to_json();
    const GenreModel model = model_from_module(info, net);
    const std::size_t batch = 3;
    const auto x = random_logmel(batch, static_cast<unsigned>(20 + a));
    c10::InferenceMode guard;
    const torch::Tensor expected =
        net->forward(torch::from_blob(const_cast<float*>(x.data()), {3, 128, 130})).contiguous();
    for (int threads : {1, 2}) {
      const auto got = model.logits(x.data(), batch, threads);
      ASSERT_EQ(got.size(), static_cast<std::size_t>(expected.numel()));
      float scale = 0;
      for (std::size_t i = 0; i < got.size(); ++i)
        scale = std::max(scale, std::abs(expected.data_ptr<float>()[i]));
      ASSERT_GT(scale, 1e-3f);
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], expected.data_ptr<float>()[i], 2e-5f * scale + 1e-6f) << i;
    }
  }
}

// An ensemble's output is the log of its members' mean softmax probabilities, each member
// computed by LibTorch; the file keeps the members apart ("members.M." names) through a save.
TEST(ModelFile, EnsembleAveragesItsMembersProbabilities) {
  const std::string dir = test::scratch_dir("model_file_ensemble");
  CnnConfig arch;
  arch.ensemble = 3;
  const FeatureConfig features;
  const int n_labels = 4;
  torch::manual_seed(5);
  std::vector<GenreCnn> nets;
  TensorList tensors;
  for (int m = 0; m < arch.ensemble; ++m) {
    nets.push_back(random_module(arch, features, n_labels));
    for (NamedTensor t : module_tensors(nets.back(), features, n_labels)) {
      t.name = "members." + std::to_string(m) + "." + t.name;
      tensors.push_back(std::move(t));
    }
  }
  ModelInfo info;
  info.labels = {"a", "b", "c", "d"};
  info.arch = arch.to_json();
  GenreModel(info, tensors).save(dir + "/ensemble.genrec");
  const GenreModel model = GenreModel::load(dir + "/ensemble.genrec");

  const std::size_t batch = 3;
  const auto x = random_logmel(batch, 31);
  c10::InferenceMode guard;
  const torch::Tensor input = torch::from_blob(const_cast<float*>(x.data()), {3, 128, 130});
  torch::Tensor mean = torch::zeros({3, n_labels});
  for (GenreCnn& net : nets) mean += torch::softmax(net->forward(input), 1);
  const torch::Tensor expected = (mean / arch.ensemble).log().contiguous();
  const auto got = model.logits(x.data(), batch, 2);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(expected.numel()));
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected.data_ptr<float>()[i], 1e-4f) << i;
  // Not one member's answer: the first member alone differs.
  const torch::Tensor first = torch::log_softmax(nets[0]->forward(input), 1).contiguous();
  float gap = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    gap = std::max(gap, std::abs(got[i] - first.data_ptr<float>()[i]));
  EXPECT_GT(gap, 1e-2f);
  const GenreModel one = model_from_module(info, nets[0]);
  EXPECT_EQ(model.describe().at("n_parameters").get<long>(),
            3 * one.describe().at("n_parameters").get<long>());
}

TEST(ModelFile, WeightsThatDoNotFitTheArchitectureAreRefused) {
  const GenreModel model = random_model();
  auto expect_refused = [&](TensorList tensors, const std::string& cause) {
    try {
      GenreModel(model.info(), std::move(tensors));
      ADD_FAILURE() << "accepted weights lacking: " << cause;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
    }
  };
  TensorList missing = model.tensors();
  missing.erase(missing.begin() + 3);
  expect_refused(missing, "is missing");
  TensorList misshapen = model.tensors();
  misshapen.back().shape = {2, 2};
  misshapen.back().values.resize(4);
  expect_refused(misshapen, "has shape [2, 2]");
  TensorList extra = model.tensors();
  extra.push_back({"blocks.99.weight", {1}, {0.0f}});
  expect_refused(extra, "is not part of the architecture");
}

TEST(ModelFile, ConcurrentInferenceMatchesSerial) {
  const GenreModel model = random_model();
  const auto x = random_logmel(2, 3);
  const auto expected = model.probabilities(x.data(), 2);
  std::vector<std::vector<float>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { got[t] = model.probabilities(x.data(), 2); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
}

TEST(ModelFile, TruncatedFileIsReported) {
  const std::string dir = test::scratch_dir("model_file_truncated");
  const std::string good = dir + "/good.genrec";
  random_model().save(good);
  const std::string bytes = read_bytes(good);
  ASSERT_GT(bytes.size(), 1000u);
  for (std::size_t cut : {std::size_t{4}, std::size_t{10}, std::size_t{30}, bytes.size() / 2,
                          bytes.size() - 9, bytes.size() - 1}) {
    const std::string path = dir + "/cut" + std::to_string(cut) + ".genrec";
    write_bytes(path, bytes.substr(0, cut));
    expect_load_error(path, "truncated file");
  }
  write_bytes(dir + "/empty.genrec", "");
  expect_load_error(dir + "/empty.genrec", "empty file");
}

TEST(ModelFile, ForeignFilesAreReported) {
  const std::string dir = test::scratch_dir("model_file_foreign");
  write_wav(dir + "/song.wav", test::tone(440, 0.5), 22050);
  expect_load_error(dir + "/song.wav", "not a genrec model file");
  std::mt19937 rng(5);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  write_bytes(dir + "/noise.bin", noise);
  expect_load_error(dir + "/noise.bin", "not a genrec model file");
  // A LibTorch archive on its own (what torch::save writes) is not a model file either.
  torch::serialize::OutputArchive archive;
  GenreCnn net(CnnConfig{}, FeatureConfig{}, 3);
  net->save(archive);
  archive.save_to(dir + "/weights.pt");
  expect_load_error(dir + "/weights.pt", "not a genrec model file");
  expect_load_error(dir + "/missing.genrec", "cannot open");
}

TEST(ModelFile, NewerVersionAndCorruptionAreReported) {
  const std::string dir = test::scratch_dir("model_file_version");
  const std::string good = dir + "/good.genrec";
  random_model().save(good);
  std::string bytes = read_bytes(good);

  std::string newer = bytes;
  newer[8] = 3;  // the u32 format version follows the 8-byte magic
  write_bytes(dir + "/newer.genrec", newer);
  expect_load_error(dir + "/newer.genrec", "format version 3 is newer than this genrec reads (2)");
  std::string older = bytes;
  older[8] = 1;
  write_bytes(dir + "/older.genrec", older);
  expect_load_error(dir + "/older.genrec",
                    "format version 1 (LibTorch archive weights) is no longer read");

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x5a;
  write_bytes(dir + "/flipped.genrec", flipped);
  expect_load_error(dir + "/flipped.genrec", "checksum mismatch");

  write_bytes(dir + "/longer.genrec", bytes + "xyz");
  expect_load_error(dir + "/longer.genrec", "trailing bytes");
}

TEST(ModelFile, ArchitectureTravelsWithTheFile) {
  const std::string dir = test::scratch_dir("model_file_arch");
  CnnConfig arch;
  arch.channels = {8, 16, 24};
  arch.convs_per_block = 2;
  arch.pooling = "time_avgmax";
  arch.input_reference = "window_max";
  arch.residual_convs = 1;
  const GenreModel model = random_model(arch);
  model.save(dir + "/small.genrec");
  const GenreModel loaded = GenreModel::load(dir + "/small.genrec");
  EXPECT_EQ(CnnConfig::from_json(loaded.info().arch).channels, (std::vector<int>{8, 16, 24}));
  EXPECT_EQ(CnnConfig::from_json(loaded.info().arch).residual_convs, 1);
  // A network without residual units writes no residual_convs (earlier releases read it).
  EXPECT_FALSE(CnnConfig{}.to_json().contains("residual_convs"));
  nlohmann::json too_many = arch.to_json();
  too_many["residual_convs"] = 5;
  try {
    CnnConfig::from_json(too_many);
    ADD_FAILURE() << "residual_convs 5 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("residual_convs must be an integer in [0, 4]"),
              std::string::npos)
        << e.what();
  }
  const auto x = random_logmel(1, 9);
  EXPECT_EQ(model.logits(x.data(), 1), loaded.logits(x.data(), 1));
  // With window_max input a louder copy of the same window gives the same logits.
  std::vector<float> louder = x;
  for (float& v : louder) v += 12.0f;
  const auto a = loaded.logits(x.data(), 1), b = loaded.logits(louder.data(), 1);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4f) << i;
}

TEST(ModelFile, DefaultModelPathHonoursEnvironment) {
  const std::string dir = test::scratch_dir("model_file_env");
  random_model().save(dir + "/env.genrec");
  ::setenv("GENREC_MODEL", (dir + "/env.genrec").c_str(), 1);
  EXPECT_EQ(default_model_path(), dir + "/env.genrec");
  ::setenv("GENREC_MODEL", (dir + "/nope.genrec").c_str(), 1);
  EXPECT_THROW(default_model_path(), Error);
  ::unsetenv("GENREC_MODEL");
}

TEST(RunConfig, DefaultTomlMatchesBuiltInDefaults) {
  const RunConfig file = load_run_config(std::string(GENREC_SOURCE_DIR) + "/configs/default.toml");
  EXPECT_EQ(file.to_json(), RunConfig{}.to_json());
}

// A variant of a recipe names it as its `base` and states only what it changes.
TEST(RunConfig, ABaseIsLaidUnderTheFile) {
  const std::string dir = test::scratch_dir("run_config_base");
  const std::string recipe = std::string(GENREC_SOURCE_DIR) + "/configs/gtzan-290.toml";
  std::ofstream(dir + "/variant.toml") << "base = \"" << recipe << "\"\n[train]\ngain_db = 12.0\n"
                                       << "resample_rates = [16000, 11025]\n"
                                       << "[features]\npad = \"loop\"\n";
  nlohmann::json want = load_run_config(recipe).to_json();
  want["train"]["gain_db"] = 12.0;
  want["train"]["resample_rates"] = {16000, 11025};
  want["features"]["pad"] = "loop";
  EXPECT_EQ(load_run_config(dir + "/variant.toml").to_json(), want);
  EXPECT_EQ(load_feature_config(dir + "/variant.toml").pad, "loop");
  // A relative base is found beside the file, whatever the working directory; chains work.
  std::ofstream(dir + "/of-variant.toml") << "base = \"variant.toml\"\n[model]\ndropout = 0.5\n";
  want["model"]["dropout"] = 0.5;
  EXPECT_EQ(load_run_config(dir + "/of-variant.toml").to_json(), want);
}

TEST(RunConfig, BadValuesAndBasesAreRejectedWithTheirNames) {
  const std::string dir = test::scratch_dir("run_config_bad");
  auto expect_bad = [&](const std::string& text, const std::string& cause) {
    const std::string path = dir + "/bad.toml";
    std::ofstream(path) << text;
    try {
      load_run_config(path);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(cause), std::string::npos) << what;
      EXPECT_NE(what.find(path), std::string::npos) << what;
    }
  };
  expect_bad("base = \"missing.toml\"\n", dir + "/missing.toml is not a file");
  expect_bad("base = 3\n", "base must be a string");
  expect_bad("base = \"bad.toml\"\n", "more than 8 bases");
  expect_bad("base = \"../run_config_bad/bad.toml\"\n", "more than 8 bases");
  expect_bad("[train]\nepocs = 3\n", "unknown key 'epocs'");
  expect_bad("[train]\nepochs = 0\n", "epochs must be >= 1");
  expect_bad("[model]\nchannels = []\n", "channels");
  expect_bad("[model]\npooling = \"median\"\n", "pooling");
  expect_bad("[optimizer]\nlr = 1\n", "unknown table [optimizer]");
  expect_bad("[features]\nn_mels = 0\n", "n_mels");
  expect_bad("[features]\npad = \"mirror\"\n", "pad");
  expect_bad("[train]\ncrops_per_segment = -1\n", "crops_per_segment must be >= 0");
  expect_bad("[train]\nnoise_prob = 1.5\n", "noise_prob must be in [0, 1]");
  expect_bad("[train]\nnoise_min_db = -1\n", "noise_min_db must be >= 0");
  expect_bad("[train]\nquiet_jitter_db = -2\n", "quiet_jitter_db must be >= 0");
  expect_bad("[train]\nconsistency_weight = -1\n", "consistency_weight must be >= 0");
  expect_bad("[train]\nconsistency_weight = 2\nmixup_alpha = 0.2\n",
             "consistency_weight and mixup_alpha cannot both be > 0");
  expect_bad("[train]\nlowpass_teacher_weight = -1\n", "lowpass_teacher_weight must be >= 0");
  expect_bad("[train]\nresample_prob = 1.5\nresample_rates = [16000]\n",
             "resample_prob must be in [0, 1]");
  expect_bad("[train]\nresample_prob = 0.5\n", "resample_prob > 0 needs resample_rates");
  expect_bad("[train]\nresample_rates = 16000\n", "resample_rates must be a list of integers");
  expect_bad("[train]\nresample_rates = [16000.5]\n", "resample_rates must be a list of integers");
  expect_bad("[train]\nresample_rates = [500]\n", "resample_rates must be >= 1000 Hz each");
  expect_bad("[train]\nresample_rates = [22050]\n", "resample_rates must be below the features'");
  expect_bad("[train]\nlowpass_teacher_weight = 1\nmixup_alpha = 0.2\n",
             "lowpass_teacher_weight cannot be > 0 with mixup_alpha or consistency_weight");
}

TEST(RunConfig, FeatureConfigJsonRoundTrip) {
  FeatureConfig c;
  c.n_mels = 64;
  c.fmax = 8000;
  c.pad = "reflect";
  const FeatureConfig back = feature_config_from_json(feature_config_to_json(c));
  EXPECT_EQ(back.key(), c.key());
  EXPECT_EQ(back.pad, "reflect");
  EXPECT_THROW(feature_config_from_json({{"n_mel", 64}}), Error);
  EXPECT_THROW(feature_config_from_json({{"pad", "wrap"}}), Error);
  // Files written before padding was a choice zero-padded.
  EXPECT_EQ(feature_config_from_json({{"n_mels", 64}}).pad, "zero");
}

TEST(ModelFile, CalibrationTravelsAndTempersTheProbabilities) {
  const std::string dir = test::scratch_dir("model_file_calibration");
  GenreModel model = random_model();
  const auto x = random_logmel(4, 3);
  const std::vector<float> logits = model.logits(x.data(), 4);
  EXPECT_EQ(model.temperature(), 1.0);
  EXPECT_EQ(model.uncertain_below(), 0.0);
  model.set_calibration({{"temperature", 1.7}, {"uncertain_below", 0.42}, {"note", "x"}});
  model.save(dir + "/c.genrec");
  const GenreModel loaded = GenreModel::load(dir + "/c.genrec");
  EXPECT_EQ(loaded.temperature(), 1.7);
  EXPECT_EQ(loaded.uncertain_below(), 0.42);
  EXPECT_EQ(loaded.info().calibration.at("note"), "x");
  // probabilities = softmax(logits / T), computed here by hand.
  const std::vector<float> p = loaded.probabilities(x.data(), 4);
  for (std::size_t b = 0; b < 4; ++b) {
    double z = 0;
    for (std::size_t k = 0; k < 3; ++k) z += std::exp(logits[b * 3 + k] / 1.7);
    for (std::size_t k = 0; k < 3; ++k)
      EXPECT_NEAR(p[b * 3 + k], std::exp(logits[b * 3 + k] / 1.7) / z, 1e-5) << b << "," << k;
  }
  std::ostringstream text;
  write_model_description(text, loaded.describe());
  EXPECT_NE(text.str().find("temperature 1.700, uncertain below 42.0%"), std::string::npos)
      << text.str();
  // An uncalibrated file has no "calibration" key and says so.
  std::ostringstream plain;
  write_model_description(plain, random_model().describe());
  EXPECT_NE(plain.str().find("none (the network's own confidences"), std::string::npos)
      << plain.str();
  EXPECT_FALSE(random_model().describe().contains("calibration"));
  // Values that would make every answer wrong are refused.
  EXPECT_THROW(model.set_calibration({{"temperature", 0.0}, {"uncertain_below", 0.5}}), Error);
  EXPECT_THROW(model.set_calibration({{"temperature", 1.0}, {"uncertain_below", 1.5}}), Error);
  EXPECT_THROW(model.set_calibration({{"temperature", std::nan("")}, {"uncertain_below", 0.1}}),
               Error);
  EXPECT_THROW(model.set_calibration(
                   {{"temperature", 1.0}, {"song_temperature", -1.0}, {"uncertain_below", 0.1}}),
               Error);
  model.set_calibration(
      {{"temperature", 1.0}, {"song_temperature", 0.5}, {"uncertain_below", 0.1}});
  EXPECT_EQ(model.song_temperature(), 0.5);
}

}  // namespace
}  // namespace genrec
