import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Mlp } from '../../src/core/models/mlp';
import { dense, mlpForward } from '../../src/core/vae/model';
import { standardNormalDraws } from '../../src/core/vae/reparam';

/** Float32 agreement, element by element: |a − b| ≤ tol·(1 + |b|). */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

describe('dense layers with hand-written gradients', () => {
  it('dense(x, W, b) and its gradients equal x·W + b and autodiff (with and without the input gradient)', () => {
    const x = tf.tensor2d(standardNormalDraws(5 * 4, 1), [5, 4]);
    const w = tf.tensor2d(standardNormalDraws(4 * 3, 2), [4, 3]);
    const b = tf.tensor1d(standardNormalDraws(3, 3));
    const weight = tf.tensor2d(standardNormalDraws(5 * 3, 4), [5, 3]);
    // A loss that is not linear in the output, so dy differs from row to row.
    const loss = (out: tf.Tensor) => tf.sum(tf.mul(tf.tanh(out), weight)) as tf.Scalar;
    const plain = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => loss(tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi)))([x, w, b]);
    const fast = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => loss(dense(xi as tf.Tensor2D, wi, bi)))([x, w, b]);
    expectClose(dense(x, w, b).dataSync(), tf.add(tf.matMul(x, w), b).dataSync());
    plain.forEach((g, i) => expectClose(fast[i].dataSync(), g.dataSync()));
    const noInput = tf.grads((wi: tf.Tensor, bi: tf.Tensor) => loss(dense(x, wi, bi, false)))([w, b]);
    expectClose(noInput[0].dataSync(), plain[1].dataSync());
    expectClose(noInput[1].dataSync(), plain[2].dataSync());
    tf.dispose([x, w, b, weight, ...plain, ...fast, ...noInput]);
  });

  it('mlpForward matches Mlp.apply in value and in every variable gradient, and leaves no tensors behind', () => {
    const mlp = new Mlp({ sizes: [6, 8, 5, 3], activation: 'relu', seed: 4, name: 'dense_test' });
    const x = tf.tensor2d(standardNormalDraws(7 * 6, 5), [7, 6]);
    const target = tf.tensor2d(standardNormalDraws(7 * 3, 6), [7, 3]);
    const before = tf.memory().numTensors;
    const lossOf = (f: (x: tf.Tensor2D) => tf.Tensor2D) => () => tf.sum(tf.squaredDifference(f(x), target)) as tf.Scalar;
    const a = tf.variableGrads(lossOf((xi) => mlp.apply(xi)), mlp.variables);
    const b = tf.variableGrads(lossOf((xi) => mlpForward(mlp, xi, false)), mlp.variables);
    expectClose([b.value.dataSync()[0]], [a.value.dataSync()[0]]);
    for (const v of mlp.variables) expectClose(b.grads[v.name].dataSync(), a.grads[v.name].dataSync());
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, target]);
    mlp.dispose();
  });
});
