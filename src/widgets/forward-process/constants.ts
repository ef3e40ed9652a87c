/** The forward-process widget's fixed settings, React-free so the end-to-end tests can use them. */

/** The chapter's T. */
export const FORWARD_T = 1000;
/** Points used by the MMD readout: its cost grows with the square (about 10 ms at 500 on WASM). */
export const MMD_POINTS = 500;
/** Kernel bandwidth of the MMD readout: the scale of N(0, I). */
export const MMD_H = 1;
