#pragma once
// Exponential moving average of a model's weights (Polyak averaging): the averaged copy is
// what validation and the saved model use, which smooths out the epoch-to-epoch swings of
// training on few songs.
#include "train/cnn.h"

namespace genrec {

class WeightAverage {
 public:
  // `average` starts as a copy of `model` (same architecture).
  WeightAverage(GenreCnn average, double decay);
  // After optimizer step `step` (0-based): average = d*average + (1-d)*model with the warm-up
  // d = min(decay, (1+step)/(10+step)); batch-norm running statistics are averaged too, other
  // buffers (normalisation, counters) copied. decay 0: plain copy.
  void update(const GenreCnn& model, std::int64_t step);
  GenreCnn& average() { return average_; }

 private:
  GenreCnn average_;
  double decay_;
};

}  // namespace genrec
