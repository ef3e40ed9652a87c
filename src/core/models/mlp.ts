/**
 * A small multilayer perceptron built from raw tf.Variables: the least overhead per step, which
 * matters for 2-D toy models whose cost is dominated by per-op dispatch, not arithmetic.
 * Weights are initialised with seeded Glorot-uniform draws, so a seed reproduces them.
 */
import { tf, type Tensor2D, type Variable } from '../tf';
import { childSeed } from '../random';

export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'elu' | 'linear' | 'swish';

export interface MlpOptions {
  /** Layer widths including input and output, e.g. [2, 64, 64, 2]. */
  sizes: readonly number[];
  /** Activation between hidden layers. */
  activation: Activation;
  /** Seed for the weight initialisation. */
  seed: number;
  /** Prefix for variable names (unique per model helps debugging). */
  name?: string;
}

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu': return tf.relu(x);
    case 'leakyRelu': return tf.leakyRelu(x, 0.2);
    case 'tanh': return tf.tanh(x);
    case 'elu': return tf.elu(x);
    case 'swish': return tf.mul(x, tf.sigmoid(x));
    case 'linear': return x;
  }
}

export class Mlp {
  readonly weights: Variable[] = [];
  readonly biases: Variable[] = [];
  readonly options: MlpOptions;

  constructor(options: MlpOptions) {
    this.options = options;
    const { sizes, seed, name = 'mlp' } = options;
    if (sizes.length < 2) throw new Error('An MLP needs at least an input and an output size.');
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l], fanOut = sizes[l + 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      this.weights.push(ownedVariable(
        tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', childSeed(seed, `${name}/w${l}`)),
        `${name}_w${l}_${uid()}`));
      this.biases.push(ownedVariable(tf.zeros([fanOut]), `${name}_b${l}_${uid()}`));
    }
  }

  /** Forward pass: x [batch, sizes[0]] → [batch, sizes.at(-1)]; the last layer is linear. */
  apply(x: Tensor2D): Tensor2D {
    let h: tf.Tensor = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      h = tf.add(tf.matMul(h as Tensor2D, this.weights[l]), this.biases[l]);
      if (l < last) h = activate(h, this.options.activation);
    }
    return h as Tensor2D;
  }

  /** All trainable variables, for optimisers. */
  get variables(): Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Number of scalar parameters. */
  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /** Copy every weight from another MLP of the same shape (for compare mode: same initial weights). */
  copyFrom(other: Mlp): void {
    const mine = this.variables, theirs = other.variables;
    if (mine.length !== theirs.length) throw new Error('MLP shapes differ.');
    mine.forEach((v, i) => v.assign(theirs[i]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.weights.length = 0;
    this.biases.length = 0;
  }
}

/** Make a variable from an initial value and free the initial value (the variable copies it). */
function ownedVariable(init: tf.Tensor, name: string): Variable {
  const v = tf.variable(init, true, name);
  init.dispose();
  return v;
}

// tfjs requires globally unique variable names; a counter keeps two models apart.
let counter = 0;
function uid(): number {
  return ++counter;
}
