/**
 * Widget components by name, each loaded on demand (tfjs and Plot come with them, never with the
 * page). Adding a widget: its spec goes in specs.ts, its component here, and
 * test/widgets/registry.test.ts checks that both lists agree.
 */
import type { ComponentType } from 'react';

export type WidgetComponent = ComponentType<object>;

export const widgetComponents: Readonly<Record<string, () => Promise<{ default: WidgetComponent }>>> = {
  'kde-bandwidth': () => import('./kde-bandwidth/KdeBandwidth'),
  'beta-vae': () => import('./beta-vae/BetaVae'),
  'reparam-trick': () => import('./reparam-trick/ReparamTrick'),
  'elbo-gap': () => import('./elbo-gap/ElboGap'),
  'gan-losses': () => import('./gan-losses/GanLosses'),
  'gan-optimal-d': () => import('./gan-optimal-d/GanOptimalD'),
  'gan-2d': () => import('./gan-2d/Gan2d'),
  'metrics-lab': () => import('./metrics-lab/MetricsLab'),
  'likelihood-samples': () => import('./likelihood-samples/LikelihoodSamples'),
  'perplexity': () => import('./perplexity/Perplexity'),
  'noise-schedules': () => import('./noise-schedules/NoiseSchedules'),
  'forward-process': () => import('./forward-process/ForwardProcess'),
  'diffusion-trainer': () => import('./diffusion-trainer/DiffusionTrainer'),
  'fid-bias': () => import('./fid-bias/FidBias'),
};
