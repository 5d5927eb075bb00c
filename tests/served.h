#pragma once
// What the server tests share: a small untrained model, a song to upload, and a WebServer on a
// free loopback port served from a background thread.
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audio/wav_writer.h"
#include "model/genre_model.h"
#include "model_util.h"
#include "server/server.h"
#include "test_util.h"

namespace genrec::test {

inline const std::vector<std::string> kLabels = {
    "blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"};

// One small untrained model shared by every test.
inline const GenreModel& test_model() {
  static const GenreModel model = [] {
    CnnConfig arch;
    arch.channels = {8, 16};
    return random_genre_model(arch, kLabels);
  }();
  return model;
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A 10 s synthetic song (tones over noise) as WAV bytes.
inline std::vector<std::uint8_t> synthetic_wav(double seconds = 10.0, int rate = 22050) {
  std::vector<float> x = noise(seconds, rate, /*seed=*/3, /*amp=*/0.05);
  const std::vector<float> a = tone(220.0, seconds, rate, 0.3);
  const std::vector<float> b = tone(660.0, seconds, rate, 0.2);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += a[i] + (i / rate % 2 ? b[i] : 0.0f);
  return encode_wav(x, rate);
}

// The real blues clip when ../shared is present, else the synthetic song.
inline std::vector<std::uint8_t> song_bytes(std::string& name) {
  const std::string shared = shared_data();
  if (!shared.empty()) {
    name = "blues.00000.wav";
    return read_bytes(shared + "/gtzan-mini/genres_original/blues/blues.00000.wav");
  }
  name = "synthetic.wav";
  return synthetic_wav();
}

inline std::string as_string(const std::vector<std::uint8_t>& b) { return {b.begin(), b.end()}; }

// A WebServer on a free loopback port, served from a background thread.
class Served {
 public:
  explicit Served(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<WebServer>(test_model(), options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    for (int i = 0; i < 200 && !server_->running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Served() {
    server_->stop();
    thread_.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120, 0);
    c.set_write_timeout(60, 0);
    return c;
  }
  WebServer& server() { return *server_; }
  int port() const { return port_; }

 private:
  std::unique_ptr<WebServer> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace genrec::test
