// The web API over HTTP (httplib::Client against an in-process WebServer on a free loopback
// port): every status code of SPEC's "Web app" section, the page, concurrency limits, shutdown.
// The model is a small randomly initialised CNN, so these tests need no trained model file.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/audio_source.h"
#include "audio/wav_writer.h"
#include "model/genre_model.h"
#include "model/predictor.h"
#include "model_util.h"
#include "report/predict_format.h"
#include "served.h"
#include "server/job_limiter.h"
#include "server/server.h"
#include "test_util.h"

extern char** environ;

namespace genrec {
namespace {

using nlohmann::json;
using test::as_string;
using test::kLabels;
using test::read_bytes;
using test::Served;
using test::song_bytes;
using test::synthetic_wav;
using test::test_model;

httplib::Result post_file(httplib::Client& c, const std::string& path,
                          const std::vector<std::uint8_t>& bytes, const std::string& name) {
  httplib::MultipartFormDataItems items = {{"file", as_string(bytes), name, "audio/wav"}};
  return c.Post(path.c_str(), items);
}

json body_json(const httplib::Result& r) { return json::parse(r->body); }

void expect_json_error(const httplib::Result& r, int status, const std::string& words) {
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const json j = body_json(r);
  ASSERT_TRUE(j.contains("error")) << r->body;
  EXPECT_EQ(j["status"], status);
  EXPECT_NE(j["error"].get<std::string>().find(words), std::string::npos) << j["error"];
}

TEST(Server, HealthAndModel) {
  Served s;
  auto c = s.client();
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const json h = body_json(health);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["model"], "test-random-cnn");
  EXPECT_EQ(h["jobs"]["max_running"], 2);
  EXPECT_EQ(h["limits"]["max_upload_bytes"], ServerOptions{}.max_upload_bytes);

  auto model = c.Get("/api/model");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->status, 200);
  const json m = body_json(model);
  EXPECT_EQ(m["name"], "test-random-cnn");
  EXPECT_EQ(m["labels"].get<std::vector<std::string>>(), kLabels);
}

TEST(Server, ServesTheEmbeddedPage) {
  Served s;
  auto c = s.client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<title>genrec"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  for (const char* asset : {"/app.js", "/app.css", "/favicon.svg", "/index.html"}) {
    auto r = c.Get(asset);
    ASSERT_TRUE(r) << asset;
    EXPECT_EQ(r->status, 200) << asset;
    EXPECT_GT(r->body.size(), 100u) << asset;
  }
  EXPECT_EQ(c.Get("/app.js")->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  // No reference to anything off this server: no scheme-qualified URLs in the page's files.
  for (const char* asset : {"/", "/app.js", "/app.css"}) {
    const std::string body = c.Get(asset)->body;
    EXPECT_EQ(body.find("https://"), std::string::npos) << asset;
    EXPECT_EQ(body.find("src=\"//"), std::string::npos) << asset;
  }
  expect_json_error(c.Get("/nothing.txt"), 404, "Nothing here");
  expect_json_error(c.Get("/api/nothing"), 404, "Nothing here");
}

TEST(Server, PredictMultipartGivesSpecJson) {
  Served s;
  auto c = s.client();
  std::string name;
  const std::vector<std::uint8_t> song = song_bytes(name);
  auto r = post_file(c, "/api/predict", song, name);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = body_json(r);
  EXPECT_EQ(j["file"], name);
  EXPECT_GT(j["duration_s"].get<double>(), 9.0);
  const std::string genre = j["genre"];
  EXPECT_NE(std::find(kLabels.begin(), kLabels.end(), genre), kLabels.end());
  ASSERT_EQ(j["top"].size(), kLabels.size());  // the page draws every bar
  EXPECT_EQ(j["top"][0]["genre"], genre);
  EXPECT_EQ(j["top"][0]["p"], j["confidence"]);
  double sum = 0;
  for (const json& t : j["top"]) sum += t["p"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-3);
  ASSERT_FALSE(j["segments"].empty());
  for (const json& seg : j["segments"]) {
    EXPECT_NEAR(seg["end_s"].get<double>() - seg["start_s"].get<double>(), 3.0, 1e-6);
    EXPECT_EQ(seg["top"].size(), 3u);
    EXPECT_EQ(seg["top"][0]["genre"], seg["genre"]);
  }
  EXPECT_FALSE(j.contains("spectrogram"));
  EXPECT_FALSE(r->get_header_value("Server-Timing").empty());
}

TEST(Server, PredictRawBodyMatchesTheLibrarysJson) {
  Served s;
  auto c = s.client();
  std::string name;
  const std::vector<std::uint8_t> song = song_bytes(name);
  auto r = c.Post(("/api/predict?top_k=3&segments=1&name=" + name).c_str(), as_string(song),
                  "application/octet-stream");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = body_json(r);
  // What `genrec predict --format json --top-k 3 --segments` prints for the same bytes: the
  // same serializer, so the same fields (segments' "top" included).
  PredictFormatOptions format;
  format.top_k = 3;
  format.with_segments = true;
  const json expected = prediction_json(predict_bytes(test_model(), song, name), kLabels, format);
  EXPECT_EQ(j, expected);

  auto no_segments = c.Post("/api/predict?segments=0", as_string(song), "audio/wav");
  ASSERT_TRUE(no_segments);
  EXPECT_FALSE(body_json(no_segments).contains("segments"));
  EXPECT_EQ(body_json(no_segments)["file"], "upload");
}

TEST(Server, SpectrogramForThePage) {
  Served s;
  auto c = s.client();
  const std::vector<std::uint8_t> song = synthetic_wav(7.0);
  auto r = post_file(c, "/api/predict?spectrogram=1", song, "seven.wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  const json spec = body_json(r)["spectrogram"];
  EXPECT_EQ(spec["png_base64"].get<std::string>().rfind("iVBORw0KGgo", 0), 0u);  // PNG magic
  EXPECT_NEAR(spec["seconds"].get<double>(), 7.0, 0.01);
  EXPECT_EQ(spec["height"], 128);
  EXPECT_EQ(spec["width"], 1 + 7 * 22050 / 512);
  EXPECT_EQ(spec["fmax_hz"], 11025.0);

  auto png = post_file(c, "/api/spectrogram", song, "seven.wav");
  ASSERT_TRUE(png);
  EXPECT_EQ(png->status, 200);
  EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(png->body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// The page plays what the browser cannot (AU, for one) as a WAV the server decodes.
TEST(Server, AudioEndpointTurnsAnAuFileIntoPlayableWav) {
  Served s;
  auto c = s.client();
  const std::string dir = test::scratch_dir("server_audio");
  write_audio(dir + "/song.au", test::tone(440, 2.0, 44100), 44100);
  std::ifstream f(dir + "/song.au", std::ios::binary);
  const std::string au((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::vector<std::uint8_t> bytes(au.begin(), au.end());
  auto r = post_file(c, "/api/audio", bytes, "song.au");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  EXPECT_EQ(r->get_header_value("Content-Type"), "audio/wav");
  EXPECT_EQ(r->body.substr(0, 4), "RIFF");
  const std::vector<float> wav = load_audio_memory(
      std::vector<std::uint8_t>(r->body.begin(), r->body.end()), "reply.wav", 22050);
  const std::vector<float> direct = load_audio(dir + "/song.au", 22050);
  ASSERT_EQ(wav.size(), direct.size());
  for (std::size_t i = 0; i < wav.size(); i += 97) ASSERT_NEAR(wav[i], direct[i], 1.5 / 32768);
  expect_json_error(post_file(c, "/api/audio", {'x', 'y'}, "notes.txt"), 415, "not an audio file");
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("media-src 'self' blob:"),
            std::string::npos);
}

TEST(Server, LongSongsGetAPageSizedSpectrogram) {
  Served s;
  auto c = s.client();
  auto r = c.Post("/api/spectrogram", as_string(synthetic_wav(60.0, 8000)), "audio/wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // 60 s is 2584 frames at 22050 Hz: averaged down to the 1600-pixel cap.
  const auto* p = reinterpret_cast<const unsigned char*>(r->body.data());
  const int width = (p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19];
  EXPECT_EQ(width, 1600);
}

TEST(Server, OddFileNamesAreKeptReadable) {
  Served s;
  auto c = s.client();
  const std::vector<std::uint8_t> song = synthetic_wav(3.0);
  auto r = post_file(c, "/api/predict", song, "dir/sub/caf\xe9 \x01song.wav");  // Latin-1 byte
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // The stray byte is escaped as in `genrec predict`'s JSON; no path, no control character.
  EXPECT_EQ(body_json(r)["file"], "caf\\xe9 song.wav");
}

TEST(Server, EmptyUploadsAre400) {
  Served s;
  auto c = s.client();
  expect_json_error(c.Post("/api/predict", "", "application/octet-stream"), 400, "empty");
  expect_json_error(post_file(c, "/api/predict", {}, "nothing.wav"), 400, "empty");
  httplib::MultipartFormDataItems no_file = {{"song", "abc", "a.wav", "audio/wav"}};
  expect_json_error(c.Post("/api/predict", no_file), 400, "\"file\" field");
  expect_json_error(c.Post("/api/spectrogram", "", "application/octet-stream"), 400, "empty");
}

TEST(Server, SilenceIsAnsweredWithAWarning) {
  Served s;
  auto c = s.client();
  auto r = post_file(c, "/api/predict", encode_wav(std::vector<float>(22050 * 4, 0.0f), 22050),
                     "silence.wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = body_json(r);
  ASSERT_TRUE(j.contains("warning")) << r->body;
  EXPECT_NE(j["warning"].get<std::string>().find("silence"), std::string::npos);
  auto music = post_file(c, "/api/predict", synthetic_wav(3.0), "music.wav");
  ASSERT_TRUE(music);
  EXPECT_FALSE(body_json(music).contains("warning")) << music->body;
}

TEST(Server, WrongMethodsAre405WithAllow) {
  Served s;
  auto c = s.client();
  auto del = c.Delete("/api/predict");
  expect_json_error(del, 405, "Method not allowed");
  EXPECT_EQ(del->get_header_value("Allow"), "POST");
  auto get = c.Get("/api/spectrogram");
  expect_json_error(get, 405, "GET /api/spectrogram");
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  auto post = c.Post("/api/health", "", "text/plain");
  expect_json_error(post, 405, "allowed: GET, HEAD");
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  expect_json_error(c.Put("/", "", "text/plain"), 405, "PUT /");
  auto none = c.Delete("/no/such/thing");
  expect_json_error(none, 404, "Nothing here");
  EXPECT_FALSE(none->has_header("Allow"));
}

TEST(Server, ClientTextCannotForgeALogLine) {
  std::mutex mu;
  std::vector<std::string> logged;
  ServerOptions o;
  o.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    logged.push_back(line);
  };
  {
    Served s(o);
    auto c = s.client();
    auto r = c.Get("/x%0a127.0.0.1%20GET%20/admin%20200%1b[2J");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
  }
  std::lock_guard<std::mutex> lock(mu);
  bool found = false;
  for (const std::string& l : logged) {
    EXPECT_EQ(l.find_first_of("\n\x1b"), std::string::npos) << l;
    found = found || l.find("/x\\n127.0.0.1 GET /admin 200\\x1b[2J 404") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST(Server, OversizedUploadsAre413) {
  ServerOptions o;
  o.max_upload_bytes = 100 * 1024;
  Served s(o);
  auto c = s.client();
  const std::vector<std::uint8_t> song = synthetic_wav(10.0);  // 441 kB
  // Content-Length beyond the limit: refused by httplib before any handler runs.
  expect_json_error(c.Post("/api/predict", as_string(song), "audio/wav"), 413, "too large");
  SCOPED_TRACE("within the slack");
  // Within httplib's multipart slack but over the file limit: refused while reading.
  const std::string just_over(o.max_upload_bytes + 10, 'x');
  expect_json_error(c.Post("/api/predict", just_over, "audio/wav"), 413, "too large");
  expect_json_error(post_file(c, "/api/predict", std::vector<std::uint8_t>(120 * 1024, 1), "a.wav"),
                    413, "too large");
  SCOPED_TRACE("chunked");
  // Chunked, without a Content-Length.
  const std::string big(300 * 1024, 'y');
  auto chunked = c.Post(
      "/api/predict",
      [&](std::size_t offset, httplib::DataSink& sink) {
        const std::size_t n = std::min<std::size_t>(16 * 1024, big.size() - offset);
        sink.write(big.data() + offset, n);
        if (offset + n == big.size()) sink.done();
        return true;
      },
      "audio/wav");
  expect_json_error(chunked, 413, "too large");
  // The server is fine afterwards.
  auto health = s.client().Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// The limit is on the file's bytes: exactly the limit is analysed, one byte more is 413, for a
// raw body and for a multipart file part alike.
TEST(Server, UploadsAtTheLimitAreAcceptedAndOneByteMoreIs413) {
  const std::vector<std::uint8_t> song = synthetic_wav(3.0);
  ServerOptions o;
  o.max_upload_bytes = song.size();
  Served s(o);
  auto c = s.client();
  auto at_limit = c.Post("/api/predict", as_string(song), "audio/wav");
  ASSERT_TRUE(at_limit) << httplib::to_string(at_limit.error());
  EXPECT_EQ(at_limit->status, 200) << at_limit->body;
  auto part_at_limit = post_file(c, "/api/predict", song, "limit.wav");
  ASSERT_TRUE(part_at_limit) << httplib::to_string(part_at_limit.error());
  EXPECT_EQ(part_at_limit->status, 200) << part_at_limit->body;

  std::vector<std::uint8_t> one_more = song;
  one_more.push_back(0);
  expect_json_error(c.Post("/api/predict", as_string(one_more), "audio/wav"), 413, "too large");
  expect_json_error(post_file(c, "/api/predict", one_more, "over.wav"), 413, "too large");
}

// SPEC: the upload is the form's `file` field. A form with two of them is refused with 400
// rather than answered for one file while the user sent two; other fields are ignored.
TEST(Server, FormsWithTwoFilePartsAre400) {
  Served s;
  auto c = s.client();
  const std::vector<std::uint8_t> song = synthetic_wav(3.0);
  const std::string text = "These are my notes, not a song.\n";
  httplib::MultipartFormDataItems two = {{"file", as_string(song), "a.wav", "audio/wav"},
                                         {"file", text, "notes.txt", "text/plain"}};
  expect_json_error(c.Post("/api/predict", two), 400, "one \"file\" field");
  httplib::MultipartFormDataItems swapped = {two[1], two[0]};
  expect_json_error(c.Post("/api/predict", swapped), 400, "one \"file\" field");
  expect_json_error(c.Post("/api/spectrogram", two), 400, "one \"file\" field");
  // A file beside other fields is analysed.
  httplib::MultipartFormDataItems with_field = {{"comment", "hello", "", ""},
                                                {"file", as_string(song), "a.wav", "audio/wav"}};
  auto r = c.Post("/api/predict", with_field);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_json(r)["file"], "a.wav");
}

TEST(Server, NotAudioIs415) {
  Served s;
  auto c = s.client();
  const std::string text = "These are my notes, not a song.\n";
  auto r = post_file(c, "/api/predict", {text.begin(), text.end()}, "notes.txt");
  expect_json_error(r, 415, "not an audio file");
  EXPECT_EQ(body_json(r)["file"], "notes.txt");
  EXPECT_NE(body_json(r)["detail"].get<std::string>().find("not an audio file"), std::string::npos);
  std::vector<std::uint8_t> png_header = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
  expect_json_error(c.Post("/api/predict", as_string(png_header), "image/png"), 415,
                    "not an audio file");
  expect_json_error(c.Post("/api/spectrogram", text, "text/plain"), 415, "not an audio file");
}

TEST(Server, UnusableAudioIs422) {
  Served s;
  auto c = s.client();
  // A valid WAV whose rate is outside what we accept.
  const std::vector<std::uint8_t> slow = encode_wav(test::tone(100, 2.0, 500), 500);
  auto r = post_file(c, "/api/predict", slow, "slow.wav");
  expect_json_error(r, 422, "cannot be used");
  EXPECT_NE(body_json(r)["error"].get<std::string>().find("sample rate"), std::string::npos);
  // A float WAV carrying NaN samples.
  std::vector<float> x = test::tone(440, 4.0);
  x[30000] = std::numeric_limits<float>::quiet_NaN();
  expect_json_error(
      post_file(c, "/api/predict", encode_wav(x, 22050, 1, WavEncoding::kFloat32), "nan.wav"), 422,
      "non-finite");
  // A valid WAV header with no samples: audio genrec reads, but nothing to judge.
  std::vector<std::uint8_t> header_only = encode_wav({}, 22050);
  auto empty_wav = post_file(c, "/api/predict", header_only, "silence.wav");
  expect_json_error(empty_wav, 422, "cannot be used");
  EXPECT_EQ(body_json(empty_wav)["file"], "silence.wav");
}

TEST(Server, BusyServerAnswers503WithRetryAfter) {
  ServerOptions o;
  o.max_jobs = 1;
  o.max_queue = 0;
  o.retry_after_s = 3;
  Served s(o);
  auto c = s.client();
  const std::vector<std::uint8_t> song = synthetic_wav(4.0);
  {
    auto held = s.server().jobs().acquire();  // a long job holds the only slot
    ASSERT_TRUE(held);
    auto r = post_file(c, "/api/predict", song, "a.wav");
    expect_json_error(r, 503, "busy");
    EXPECT_EQ(r->get_header_value("Retry-After"), "3");
    auto health = c.Get("/api/health");  // cheap endpoints still answer
    ASSERT_TRUE(health);
    EXPECT_EQ(body_json(health)["jobs"]["running"], 1);
  }
  auto r = post_file(c, "/api/predict", song, "a.wav");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Server, RequestsWaitForASlotWithinTheQueueLimit) {
  ServerOptions o;
  o.max_jobs = 1;
  o.max_queue = 1;
  o.queue_wait_s = 30;
  Served s(o);
  const std::vector<std::uint8_t> song = synthetic_wav(4.0);
  std::optional<JobLimiter::Slot> held = s.server().jobs().acquire();
  auto waiting = std::async(std::launch::async, [&] {
    auto c = s.client();
    return post_file(c, "/api/predict", song, "queued.wav");
  });
  for (int i = 0; i < 400 && s.server().jobs().waiting() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(s.server().jobs().waiting(), 1);
  // The queue is full: the next one is turned away at once.
  auto c = s.client();
  expect_json_error(post_file(c, "/api/predict", song, "b.wav"), 503, "busy");
  held.reset();
  auto r = waiting.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body_json(r)["file"], "queued.wav");
}

TEST(Server, ConcurrentClientsShareOneModel) {
  ServerOptions o;
  o.max_jobs = 2;
  o.max_queue = 16;
  Served s(o);
  const std::vector<std::uint8_t> song = synthetic_wav(6.0);
  auto first = s.client().Post("/api/predict", as_string(song), "audio/wav");
  ASSERT_TRUE(first);
  const json expected = body_json(first);
  std::vector<std::future<json>> replies;
  for (int i = 0; i < 6; ++i)
    replies.push_back(std::async(std::launch::async, [&] {
      auto c = s.client();
      json all = json::array();
      for (int k = 0; k < 2; ++k) {
        auto r = c.Post("/api/predict", as_string(song), "audio/wav");
        all.push_back(r ? json{{"status", r->status}, {"body", json::parse(r->body)}}
                        : json{{"status", -1}});
      }
      return all;
    }));
  for (auto& f : replies)
    for (const json& r : f.get()) {
      EXPECT_EQ(r["status"], 200);
      EXPECT_EQ(r["body"], expected);
    }
  EXPECT_EQ(s.server().jobs().running(), 0);
}

TEST(Server, StopReturnsWithAnIdleKeepAliveClient) {
  auto served = std::make_unique<Served>();
  auto c = served->client();
  c.set_keep_alive(true);
  ASSERT_TRUE(c.Get("/api/health"));
  // Stopping returns although the client keeps its connection open (a stop that waited for
  // the client would hang here, and fail at CTest's timeout; how long it takes is not asserted).
  served.reset();
  // The server is gone, and the kept-alive connection with it.
  auto after = c.Get("/api/health");
  EXPECT_FALSE(after) << after->status;
}

TEST(Server, BindingAUsedPortFailsClearly) {
  Served s;
  ServerOptions o;
  o.port = s.port();
  WebServer second(test_model(), o);
  try {
    second.bind();
    FAIL() << "bound a port in use";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(s.port())),
              std::string::npos);
  }
}

// `genrec serve` as a process: it logs its port, answers, and exits 0 on SIGINT and SIGTERM.
class ServeProcess : public ::testing::TestWithParam<int> {};

TEST_P(ServeProcess, ExitsCleanlyOnSignal) {
  const std::string exe = std::string(GENREC_BINARY_DIR) + "/bin/genrec";
  if (!std::filesystem::exists(exe)) GTEST_SKIP() << exe << " is not built";
  const std::string dir = test::scratch_dir("serve_signal_" + std::to_string(GetParam()));
  const std::string model_path = dir + "/random.genrec";
  test_model().save(model_path);

  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  std::vector<std::string> args = {exe, "serve", "--model", model_path, "--port", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(err_pipe[1]);

  // Read stderr until the "listening on http://127.0.0.1:PORT/" line (at most 60 s).
  std::string log;
  int port = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buf[4096];
  while (port == 0 && std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(err_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    log.append(buf, static_cast<std::size_t>(n));
    const std::size_t at = log.find("listening on http://127.0.0.1:");
    if (at != std::string::npos && log.find('/', at + 30) != std::string::npos)
      port = std::stoi(log.substr(at + 30));
  }
  ASSERT_GT(port, 0) << log;
  httplib::Client c("127.0.0.1", port);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  ASSERT_EQ(kill(pid, GetParam()), 0);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 1000 && done == 0; ++i) {
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) kill(pid, SIGKILL);
  ASSERT_EQ(done, pid) << "genrec serve did not exit within 10 s of the signal";
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  while (true) {
    const ssize_t n = read(err_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    log.append(buf, static_cast<std::size_t>(n));
  }
  close(err_pipe[0]);
  EXPECT_NE(log.find("GET /api/health 200"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped on signal " + std::to_string(GetParam())), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeProcess, ::testing::Values(SIGINT, SIGTERM));

}  // namespace
}  // namespace genrec
