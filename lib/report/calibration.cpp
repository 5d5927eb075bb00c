#include "report/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace genrec {

void apply_temperature(std::vector<float>& p, double temperature) {
  if (temperature == 1.0 || p.empty()) return;
  // In log space, shifted by the largest value: p^(1/T) underflows for small T otherwise.
  const double inv = 1.0 / temperature;
  std::vector<double> l(p.size());
  for (std::size_t k = 0; k < p.size(); ++k)
    l[k] = inv * std::log(std::max(static_cast<double>(p[k]), 1e-30));
  const double top = *std::max_element(l.begin(), l.end());
  double sum = 0;
  for (double& v : l) sum += (v = std::exp(v - top));
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = static_cast<float>(l[k] / sum);
}

void temper_song(std::vector<float>& song_probs, std::size_t n_segments, double song_temperature) {
  if (n_segments > 1) apply_temperature(song_probs, song_temperature);
}

std::vector<float> song_probabilities(const ScoredSong& song, double temperature,
                                      double song_temperature) {
  std::vector<float> mean;
  for (const std::vector<float>& s : song.segments) {
    std::vector<float> t = s;
    apply_temperature(t, temperature);
    if (mean.empty()) mean.assign(t.size(), 0.0f);
    for (std::size_t k = 0; k < t.size(); ++k) mean[k] += t[k];
  }
  for (float& v : mean) v /= static_cast<float>(song.segments.size());
  temper_song(mean, song.segments.size(), song_temperature);
  return mean;
}

void top_answers(const std::vector<ScoredSong>& songs, double temperature,
                 std::vector<double>& confidence, std::vector<bool>& correct,
                 double song_temperature) {
  for (const ScoredSong& s : songs) {
    const std::vector<float> p = song_probabilities(s, temperature, song_temperature);
    const auto top = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
    confidence.push_back(p[top]);
    correct.push_back(static_cast<int>(top) == s.truth);
  }
}

double mean_nll(const std::vector<ScoredSong>& songs, double temperature) {
  if (songs.empty()) return 0;
  double total = 0;
  for (const ScoredSong& s : songs) {
    const std::vector<float> p = song_probabilities(s, temperature);
    total -=
        std::log(std::max(static_cast<double>(p.at(static_cast<std::size_t>(s.truth))), 1e-12));
  }
  return total / static_cast<double>(songs.size());
}

double fit_temperature(const std::vector<ScoredSong>& songs) {
  if (songs.empty()) return 1.0;
  // Golden-section search over u = log T; the NLL is unimodal in T for one softmax and close
  // to it for a mean of softmaxes.
  double a = std::log(0.05), b = std::log(20.0);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = mean_nll(songs, std::exp(c)), fd = mean_nll(songs, std::exp(d));
  while (b - a > 1e-4) {
    if (fc <= fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a);
      fc = mean_nll(songs, std::exp(c));
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a);
      fd = mean_nll(songs, std::exp(d));
    }
  }
  return std::exp((a + b) / 2);
}

std::vector<CalibrationBin> calibration_bins(const std::vector<double>& confidence,
                                             const std::vector<bool>& correct, int bins) {
  std::vector<CalibrationBin> out(static_cast<std::size_t>(std::max(1, bins)));
  const double width = 1.0 / static_cast<double>(out.size());
  for (std::size_t b = 0; b < out.size(); ++b) {
    out[b].lo = width * static_cast<double>(b);
    out[b].hi = width * static_cast<double>(b + 1);
  }
  std::vector<double> right(out.size(), 0.0);
  for (std::size_t i = 0; i < confidence.size(); ++i) {
    const double c = std::clamp(confidence[i], 0.0, 1.0);
    const std::size_t b = std::min(out.size() - 1, static_cast<std::size_t>(c / width));
    ++out[b].count;
    out[b].confidence += c;
    right[b] += correct.at(i) ? 1.0 : 0.0;
  }
  for (std::size_t b = 0; b < out.size(); ++b)
    if (out[b].count > 0) {
      out[b].confidence /= static_cast<double>(out[b].count);
      out[b].accuracy = right[b] / static_cast<double>(out[b].count);
    }
  return out;
}

double expected_calibration_error(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct, int bins) {
  if (confidence.empty()) return 0;
  double ece = 0;
  for (const CalibrationBin& b : calibration_bins(confidence, correct, bins))
    ece += static_cast<double>(b.count) * std::abs(b.accuracy - b.confidence);
  return ece / static_cast<double>(confidence.size());
}

double choose_uncertain_threshold(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct) {
  std::vector<std::pair<double, bool>> a;
  for (std::size_t i = 0; i < confidence.size(); ++i) a.emplace_back(confidence[i], correct.at(i));
  std::sort(a.begin(), a.end());
  // At t = 0 every answer is "certain": the score is the number of right answers. Moving t
  // past each answer (in confidence order) turns it uncertain: +1 if wrong, -1 if right.
  long score = 0, best = 0;
  for (const auto& x : a) score += x.second ? 1 : 0;
  best = score;
  double threshold = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    score += a[i].second ? -1 : 1;
    // Only between distinct confidences: t just above a[i] (the next answer's value).
    const double next = i + 1 < a.size() ? a[i + 1].first : 1.0 + 1e-9;
    if (next > a[i].first && score > best) {
      best = score;
      threshold = i + 1 < a.size() ? (a[i].first + next) / 2 : 1.0;
    }
  }
  return threshold;
}

}  // namespace genrec
