/**
 * TeX macros shared by the build-time renderer and the runtime `<Tex>` component, so one formula
 * looks the same in prose and in a live readout. KaTeX writes `\gdef` definitions into the object
 * it is given, so callers take a fresh copy with `macros()`.
 */
const MACROS: Readonly<Record<string, string>> = {
  '\\E': '\\mathbb{E}',
  '\\R': '\\mathbb{R}',
  '\\N': '\\mathcal{N}',
  '\\KL': 'D_{\\mathrm{KL}}',
  '\\JSD': '\\mathrm{JSD}',
  '\\Var': '\\operatorname{Var}',
  '\\Cov': '\\operatorname{Cov}',
  '\\tr': '\\operatorname{tr}',
  '\\diag': '\\operatorname{diag}',
  '\\dd': '\\mathrm{d}',
  '\\argmin': '\\operatorname*{arg\\,min}',
  '\\argmax': '\\operatorname*{arg\\,max}',
  '\\abar': '\\bar{\\alpha}',
  '\\given': '\\mid',
  '\\data': 'p_{\\mathrm{data}}',
  '\\FID': '\\mathrm{FID}',
  '\\KID': '\\mathrm{KID}',
  '\\MMD': '\\mathrm{MMD}',
  '\\ELBO': '\\mathrm{ELBO}',
  '\\IS': '\\mathrm{IS}',
  '\\sg': '\\operatorname{sg}',
};

/** A fresh, mutable copy of the notebook's macros (KaTeX mutates what it is given). */
export function macros(): Record<string, string> {
  return { ...MACROS };
}

/** The macro names, for documentation and tests. */
export const MACRO_NAMES: readonly string[] = Object.keys(MACROS);
