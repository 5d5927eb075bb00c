#pragma once
// What names a feature cache's content: the front-end fields its numbers depend on, as text.
#include <string>

#include "audio/feature_config.h"

namespace genrec {

// A stable text form of the FeatureConfig fields that change the cached features (the
// whole-clip unfloored log-Mel of feature_cache.h); equal keys mean equal cached numbers for the
// same audio. Shard names hash it with the songs' identities, and each shard's header holds it.
// Every field is either in it or named in cache_key.cpp with the reason it is left out.
std::string cache_key(const FeatureConfig& config);

}  // namespace genrec
