/**
 * The VAE chapter's computational core, for the β-VAE, reparameterisation and ELBO-gap widgets.
 *
 * API (each module's TSDoc lists its exports in full)
 * - kl: `klNormal`, `klStdNormal`, `klStdNormalPerDim`, `klStdNormalTensor`: Gaussian KL divergences.
 * - reparam: `estimateGradients`, `exactGradient`, `perDrawVariance`, `histogram`, …: score-function vs pathwise gradients.
 * - elboGap: `elboGap`, `posterior`, `logEvidence`, `normalDensity`: log p(x) = ELBO + KL(q ‖ p(z|x)) for a linear-Gaussian model.
 * - model: `Vae`, `toyDataset`, `VaeDataset`: encoder, reparameterised sample, decoder, objective terms.
 * - trainer: `VaeTrainer`, `BatchSampler`, `BETA_RANGE`: the live β-VAE trainer and its views.
 * - digits: `parseDigits`, `digitsSplit`, `DIGITS_PATH`, `DIGITS_CREDIT`: the served digits file.
 * - views: `ThinnedSeries`, `RateDistortionLog`, `latentAxes`, `ellipsePoints`, …: bookkeeping behind the widget's views.
 */
export * from './kl';
export * from './reparam';
export * from './elboGap';
export * from './model';
export * from './trainer';
export * from './digits';
export * from './views';
