/**
 * The GAN chapter's computational core, for its three widgets: loss curves (`losses`), the 1-D
 * optimal discriminator (`optimalD`) and the live 2-D GAN (`trainer`, with `gridDivergence` and
 * `modes` for its readouts, `optim` for its optimisers, `runs` for training one run or two side by
 * side, and `views` for the numbers beside its plots).
 *
 * API: re-exports every public name of those modules; see each module's header for the list.
 */
export * from './losses';
export * from './optimalD';
export * from './gridDivergence';
export * from './modes';
export * from './optim';
export * from './trainer';
export * from './runs';
export * from './views';
