// Float matrix types shared by the engine: weights are out x in and row-major (each neuron's
// incoming weights contiguous, as the lesson writes w_i_h); batches hold one sample per column.
#pragma once

#include <Eigen/Core>

namespace nnlab::engine {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>; // weights
using Batch = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;  // nodes x samples
using Vector = Eigen::VectorXf;

} // namespace nnlab::engine
