import { defineSpec } from '../types.ts';

const mean = (label: string, d: number) => ({ kind: 'number' as const, label, min: -4, max: 4, step: 0.05, default: d });
const std = (label: string, d: number) => ({ kind: 'number' as const, label, min: 0.1, max: 3, step: 0.01, default: d, log: true });
const shape = (label: string, d: 'gaussian' | 'mixture') => ({
  kind: 'enum' as const, label, options: ['gaussian', 'mixture'] as const, optionLabels: ['One Gaussian', 'Two-component mixture'] as const, default: d,
});

/** The optimal discriminator D* = p_data / (p_data + p_g) for two adjustable 1-D densities. */
export const ganOptimalDSpec = defineSpec({
  name: 'gan-optimal-d',
  title: 'The optimal discriminator in 1-D',
  description: 'Two adjustable 1-D densities (a Gaussian or a two-component mixture each), the optimal discriminator D*(x) = p_data/(p_data + p_g), and V(D*, G) by numerical integration beside −log 4 + 2·JSD(p_data ‖ p_g), computed separately.',
  chapter: 'gan',
  height: 1030,
  heightNarrow: 1990,
  params: {
    dataShape: shape('p_data', 'mixture'),
    dataMean: mean('p_data: mean μ₁', -1.5),
    dataStd: std('p_data: std σ₁', 0.5),
    dataMean2: mean('p_data: mean μ₂', 1.5),
    dataStd2: std('p_data: std σ₂', 0.5),
    dataWeight: { kind: 'number', label: 'p_data: weight of component 1', min: 0, max: 1, step: 0.01, default: 0.5 },
    genShape: shape('p_g', 'gaussian'),
    genMean: mean('p_g: mean μ₁', 0),
    genStd: std('p_g: std σ₁', 1),
    genMean2: mean('p_g: mean μ₂', 1.5),
    genStd2: std('p_g: std σ₂', 0.5),
    genWeight: { kind: 'number', label: 'p_g: weight of component 1', min: 0, max: 1, step: 0.01, default: 0.5 },
  },
  examples: [
    { name: 'bimodal', title: 'One Gaussian against two modes', description: 'p_g sits between the two modes of p_data: D* is high on the modes and low between them.', params: {} },
    { name: 'equal', title: 'p_g = p_data', description: 'D* = ½ everywhere and V(D*, G) = −log 4 ≈ −1.386: the minimum.', params: { genShape: 'mixture', genMean: -1.5, genStd: 0.5, genMean2: 1.5, genStd2: 0.5, genWeight: 0.5 } },
    { name: 'disjoint', title: 'Nearly disjoint supports', description: 'Far-apart narrow Gaussians: JSD ≈ log 2 and V ≈ 0, and D* is a step from 1 to 0.', params: { dataShape: 'gaussian', dataMean: -2.5, dataStd: 0.2, genMean: 2.5, genStd: 0.2 } },
    { name: 'one-mode', title: 'A generator on one mode', description: 'p_g covers one of the two modes: D* = ½ there and 1 on the missed mode.', params: { genMean: 1.5, genStd: 0.5 } },
  ],
});
