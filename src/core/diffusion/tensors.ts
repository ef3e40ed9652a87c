/**
 * Small tensor helpers shared by the diffusion model and samplers.
 *
 * API
 * - `biasRows(rows): Tensor1D[]`: the rows of a [k, H] tensor as rank-1 fused-matmul biases.
 */
import { tf, type Tensor2D } from '../tf';

/**
 * The rows of a [k, H] tensor as k rank-1 tensors, usable as a fused matmul bias. tfjs-backend-wasm
 * 4.22 checks the rank of a bias from its storage, and `unstack` and `reshape` keep the storage
 * shape of the 2-D parent; slicing a flattened copy gives each row rank-1 storage on every backend.
 */
export function biasRows(rows: Tensor2D): tf.Tensor1D[] {
  return tf.split(tf.reshape(rows, [-1]), rows.shape[0]) as tf.Tensor1D[];
}
