import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadTf } from '../../ui/tf-backend';
import { useParam, useWidget, useWidgetState } from '../../ui/widget-context';
import { ParamControl, PlayControls, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { useTrainingLoop } from '../../ui/useTrainingLoop';
import { ACTIVE_UNIT_THRESHOLD, type VaeEvaluation, type VaeMetrics } from '../../core/vae/trainer';
import { useAppStore } from '../../ui/appStore';
import { DIGITS_CREDIT } from '../../core/vae/digits';
import { RateDistortionLog, ThinnedSeries, evenlySpaced, firstOfEachClass, latentAxes } from '../../core/vae/views';
import { childSeed } from '../../core/random';
import type { Dataset2D } from '../../core/data2d';
import { loadDigits, toyData, type WidgetData } from './data';
import { DigitGrid } from './DigitGrid';
import { PageVae, WorkerVae, workersAvailable, type LiveVae } from './live';
import {
  classColor, fmtBeta, fmtNats, renderKlPerDim, renderLatent, renderLoss, renderRateDistortion, renderToyGrid, renderToyRecon, renderToySamples,
  type LossPoint, type Posterior,
} from './plots';

/**
 * Redraw the heavy views (posterior, grid, samples, reconstructions) every this many steps, and not
 * more often than every VIEW_MIN_MS: a 2-D set trains at hundreds of steps a second, and drawing
 * five plots is what costs the page its frames.
 */
const VIEW_EVERY = { digits: 40, toy: 100 };
const VIEW_MIN_MS = 1500;
/** Read the minibatch terms back every this many steps (a digits step costs far more than a toy one). */
const READ_EVERY = { digits: 5, toy: 20 };
/** Side of the decoded z-grid: 15 × 15 digits, or 21 × 21 grid lines for a 2-D set. */
const GRID_STEPS = { digits: 15, toy: 21 };
/** The z-grid spans [−3, 3]², where the prior puts 99.5 % of its mass per coordinate. */
const GRID_EXTENT = 3;
const PRIOR_SAMPLES = { digits: 32, toy: 600 };
/** Chosen inputs reconstructed on a 2-D set. */
const TOY_RECON = 16;
/**
 * With the model in a worker, the loop's step() only renews the worker's grant, once per frame:
 * a zero budget. On the page's own thread, the runtime's usual 10 ms of steps per frame.
 */
const USE_WORKER = workersAvailable();
/**
 * The loss curves and the rate–distortion plane redraw at most this often while training: a Plot
 * redraw costs the page far more (layout and paint) than a metrics readout does.
 */
const CURVE_REDRAW_MS = 1000;
const BACKEND_LABEL = { webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (CPU)' } as const;

interface Views {
  step: number;
  beta: number;
  evaluation: VaeEvaluation;
  post: Posterior;
  axes: [number, number];
  grid: { x: Float32Array; steps: number } | null;
  prior: Float32Array;
  reconInputs: Float32Array;
  recon: Float32Array;
  tensors: number;
}

/** Let the browser paint between the views' computations. */
const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function rowsOf(data: WidgetData, indices: number[]): Float32Array {
  const { x, dim } = data.evaluation;
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

function reconIndices(data: WidgetData): number[] {
  if (data.side) return firstOfEachClass(data.evaluation.labels ?? new Int32Array(0), data.classes).filter((i) => i >= 0);
  return evenlySpaced(data.evaluation.count, TOY_RECON);
}

export default function BetaVae() {
  const { store, present } = useWidget();
  const dataName = useParam<string>('data');
  const beta = useParam<number>('beta');
  const latent = useParam<number>('latent');
  const hidden = Number(useParam<string>('hidden'));
  const seed = useParam<number>('seed');
  const playing = useWidgetState((s) => s.playing);
  const kind = dataName === 'digits' ? 'digits' : 'toy';

  const dataFor = useRef(new WeakMap<LiveVae, WidgetData>());
  const current = useRef<LiveVae | null>(null);
  const [data, setData] = useState<WidgetData | null>(null);
  const history = useRef(new ThinnedSeries<LossPoint>(600));
  const betaChanges = useRef<{ step: number; beta: number }[]>([]);
  const rd = useRef(new RateDistortionLog());
  const structure = useRef('');
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const redrawTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRedraw = useRef(0);
  /** bump(), but at most once per CURVE_REDRAW_MS (for the readouts that arrive while training). */
  const bumpSoon = useCallback(() => {
    if (redrawTimer.current !== null) return;
    const wait = Math.max(0, CURVE_REDRAW_MS - (performance.now() - lastRedraw.current));
    redrawTimer.current = setTimeout(() => {
      redrawTimer.current = null;
      lastRedraw.current = performance.now();
      bump();
    }, wait);
  }, [bump]);
  useEffect(() => () => {
    if (redrawTimer.current !== null) clearTimeout(redrawTimer.current);
  }, []);
  const [views, setViews] = useState<Views | null>(null);
  const statusRef = useRef<HTMLSpanElement>(null);
  const viewState = useRef({ inFlight: false, again: false, lastStep: -Infinity, lastTime: -Infinity });

  const showStep = (t: LiveVae) => {
    if (statusRef.current) statusRef.current.textContent = `step ${t.stepCount}`;
  };

  /** Recompute every heavy view from the current weights, one at a time, yielding between them. */
  const refreshViews = useCallback(async (t: LiveVae) => {
    const vs = viewState.current;
    if (vs.inFlight) {
      vs.again = true;
      return;
    }
    const d = dataFor.current.get(t);
    if (!d) return;
    vs.inFlight = true;
    vs.lastStep = t.stepCount;
    vs.lastTime = performance.now();
    const k = d.side ? 'digits' : 'toy';
    try {
      const evaluation = await t.evaluate();
      // The count as the evaluation's answer arrived: the step it was computed at (the worker
      // answers between chunks of steps).
      const step = t.stepCount, b = t.beta;
      await yieldToBrowser();
      const post = await t.posterior();
      await yieldToBrowser();
      const grid = t.latentDim === 2 ? await t.decodeGrid(GRID_STEPS[k], GRID_EXTENT) : null;
      await yieldToBrowser();
      const prior = await t.samplePrior(PRIOR_SAMPLES[k], childSeed(seed, 'prior-samples'));
      await yieldToBrowser();
      const reconInputs = rowsOf(d, reconIndices(d));
      const recon = await t.reconstruct(reconInputs);
      if (current.current !== t) return;
      const axes = latentAxes(evaluation.klPerDim);
      if (axes[1] >= 0 && axes[0] > axes[1]) axes.reverse();
      const tensors = await t.tensorCount();
      if (current.current !== t) return;
      rd.current.add({ step, beta: b, rate: evaluation.kl, distortion: evaluation.recon });
      setViews({ step, beta: b, evaluation, post, axes, grid: grid && { x: grid.x, steps: grid.steps }, prior: prior.x, reconInputs, recon: recon.x, tensors });
    } catch (e) {
      // A trainer disposed mid-refresh (Reset, new data) has nothing left to show; anything else is real.
      if (current.current === t) store.getState().setMessage(`The views could not be computed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      vs.inFlight = false;
      if (vs.again) {
        vs.again = false;
        if (current.current) void refreshViews(current.current);
      }
    }
  }, [seed, store]);

  const loop = useTrainingLoop<VaeMetrics>({
    create: async () => {
      await loadTf();
      const d = kind === 'digits' ? await loadDigits() : toyData(dataName as Dataset2D, seed);
      const options = {
        data: d, dataName, latentDim: latent, hidden, beta: store.getState().params.beta as number, seed,
        backend: useAppStore.getState().backend ?? 'cpu',
      };
      let t: LiveVae;
      try {
        t = USE_WORKER ? await WorkerVae.start(options) : new PageVae(options);
      } catch {
        // A browser without module workers (or one whose worker cannot start tfjs) trains on the page.
        t = new PageVae(options);
      }
      dataFor.current.set(t, d);
      return t;
    },
    deps: [dataName, latent, hidden, seed],
    readEvery: READ_EVERY[kind],
    budgetMs: USE_WORKER ? 0 : undefined,
    onTrainer: (trainer) => {
      const t = trainer as LiveVae;
      const key = `${dataName}|${latent}|${hidden}`;
      // A reset or a new seed keeps the marks (same axes); new data or a new architecture clears them.
      if (key === structure.current) {
        rd.current.leaveMark();
        rd.current.newRun();
      } else rd.current.clear();
      structure.current = key;
      current.current = t;
      history.current.clear();
      betaChanges.current = [{ step: 0, beta: t.beta }];
      setData(dataFor.current.get(t) ?? null);
      setViews(null);
      showStep(t);
      bump();
      void refreshViews(t);
    },
    onMetrics: (m) => {
      history.current.push({ step: m.step, beta: m.beta, negElbo: m.negElbo, recon: m.recon, kl: m.kl });
      bumpSoon();
    },
    onFrame: (_n, trainer) => {
      const t = trainer as LiveVae;
      showStep(t);
      const vs = viewState.current;
      if (t.stepCount - vs.lastStep >= VIEW_EVERY[kind] && performance.now() - vs.lastTime >= VIEW_MIN_MS) void refreshViews(t);
    },
  });

  // β moves without restarting: leave a mark where the old β got to, then train on with the new one.
  const trainer = loop.trainer as LiveVae | null;
  useEffect(() => {
    if (!trainer || trainer !== current.current || trainer.beta === beta) return;
    try {
      rd.current.leaveMark();
      trainer.setBeta(beta);
      betaChanges.current.push({ step: trainer.stepCount, beta });
      bump();
    } catch {
      // disposed between renders; the next trainer is built with the store's β
    }
  }, [beta, trainer, bump]);

  // When training pauses, stop the worker at once and bring the views up to the last step.
  useEffect(() => {
    if (playing || !trainer || trainer !== current.current) return;
    trainer.halt()
      .then(() => {
        if (trainer !== current.current) return;
        showStep(trainer);
        if (trainer.stepCount !== viewState.current.lastStep) void refreshViews(trainer);
      })
      .catch(() => undefined);
  }, [playing, trainer, refreshViews]);

  const onStep = useCallback(async () => {
    const t = current.current;
    if (!t) return;
    try {
      await t.stepExactly(1);
      const m = await t.readMetrics();
      history.current.push({ step: m.step, beta: m.beta, negElbo: m.negElbo, recon: m.recon, kl: m.kl });
      bump();
      showStep(t);
      void refreshViews(t);
    } catch {
      // the trainer was replaced while stepping; the new one shows itself
    }
  }, [refreshViews, bump]);

  const clearMarks = useCallback(() => {
    rd.current.clear();
    if (views) rd.current.add({ step: views.step, beta: views.beta, rate: views.evaluation.kl, distortion: views.evaluation.recon });
    bump();
  }, [views, bump]);

  // ---- plots -------------------------------------------------------------------------------
  const lossPoints = useMemo(() => history.current.points, [version]); // eslint-disable-line react-hooks/exhaustive-deps
  const rdState = useMemo(() => ({ trajectory: rd.current.trajectory, marks: rd.current.marks }), [version, views]); // eslint-disable-line react-hooks/exhaustive-deps
  const changes = useMemo(() => [...betaChanges.current], [version]); // eslint-disable-line react-hooks/exhaustive-deps

  const renderLossView = useCallback((w: number) => renderLoss(w, lossPoints, changes, present), [lossPoints, changes, present]);
  const renderRdView = useCallback((w: number) => renderRateDistortion(w, rdState.trajectory, rdState.marks, beta, present), [rdState, beta, present]);
  const renderLatentView = useCallback((w: number) => {
    if (!views || !data) return placeholder('Waiting for the first evaluation…');
    return renderLatent(w, views.post, views.axes, data.classes, present);
  }, [views, data, present]);
  const renderKlView = useCallback((w: number) => {
    if (!views) return placeholder('Waiting for the first evaluation…');
    return renderKlPerDim(w, views.evaluation.klPerDim, views.evaluation.posteriorMeanVariance, ACTIVE_UNIT_THRESHOLD, present);
  }, [views, present]);
  const renderGridView = useCallback((w: number) => {
    if (!views?.grid || !data) return placeholder(latent === 2 ? 'Waiting for the first evaluation…' : 'The decoded grid needs a 2-D latent space (d_z = 2).');
    return renderToyGrid(w, data.evaluation.x, views.grid, present);
  }, [views, data, latent, present]);
  const renderSamplesView = useCallback((w: number) => (views && data ? renderToySamples(w, data.evaluation.x, views.prior, present) : placeholder('…')), [views, data, present]);
  const renderReconView = useCallback((w: number) => (views && data ? renderToyRecon(w, data.evaluation.x, views.reconInputs, views.recon, present) : placeholder('…')), [views, data, present]);

  const reconImages = useMemo(() => (views ? concat(views.reconInputs, views.recon) : null), [views]);

  // ---- text ----------------------------------------------------------------------------------
  const ev = views?.evaluation;
  const dz = trainer?.latentDim ?? latent;
  const lastBatch = lossPoints[lossPoints.length - 1];
  const formula = ev
    ? `\\underbrace{${fmtNats(ev.recon)}}_{D} + ${fmtBeta(beta)} \\times \\underbrace{${fmtNats(ev.kl, 2)}}_{R} = ${fmtNats(ev.recon + beta * ev.kl)}\\ \\text{nats}`
    : 'D + \\beta R';
  const isDigits = kind === 'digits';
  const side = data?.side ?? 28;
  const axesLabel = views && views.axes[1] >= 0 ? `dimensions ${views.axes[0] + 1} and ${views.axes[1] + 1}` : 'dimension 1';
  const error = loop.error;

  return (
    <div className="widget-body beta-vae">
      <div className="controls vae-controls">
        <div className="vae-beta"><ParamControl name="beta" /></div>
        <ParamControl name="data" />
        <ParamControl name="hidden" />
        <ParamControl name="latent" />
        <ParamControl name="seed" />
      </div>
      {error && <p className="widget-message" role="alert">{error}</p>}
      <PlayControls
        onStep={onStep}
        onReset={loop.reset}
        disabled={!trainer}
        status={<span ref={statusRef} data-testid="vae-step">{trainer ? `step ${trainer.stepCount}` : isDigits && !data ? 'loading digits…' : 'starting…'}</span>}
      />
      <div className="readouts">
        <Readout label="step of these readouts" value={views ? String(views.step) : '…'} testId="vae-view-step" />
        <Readout label="−ELBO = D + R (nats)" value={ev ? fmtNats(ev.negElbo) : '…'} testId="vae-neg-elbo" title="Negative ELBO on the 500 evaluation rows with fixed noise, nats per example." />
        <Readout label="distortion D (nats)" value={ev ? fmtNats(ev.recon) : '…'} testId="vae-distortion" title="−E_q[log p(x|z)], the reconstruction term." />
        <Readout label="rate R = KL (nats)" value={ev ? fmtNats(ev.kl, 2) : '…'} testId="vae-rate" title="KL(q(z|x) ‖ p(z)), averaged over the evaluation rows." />
        <Readout label="active units" value={ev ? `${ev.activeUnits} of ${ev.klPerDim.length}` : '…'} testId="vae-active" title="Latent dimensions whose posterior mean varies across inputs: Var_x μ_j(x) > 0.01." />
      </div>
      <div className="formula" aria-live="off">
        <span className="widget-note">What training minimises, on the evaluation rows:</span> <Tex tex={`-\\mathcal{L}_\\beta = ${formula}`} />
      </div>

      <div className="vae-panels">
        <section className="vae-panel">
          <h4>Loss terms over training</h4>
          <PlotView render={renderLossView} className="vae-loss" minHeight={present ? 460 : 300} label={`Negative ELBO, distortion and rate over ${lastBatch?.step ?? 0} training steps, per minibatch, smoothed.`} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-1)' }} /> −ELBO</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-2)' }} /> distortion D</li>
            <li><span style={{ background: 'var(--series-3)' }} /> rate R (KL)</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-4)' }} /> β changed</li>
          </ul>
        </section>
        <section className="vae-panel">
          <h4>Rate–distortion plane</h4>
          <PlotView render={renderRdView} className="vae-rd" minHeight={present ? 380 : 260} label={`Rate against distortion: this run's path and ${rdState.marks.length} marks left by earlier β values.`} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-1)' }} /> this run</li>
            <li><span className="dot" style={{ background: 'var(--series-2)' }} /> where earlier β values got to</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-4)' }} /> D + βR = const</li>
          </ul>
          <button type="button" className="tool-button" onClick={clearMarks} disabled={rdState.marks.length === 0}>Clear the marks</button>
        </section>
        <section className="vae-panel">
          <h4>Latent space: posterior means, 1σ ellipses</h4>
          <PlotView render={renderLatentView} className="vae-latent" minHeight={present ? 560 : 340} label={`Posterior means of 500 evaluation inputs in latent ${axesLabel}, coloured by class, with the prior's 1σ and 2σ circles.`} />
          {data && (
            <ul className="legend vae-classes" aria-hidden="true">
              {Array.from({ length: data.classes }, (_, c) => (
                <li key={c}><span className="dot" style={{ background: classColor(c) }} /> {isDigits ? c : `${dataName === 'pinwheel' ? 'arm' : dataName === 'rings' ? 'ring' : 'moon'} ${c + 1}`}</li>
              ))}
            </ul>
          )}
          {views && views.axes[1] >= 0 && dz > 2 && <p className="widget-note">The two dimensions with the largest KL, z{views.axes[0] + 1} and z{views.axes[1] + 1}.</p>}
        </section>
        <section className="vae-panel">
          <h4>{isDigits ? 'Decoder over a grid of z: the manifold of digits' : 'Decoder over a grid of z'}</h4>
          {isDigits ? (
            latent === 2 ? (
              <DigitGrid images={views?.grid?.x ?? null} cols={GRID_STEPS.digits} rows={GRID_STEPS.digits} side={side} gap={0} label={`Decoder means over a ${GRID_STEPS.digits} by ${GRID_STEPS.digits} grid of z from −3 to 3 in each latent dimension.`} className="vae-manifold" testId="vae-manifold" />
            ) : (
              <p className="widget-note">The grid of decoded z needs a 2-D latent space: set d_z = 2.</p>
            )
          ) : (
            <PlotView render={renderGridView} className="vae-toy-grid" minHeight={present ? 520 : 340} label="The image of a grid of z from −3 to 3 under the decoder's mean, over the data." />
          )}
          <p className="widget-note">z from −3 to 3 in each direction{isDigits ? ', z₁ left to right, z₂ bottom to top' : ''}.</p>
        </section>
        <section className="vae-panel">
          <h4>Samples from the prior: decoder means at z ∼ N(0, I)</h4>
          {isDigits ? (
            <DigitGrid images={views?.prior ?? null} cols={8} rows={4} side={side} gap={2} label="32 decoder means at draws from the prior." className="vae-samples" testId="vae-samples" />
          ) : (
            <PlotView render={renderSamplesView} className="vae-toy-samples" minHeight={present ? 520 : 340} label="Decoder means at 600 draws from the prior, over the data." />
          )}
        </section>
        <section className="vae-panel">
          <h4>Reconstructions of chosen inputs</h4>
          {isDigits ? (
            <>
              <DigitGrid images={reconImages} cols={10} rows={2} side={side} gap={2} label="Top row: one evaluation digit of each class; bottom row: the decoder's mean at its posterior mean." className="vae-recon" testId="vae-recon" />
              <p className="widget-note">Top: inputs. Bottom: the decoder's mean at z = μ(x).</p>
            </>
          ) : (
            <PlotView render={renderReconView} className="vae-toy-recon" minHeight={present ? 520 : 340} label="Sixteen chosen points with arrows to their reconstructions." />
          )}
        </section>
        <section className="vae-panel vae-panel-wide">
          <h4>KL per latent dimension</h4>
          <PlotView render={renderKlView} className="vae-kl-dims" minHeight={present ? 260 : 170} label={ev ? `KL per latent dimension; ${ev.activeUnits} of ${ev.klPerDim.length} dimensions active.` : 'KL per latent dimension.'} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-1)' }} /> active (Var μ_j &gt; 0.01)</li>
            <li><span style={{ background: 'var(--text-soft)' }} /> collapsed to the prior</li>
          </ul>
        </section>
      </div>
      <div className="vae-notes">
        <p className="widget-note">
          Changing the data, d_z, the width or the seed starts a new run; β changes the objective of the run in progress. The readouts and the views use 500 evaluation rows with fixed noise, so they are comparable from step to step; the loss curves are single minibatches, smoothed.
        </p>
        <p className="widget-note">
          {isDigits
            ? <>Decoder: Bernoulli, one logit per pixel (the reconstruction term is binary cross-entropy from logits). Encoder 784–{hidden}–{2 * dz}, decoder {dz}–{hidden}–784, ReLU; Adam with learning rate 10⁻³ on batches of 64 from 4,500 training digits.</>
            : <>Decoder: Gaussian with fixed s = 0.3 (the reconstruction term is the squared error ÷ 2s², plus a constant). Encoder 2–{hidden}–{2 * dz}, decoder {dz}–{hidden}–2, tanh; Adam with learning rate 3·10⁻³ on batches of 64 from 2,000 points.</>}
        </p>
        {isDigits && <p className="widget-note">{DIGITS_CREDIT.replace(/`/g, '')} Served with this page: {data ? `${Math.round(data.bytes / 1000)} kB` : '…'} for 5,000 digits at one bit per pixel.</p>}
        {trainer && (
          <p className="widget-note" data-testid="vae-thread" data-thread={trainer.thread} data-backend={trainer.backend}>
            {trainer.thread === 'worker'
              ? `Training runs in a background thread (a Web Worker) on ${BACKEND_LABEL[trainer.backend]}, so the page keeps responding while it trains.`
              : `Training runs on the page's own thread, on ${BACKEND_LABEL[trainer.backend]}.`}
          </p>
        )}
        <span hidden data-testid="vae-tensors" data-tensors={views?.tensors ?? ''} />
      </div>
    </div>
  );
}

function placeholder(text: string): Element {
  const p = document.createElement('p');
  p.className = 'widget-note';
  p.textContent = text;
  return p;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
