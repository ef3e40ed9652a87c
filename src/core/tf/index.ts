/**
 * The one place the notebook imports TensorFlow.js from.
 *
 * The full `@tensorflow/tfjs` package is used (tfjs-core alone registers no gradients or chained
 * ops). Nothing in the initial bundle may import this module: it is reached only through
 * lazily-loaded widget components and core modules, so tfjs loads with the first widget that
 * needs it.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable } from '@tensorflow/tfjs';
