#pragma once
// Train/valid/test splits by song, never by segment: a song's segments all land in one part.
//
// SPEC syntax (--split):
//   song:TRAIN/VALID/TEST   stratified by genre, seeded; e.g. "song:0.8/0.1/0.1" (the default,
//                           also meant by "song" or ""). Fractions >= 0, summing to 1. Per genre,
//                           n_valid = round(n*VALID), n_test = round(n*TEST) (halves up),
//                           train the rest, keeping at least one training song per genre.
//   lists:DIR               DIR holds train*.txt, valid*.txt, test*.txt (lines like
//                           "blues/blues.00000.wav"; '#' comments and blank lines ignored).
//                           Listed songs absent from the dataset are counted and ignored; songs
//                           in no list are left out.
//   fold:K/N                cross-validation fold K of N (0 <= K < N): see fold_split.
//   column                  the split the data carries (Song::split: a manifest's split column,
//                           FMA's set/split); songs without one are counted and left out.
// PART syntax (eval --split SPEC:PART): SPEC followed by ":train", ":valid", ":test" or ":all"
// (every song of the dataset), e.g. "song:0.8/0.1/0.1:test", "lists:DIR:test", "fold:2/5:test",
// "column:test". A missing PART means ":test"; a bare "all" means every song.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace genrec {

struct Split {
  std::vector<int> train, valid, test;  // indices into Dataset::songs, ascending
  std::size_t n_listed_missing = 0;     // lists:DIR only: listed songs absent from the dataset
  std::size_t n_unlisted = 0;           // lists:DIR and column: dataset songs in no part (left out)
};

// Builds the split described by spec (syntax above). Reproducible for a given seed on every
// platform (own RNG, no std::shuffle). Throws genrec::Error("split", spec, cause) for malformed
// specs, unreadable list files, or a song listed in two parts.
Split make_split(const Dataset& data, const std::string& spec, std::uint64_t seed);

// Cross-validation fold k of n, stratified by genre and by source folder (the folder above the
// genre folder, i.e. each --data dataset): within each (genre, source) the songs, in dataset
// order, are cut into n contiguous runs and fold k tests run k. Contiguous, not every n-th
// song: GTZAN numbers an artist's songs consecutively, so runs keep most of an artist's songs
// on one side (every n-th song would put the same artist in train and test). The partition
// does not depend on a seed, so every recipe is compared on the same folds. valid empty;
// train = the rest. Throws genrec::Error("split", ...) unless 0<=k<n, n>=2.
Split fold_split(const Dataset& data, int k, int n_folds);

// Throws genrec::Error("split", ...) if any song index appears in two parts (no-leakage invariant).
void check_disjoint(const Split& split);

// The song indices of one part: spec_with_part is "SPEC[:PART]" (syntax above).
std::vector<int> select_part(const Dataset& data, const std::string& spec_with_part,
                             std::uint64_t seed);

}  // namespace genrec
