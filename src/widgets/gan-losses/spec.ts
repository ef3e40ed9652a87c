import { defineSpec } from '../types.ts';

/** The generator losses as functions of D(G(z)) or of the logit, with a marker that reads them out. */
export const ganLossesSpec = defineSpec({
  name: 'gan-losses',
  title: 'Saturating and non-saturating generator losses',
  description: 'The saturating loss log(1 − D), the non-saturating −log D and (optionally) the least-squares loss against D(G(z)) or the logit a, with their gradients with respect to a computed by tfjs autodiff and checked against −σ(a) and −(1 − σ(a)); a draggable marker reads out both losses and both gradients.',
  chapter: 'gan',
  height: 1220,
  heightNarrow: 1950,
  params: {
    axis: {
      kind: 'enum', label: 'x-axis', options: ['probability', 'logit'],
      optionLabels: ['D(G(z)), the probability', 'a, the discriminator’s logit'], default: 'probability',
    },
    a: {
      kind: 'number', label: 'Marker: logit a on a fake', min: -10, max: 10, step: 0.01, default: -3.89,
      help: 'D(G(z)) = σ(a). Drag the marker on either plot, or use this slider.',
    },
    ls: { kind: 'boolean', label: 'Show the least-squares loss ½(a − 1)²', default: false },
  },
  examples: [
    { name: 'rejected', title: 'A fake the discriminator rejects', description: 'D(G(z)) ≈ 0.02: the saturating gradient is about 49 times smaller than the non-saturating one.', params: { a: -3.89 } },
    { name: 'early', title: 'Early training', description: 'D(G(z)) ≈ 0.001: the saturating generator receives almost no gradient.', params: { a: -6.91 } },
    { name: 'boundary', title: 'On the decision boundary', description: 'D = ½: both gradients are −½.', params: { a: 0 } },
    { name: 'fooled', title: 'A fake that fools the discriminator', description: 'D ≈ 0.99: now the saturating gradient is the large one.', params: { a: 4.6 } },
    { name: 'logit', title: 'Against the logit, with least squares', description: 'On the logit axis the sigmoid’s flat tail is visible, and the least-squares loss keeps a gradient proportional to a − 1.', params: { axis: 'logit', ls: true, a: -3 } },
  ],
});
