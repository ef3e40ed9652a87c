// Node tests run tfjs on its pure-JS cpu backend. PROD silences the "use tfjs-node" banner and
// switches off debug checks; leak tests compare tf.memory().numTensors themselves.
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
await tf.ready();
