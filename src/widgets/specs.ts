/**
 * Every registered widget's spec, by name. React-free: the content compiler imports it in Node.
 * Adding a widget: write src/widgets/<name>/spec.ts, add it here, and add its component to
 * src/widgets/registry.ts (test/widgets/registry.test.ts checks that the two lists agree).
 */
import type { WidgetSpec } from './types.ts';
import { kdeBandwidthSpec } from './kde-bandwidth/spec.ts';
import { betaVaeSpec } from './beta-vae/spec.ts';
import { reparamTrickSpec } from './reparam-trick/spec.ts';
import { elboGapSpec } from './elbo-gap/spec.ts';
import { ganLossesSpec } from './gan-losses/spec.ts';
import { ganOptimalDSpec } from './gan-optimal-d/spec.ts';
import { gan2dSpec } from './gan-2d/spec.ts';
import { metricsLabSpec } from './metrics-lab/spec.ts';
import { likelihoodSamplesSpec } from './likelihood-samples/spec.ts';
import { perplexitySpec } from './perplexity/spec.ts';
import { noiseSchedulesSpec } from './noise-schedules/spec.ts';
import { forwardProcessSpec } from './forward-process/spec.ts';
import { diffusionTrainerSpec } from './diffusion-trainer/spec.ts';
import { fidBiasSpec } from './fid-bias/spec.ts';

const all: WidgetSpec[] = [kdeBandwidthSpec, betaVaeSpec, reparamTrickSpec, elboGapSpec, ganLossesSpec, ganOptimalDSpec, gan2dSpec, metricsLabSpec, likelihoodSamplesSpec, perplexitySpec, noiseSchedulesSpec, forwardProcessSpec, diffusionTrainerSpec, fidBiasSpec];

export const widgetSpecs: Readonly<Record<string, WidgetSpec>> = Object.fromEntries(all.map((s) => [s.name, s]));
