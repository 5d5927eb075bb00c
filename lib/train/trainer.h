#pragma once
// `genrec train`: dataset -> song split -> feature cache -> CNN trained with AdamW, warm-up +
// cosine learning rate, label smoothing, SpecAugment masks, random window offsets and an
// exponential moving average of the weights; validation at song level every epoch, best model
// kept, early stopping, atomic checkpoints for --resume, and a final test-part report.
// Part of libgenrec_train (LibTorch); the executable reaches it through train_library.h.
#include "model/train_request.h"

namespace genrec {

// Runs training as described above. Throws genrec::Error for bad data, config or checkpoint.
TrainResult train_model(const TrainRequest& request, const TrainCallbacks& callbacks = {});

}  // namespace genrec
