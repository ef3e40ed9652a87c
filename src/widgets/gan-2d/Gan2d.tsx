import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadTf } from '../../ui/tf-backend';
import { useParam, useWidget, useWidgetState } from '../../ui/widget-context';
import { ParamControl, PlayControls } from '../../ui/controls';
import { useTrainingLoop } from '../../ui/useTrainingLoop';
import { COMPARE_LOSSES, GanRunSet, type GanRunSetMetrics } from '../../core/gan/runs';
import { CappedHistory, ganReadouts, ganTrainingData, type GanDataset, type GanTrainingData } from '../../core/gan/views';
import { DEFAULT_GRID, histogram2D } from '../../core/gan/gridDivergence';
import type { NoiseKind } from '../../core/gan/trainer';
import type { GeneratorLossKind } from '../../core/gan/losses';
import { BOX, type FieldScene } from './field';
import { createViewStore } from './viewStore';
import { HistoryPlots, RunPanel, TensorNote, ViewNote, type LossPoint, type ProgressPoint } from './panels';

/** Refresh the views (samples, heat map, manifold, arrows, readouts) at most this often while training. */
const VIEW_MS = 100;
/** Redraw the history curves (SVG) at most this often while training; at once when paused. */
const HISTORY_MS = 1000;
/**
 * Training time per animation frame. A frame that also refreshes the views spends a few more
 * milliseconds drawing; 8 ms of steps leaves room for that within a 60 Hz frame, where 10 ms made
 * every refresh frame miss its slot (measured: more iterations per second, not fewer).
 */
const BUDGET_MS = 8;
/** Write the iteration counter's text at most this often (its data attribute every frame). */
const STATUS_MS = 100;
/** Read the losses back every this many iterations. */
const READ_EVERY = 20;
const HEAT_GRID = { ...DEFAULT_GRID, bins: 40 };
const MANIFOLD_RESOLUTION = 21;
/** The head start runs in chunks of this many D steps, letting the page paint between them. */
const HEAD_CHUNK = 50;
/** Drawing: a new point every this far along a stroke (data units), and at most this many points. */
const STROKE_GAP = 0.08;
const MAX_DRAWN = 400;
const CURSOR_STEP = 0.1;

const LOSS_NAMES: Record<GeneratorLossKind, string> = {
  saturating: 'saturating log(1 − D)',
  nonSaturating: 'non-saturating −log D',
  leastSquares: 'least squares ½(a − 1)²',
};
type Prepared = GanTrainingData & { hist: Float64Array };

const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function clampToBox(x: number, y: number): [number, number] {
  const c = (v: number, lo: number, hi: number) => Math.round(Math.min(hi - 0.01, Math.max(lo + 0.01, v)) * 100) / 100;
  return [c(x, BOX.xMin, BOX.xMax), c(y, BOX.yMin, BOX.yMax)];
}

export default function Gan2d() {
  const { store, present } = useWidget();
  const data = useParam<GanDataset>('data');
  const loss = useParam<GeneratorLossKind>('loss');
  const compare = useParam<boolean>('compare');
  const gLr = useParam<number>('gLr');
  const dLr = useParam<number>('dLr');
  const k = useParam<number>('k');
  const noiseDim = useParam<string>('noiseDim');
  const noise = useParam<NoiseKind>('noise');
  const gLayers = useParam<number>('gLayers');
  const gWidth = useParam<number>('gWidth');
  const dLayers = useParam<number>('dLayers');
  const dWidth = useParam<number>('dWidth');
  const gOpt = useParam<'adam' | 'sgd'>('gOpt');
  const dOpt = useParam<'adam' | 'sgd'>('dOpt');
  const batch = useParam<number>('batch');
  const head = useParam<number>('head');
  const seed = useParam<number>('seed');
  const showHeat = useParam<boolean>('heat');
  const showManifold = useParam<boolean>('manifold');
  const showArrows = useParam<boolean>('arrows');
  const playing = useWidgetState((s) => s.playing);

  // ---- the reader's drawing (component state: a run's data, not a shareable parameter) --------
  const [drawn, setDrawn] = useState<[number, number][]>([]);
  const [drawnVersion, setDrawnVersion] = useState(0);
  const drawnRef = useRef(drawn);
  drawnRef.current = drawn;
  const stroke = useRef<[number, number][] | null>(null);
  const [cursor, setCursor] = useState<[number, number] | null>(null);
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;

  // ---- runs, views and histories ----------------------------------------------------------------
  const current = useRef<GanRunSet | null>(null);
  const dataFor = useRef(new WeakMap<GanRunSet, Prepared>());
  const tfRef = useRef<Awaited<ReturnType<typeof loadTf>> | null>(null);
  const [viewStore] = useState(createViewStore);
  const losses = useRef<CappedHistory<LossPoint>[]>([]);
  const progress = useRef<CappedHistory<ProgressPoint>[]>([]);
  const lastHistoryDraw = useRef(0);
  const lastStatus = useRef(0);
  const viewState = useRef({ inFlight: false, again: false, last: -Infinity });
  const statusRef = useRef<HTMLSpanElement>(null);
  const [diverged, setDiverged] = useState<string | null>(null);
  const toggles = useRef({ heat: showHeat, manifold: showManifold, arrows: showArrows });
  toggles.current = { heat: showHeat, manifold: showManifold, arrows: showArrows };

  const drawFns = useRef<((() => void) | null)[]>([]);
  const register = useCallback((i: number, fn: (() => void) | null) => {
    drawFns.current[i] = fn;
  }, []);
  const redrawAll = useCallback(() => {
    for (const f of drawFns.current) f?.();
  }, []);

  const getScene = useCallback((i: number): FieldScene => {
    const set = current.current;
    const d = set ? dataFor.current.get(set) : undefined;
    const v = viewStore.get().views;
    const t = toggles.current;
    const drawing = i === 0 && store.getState().params.data === 'drawn';
    return {
      real: d?.xy ?? null,
      snapshot: v?.runs[i]?.snapshot ?? null,
      heatGrid: HEAT_GRID,
      showHeat: t.heat,
      showManifold: t.manifold,
      showArrows: t.arrows,
      mixture: d?.mixture ?? null,
      isCovered: v?.runs[i]?.readouts.isCovered ?? null,
      drawn: drawing ? [...drawnRef.current, ...(stroke.current ?? [])] : null,
      cursor: drawing ? cursorRef.current : null,
      scale: present ? 1.6 : 1,
    };
  }, [store, present, viewStore]);

  /** The counter: its data attributes every frame (no layout), its text at most every STATUS_MS. */
  const showStep = (t: GanRunSet, force = true) => {
    const el = statusRef.current;
    if (!el) return;
    el.dataset.iteration = String(t.stepCount);
    el.dataset.dsteps = String(t.dSteps);
    const now = performance.now();
    if (!force && now - lastStatus.current < STATUS_MS) return;
    lastStatus.current = now;
    el.textContent = `iteration ${t.stepCount} · D steps ${t.dSteps}`;
  };

  const bumpHistory = useCallback((force: boolean) => {
    const now = performance.now();
    if (!force && now - lastHistoryDraw.current < HISTORY_MS) return;
    lastHistoryDraw.current = now;
    viewStore.set({ historyVersion: viewStore.get().historyVersion + 1 });
  }, [viewStore]);

  /** Recompute every view of every run from the current weights (one at a time; a request while one is in flight runs after it). */
  const refresh = useCallback(async (set: GanRunSet) => {
    const vs = viewState.current;
    if (vs.inFlight) {
      vs.again = true;
      return;
    }
    const d = dataFor.current.get(set);
    if (!d) return;
    vs.inFlight = true;
    vs.last = performance.now();
    try {
      const step = set.stepCount, dSteps = set.dSteps;
      const options = { grid: toggles.current.heat ? HEAT_GRID : null, manifold: toggles.current.manifold ? MANIFOLD_RESOLUTION : null };
      const known = viewStore.get().metrics;
      const stale = !known || known.gSteps !== step || known.dSteps !== dSteps;
      const [metrics, ...snaps] = await Promise.all([stale ? set.readMetrics() : Promise.resolve(known), ...set.runs.map((r) => r.snapshot(options))]);
      if (current.current !== set) return;
      // the first point of the loss curves: the losses before any update
      if (stale && metrics && losses.current[0]?.points.length === 0) losses.current.forEach((h, i) => h.push({ step, d: metrics[`dLoss${i}`], g: metrics[`gLoss${i}`] }));
      const runs = snaps.map((snapshot) => ({ snapshot, readouts: ganReadouts(d.xy, snapshot, d.mixture, d.hist) }));
      const previous = viewStore.get().views;
      if (!previous || previous.step !== step || previous.dSteps !== dSteps) {
        runs.forEach((r, i) => progress.current[i]?.push({ step, jsd: r.readouts.jsd, meanD: r.readouts.meanD }));
      }
      viewStore.set({ views: { step, dSteps, runs, tensors: tfRef.current?.memory().numTensors ?? 0 }, metrics: stale ? metrics : known });
      redrawAll();
      bumpHistory(!store.getState().playing);
    } catch (e) {
      // A run disposed mid-refresh (Reset, new settings) has nothing left to show; anything else is real.
      if (current.current === set) store.getState().setMessage(`The views could not be computed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      vs.inFlight = false;
      if (vs.again) {
        vs.again = false;
        if (current.current) void refresh(current.current);
      }
    }
  }, [redrawAll, bumpHistory, store, viewStore]);

  const loop = useTrainingLoop<GanRunSetMetrics>({
    create: async () => {
      tfRef.current = await loadTf();
      const p = store.getState().params;
      const prepared = ganTrainingData(data, seed, drawnRef.current);
      const set = new GanRunSet({
        data: prepared.xy,
        noiseDim: noiseDim === '1' ? 1 : 2,
        noise,
        generator: { hidden: Array(gLayers).fill(gWidth), activation: 'relu' },
        discriminator: { hidden: Array(dLayers).fill(dWidth), activation: 'relu' },
        optimizerG: { kind: gOpt, learningRate: p.gLr as number },
        optimizerD: { kind: dOpt, learningRate: p.dLr as number },
        k: p.k as number,
        batchSize: batch,
        seed,
      }, compare ? COMPARE_LOSSES : [p.loss as GeneratorLossKind]);
      try {
        for (let done = 0; done < head; done += HEAD_CHUNK) {
          set.headStart(Math.min(HEAD_CHUNK, head - done));
          await yieldToBrowser();
        }
      } catch (e) {
        set.dispose();
        throw e;
      }
      dataFor.current.set(set, { ...prepared, hist: histogram2D(prepared.xy, DEFAULT_GRID) });
      return set;
    },
    deps: [data, noiseDim, noise, gLayers, gWidth, dLayers, dWidth, gOpt, dOpt, batch, head, seed, compare, drawnVersion],
    readEvery: READ_EVERY,
    budgetMs: BUDGET_MS,
    onTrainer: (trainer) => {
      const set = trainer as GanRunSet;
      current.current = set;
      losses.current = set.runs.map(() => new CappedHistory<LossPoint>(400));
      progress.current = set.runs.map(() => new CappedHistory<ProgressPoint>(400));
      viewStore.set({ views: null, metrics: null, historyVersion: viewStore.get().historyVersion + 1 });
      setDiverged(null);
      showStep(set);
      void refresh(set);
    },
    onMetrics: (m, step) => {
      viewStore.set({ metrics: m });
      losses.current.forEach((h, i) => h.push({ step, d: m[`dLoss${i}`], g: m[`gLoss${i}`] }));
      if (m.finite === 0) {
        const text = `Training diverged at iteration ${step}: a loss is no longer a finite number.`;
        store.getState().setPlaying(false);
        store.getState().setMessage(text);
        setDiverged(text);
      }
    },
    onFrame: (_n, trainer) => {
      const set = trainer as GanRunSet;
      showStep(set, false);
      if (performance.now() - viewState.current.last >= VIEW_MS) void refresh(set);
    },
  });
  const set = loop.trainer as GanRunSet | null;

  // Learning rates, k and the loss change the run in progress, as in GAN Lab.
  useEffect(() => {
    if (!set || set !== current.current) return;
    try {
      set.setLearningRates({ generator: gLr, discriminator: dLr });
      set.setK(k);
      if (!compare && set.runs[0].settings.loss !== loss) {
        set.setLoss(loss);
        if (!store.getState().playing) void refresh(set);
      }
    } catch {
      // disposed between renders: the next run is built from the store's values
    }
  }, [set, gLr, dLr, k, loss, compare, refresh, store]);

  // View toggles: recompute if the heat map or manifold is now needed, otherwise just redraw.
  useEffect(() => {
    const v = viewStore.get().views;
    const s = current.current;
    if (s && v && ((showHeat && !v.runs[0]?.snapshot.grid) || (showManifold && !v.runs[0]?.snapshot.manifold))) void refresh(s);
    else redrawAll();
  }, [showHeat, showManifold, showArrows, refresh, redrawAll, viewStore]);

  // When training pauses, bring the views and curves up to date with the last iteration.
  useEffect(() => {
    const s = current.current;
    if (!playing && s && set === s) {
      const v = viewStore.get().views;
      if (!v || v.step !== s.stepCount || v.dSteps !== s.dSteps) void refresh(s);
      else bumpHistory(true);
    }
  }, [playing, set, refresh, bumpHistory, viewStore]);

  const stepWith = useCallback(async (kind: 'both' | 'd' | 'g') => {
    const s = current.current;
    if (!s) return;
    try {
      if (kind === 'both') await loop.step(1);
      else {
        if (kind === 'd') s.stepD();
        else s.stepG();
        await loop.step(0);
      }
    } catch {
      return;
    }
    showStep(s);
    await refresh(s);
  }, [loop, refresh]);

  const resetLower = useCallback(() => {
    const p = store.getState().params;
    store.getState().setParams({ gLr: Math.max(1e-4, (p.gLr as number) / 10), dLr: Math.max(1e-4, (p.dLr as number) / 10) });
    loop.reset();
  }, [store, loop]);

  // ---- drawing ----------------------------------------------------------------------------------
  const commitDrawn = useCallback((points: [number, number][]) => {
    setDrawn(points.slice(-MAX_DRAWN));
    setDrawnVersion((v) => v + 1);
  }, []);
  const onStroke = useCallback((phase: 'start' | 'move' | 'end', x: number, y: number) => {
    const p = clampToBox(x, y);
    if (phase === 'start') {
      stroke.current = [p];
    } else if (phase === 'move') {
      const s = stroke.current;
      if (!s) return;
      const last = s[s.length - 1];
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) < STROKE_GAP) return;
      s.push(p);
    } else {
      const s = stroke.current;
      stroke.current = null;
      if (s?.length) commitDrawn([...drawnRef.current, ...s]);
    }
    redrawAll();
  }, [commitDrawn, redrawAll]);
  const onDrawKey = useCallback((e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const [cx, cy] = cursorRef.current ?? [0, 0];
    const step = e.shiftKey ? 5 * CURSOR_STEP : CURSOR_STEP;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      setCursor(clampToBox(cx + moves[e.key][0], cy + moves[e.key][1]));
    } else if (e.key === 'Enter') {
      commitDrawn([...drawnRef.current, clampToBox(cx, cy)]);
    } else if (e.key === 'Backspace' || e.key === 'Delete') {
      if (drawnRef.current.length) commitDrawn(drawnRef.current.slice(0, -1));
    } else return;
    // Keys used here must not scroll the page or reach present mode's Space/Escape handling.
    e.preventDefault();
    e.stopPropagation();
  }, [commitDrawn]);
  const onDrawFocus = useCallback((focused: boolean) => setCursor(focused ? cursorRef.current ?? [0, 0] : null), []);
  const drawing = useMemo(() => ({ onStroke, onKey: onDrawKey, onFocusChange: onDrawFocus }), [onStroke, onDrawKey, onDrawFocus]);
  useEffect(() => redrawAll(), [drawn, cursor, redrawAll]);

  // ---- history plots ----------------------------------------------------------------------------
  const runLosses = useMemo<readonly GeneratorLossKind[]>(() => (set ? set.losses : compare ? COMPARE_LOSSES : [loss]), [set, compare, loss]);
  const twoRuns = runLosses.length === 2;
  // ---- text -------------------------------------------------------------------------------------
  const isDrawn = data === 'drawn';
  const titles = runLosses.map((l) => (twoRuns ? `${l === 'saturating' ? 'Saturating' : 'Non-saturating'}: ${LOSS_NAMES[l]}` : `Generator loss: ${LOSS_NAMES[l]}`));
  const error = loop.error;
  const status = loop.status;

  return (
    <div className="widget-body gan-2d">
      <div className="gan-main">
        <PlayControls
          onStep={() => void stepWith('both')}
          extraSteps={[
            { label: 'Step D', onClick: () => void stepWith('d') },
            { label: 'Step G', onClick: () => void stepWith('g') },
          ]}
          onReset={loop.reset}
          disabled={!set}
          status={<span ref={statusRef} data-testid="gan-iteration" data-iteration="" data-dsteps="">{set ? `iteration ${set.stepCount} · D steps ${set.dSteps}` : head > 0 ? 'discriminator head start…' : 'starting…'}</span>}
        />
        {error && <p className="widget-message" role="status" data-testid="gan-error">{error}</p>}
        {(diverged || status === 'diverged') && (
          <div className="widget-message gan-diverged" role="alert">
            {diverged ?? 'Training stopped: a loss became infinite or not a number.'} The learning rates are probably too high for this setting.{' '}
            <button type="button" onClick={resetLower}>Reset with learning rates ÷ 10</button>
          </div>
        )}
        <div className={twoRuns ? 'gan-fields two' : 'gan-fields'}>
          {runLosses.map((l, i) => (
            <RunPanel
              key={`${l}-${i}`}
              index={i}
              title={titles[i]}
              viewStore={viewStore}
              getScene={getScene}
              register={register}
              present={present}
              showHeat={showHeat}
              showManifold={showManifold}
              showArrows={showArrows}
              drawing={isDrawn && i === 0 ? drawing : undefined}
            />
          ))}
        </div>
        <ViewNote viewStore={viewStore} />
        <ul className="legend" aria-hidden="true">
          <li><span style={{ background: 'var(--series-1)', width: '0.5rem', height: '0.5rem', borderRadius: '50%' }} /> real data</li>
          <li><span style={{ background: 'var(--series-2)', width: '0.5rem', height: '0.5rem', borderRadius: '50%' }} /> generated G(z)</li>
          {showHeat && <li><span style={{ background: 'linear-gradient(90deg, var(--series-2), transparent, var(--series-1))', width: '2rem', height: '0.6rem' }} /> D(x): fake ← ½ → real</li>}
          {showManifold && <li><span style={{ background: 'var(--text-soft)' }} /> G of a noise grid</li>}
          {showArrows && <li><span style={{ background: 'var(--series-4)' }} /> −∂ℓ/∂x (where G moves each sample)</li>}
          {(data === 'ring' || data === 'grid') && <li><span style={{ border: '1.5px solid var(--series-1)', width: '0.6rem', height: '0.6rem', borderRadius: '50%', background: 'none' }} /> mode covered (dashed: missed)</li>}
        </ul>
        {isDrawn && (
          <div className="gan-draw">
            <p className="widget-note" data-testid="gan-drawn-count" data-count={drawn.length}>
              {drawn.length} drawn point{drawn.length === 1 ? '' : 's'}. Drag on the plot with a mouse, finger or pen to draw. Keyboard: focus the plot (Tab), move the cross with the arrow keys (Shift for bigger steps), Enter adds a point, Backspace removes the last. Each change starts a new run on {drawn.length ? 'points resampled from your drawing' : 'your drawing'}.
            </p>
            <div className="play-controls">
              <button type="button" disabled={!drawn.length} onClick={() => commitDrawn(drawn.slice(0, -1))}>Undo last point</button>
              <button type="button" disabled={!drawn.length} onClick={() => commitDrawn([])}>Clear the drawing</button>
            </div>
          </div>
        )}
        <HistoryPlots viewStore={viewStore} losses={losses} progress={progress} twoRuns={twoRuns} present={present} />
      </div>
      <div className="controls gan-controls">
        <ParamControl name="data" />
        <ParamControl name="loss" disabled={compare} />
        <ParamControl name="compare" />
        <ParamControl name="gLr" />
        <ParamControl name="dLr" />
        <ParamControl name="k" />
        <ParamControl name="heat" />
        <ParamControl name="manifold" />
        <ParamControl name="arrows" />
        <details className="gan-more">
          <summary>Networks, optimisers, noise, batch, head start and seed (each change starts a new run)</summary>
          <div className="gan-more-grid">
          <ParamControl name="gLayers" />
          <ParamControl name="gWidth" />
          <ParamControl name="gOpt" />
          <ParamControl name="dLayers" />
          <ParamControl name="dWidth" />
          <ParamControl name="dOpt" />
          <ParamControl name="noiseDim" />
          <ParamControl name="noise" />
          <ParamControl name="batch" />
          <ParamControl name="head" />
          <ParamControl name="seed" />
          </div>
        </details>
        <TensorNote viewStore={viewStore}>
          G: {noiseDim}–{Array(gLayers).fill(gWidth).join('–')}–2, D: 2–{Array(dLayers).fill(dWidth).join('–')}–1, ReLU. Every loss is computed from the discriminator’s logit. One iteration is k discriminator steps and one generator step, each on a fresh batch of B real points and B noise vectors.
        </TensorNote>
      </div>
    </div>
  );
}

