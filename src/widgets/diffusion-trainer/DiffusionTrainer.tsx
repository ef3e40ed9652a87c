import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadTf } from '../../ui/tf-backend';
import { useParam, useWidget, useWidgetState } from '../../ui/widget-context';
import { ParamControl, PlayControls, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { useTrainingLoop } from '../../ui/useTrainingLoop';
import { makeSchedule, type ScheduleKind } from '../../core/diffusion/schedules';
import { noiseAt } from '../../core/diffusion/forward';
import { arrowGrid } from '../../core/diffusion/model';
import { DiffusionTrainer as Trainer } from '../../core/diffusion/trainer';
import { gaussianKernelMmd2 } from '../../core/diffusion/mmd';
import { arrowSegments, datasetPoints, qualityStepCounts, type ArrowField, type DiffusionDataset } from '../../core/diffusion/views';
import type { SampleOptions } from '../../core/diffusion/samplers';
import { ThinnedSeries } from '../../core/vae/views';
import { childSeed } from '../../core/random';
import { fmtFixed, fmtMs } from '../diffusion-common/format';
import { BoundedSlider } from '../diffusion-common/BoundedSlider';
import { DrawSurface, DrawTools, useDrawnPoints } from '../diffusion-common/DrawTools';
import { sampleOverFrames, type TimedSample } from './sampling';
import { CLIP_X0, EVAL_POINTS, QUALITY_H, TRAIN_POINTS } from './constants';
import { renderField, renderLoss, renderQuality, renderSamples, type LossPoint, type QualityPoint } from './plots';

/** Points whose paths are drawn from x_T to x₀. */
const TRACK = 10;
/** Arrows per side of the field grid, and the grid's extent. */
const FIELD_SIDE = 15;
const FIELD_EXTENT = 2.7;
/** Redraw the field every this many training steps. */
const FIELD_EVERY = 200;
/** While training, a quick DDIM preview every this many steps. */
const PREVIEW_EVERY = 500;
const PREVIEW_STEPS = 20;
const PREVIEW_POINTS = 500;
/** Sampling per frame: most of a frame when training is paused, a sliver beside training. */
const SAMPLE_BUDGET_MS = 12;
const PREVIEW_BUDGET_MS = 2;
/**
 * While training runs, the page changes at most this often: step counter, loss, field and preview
 * land together. Every change repaints the chapter around the widget (tens of thousands of KaTeX
 * boxes), which costs several milliseconds, so it must not happen every frame.
 */
const VIEW_EVERY_MS = 500;
/** The moving points are redrawn this often while sampling, at most this many of them. */
const MOVING_EVERY_MS = 400;
const MOVING_POINTS = 600;

const GRID = arrowGrid(FIELD_SIDE, -FIELD_EXTENT, FIELD_EXTENT);

interface Samples {
  points: Float32Array;
  paths: { xy: Float32Array; trackCount: number } | null;
  method: 'ddpm' | 'ddim';
  steps: number;
  eta: number;
  n: number;
  atStep: number;
  preview: boolean;
  wallMs: number;
  computeMs: number;
  frames: number;
  id: number;
}

type JobKind = 'sample' | 'preview' | 'quality';
interface Job {
  kind: JobKind;
  cancelled: boolean;
}

export default function DiffusionTrainer() {
  const { store, present } = useWidget();
  const data = useParam<DiffusionDataset>('data');
  const kind = useParam<ScheduleKind>('schedule');
  const T = useParam<number>('T');
  const seed = useParam<number>('seed');
  const lr = useParam<number>('lr');
  const sampler = useParam<'ddpm' | 'ddim'>('sampler');
  const stepsParam = useParam<number>('steps');
  const eta = useParam<number>('eta');
  const n = useParam<number>('n');
  const clip = useParam<boolean>('clip');
  const fieldTParam = useParam<number>('fieldT');
  const fieldKind = useParam<'score' | 'eps'>('field');
  const preview = useParam<boolean>('preview');
  const playing = useWidgetState((s) => s.playing);
  const drawn = useDrawnPoints();
  const ddimSteps = Math.min(stepsParam, T);
  const fieldT = Math.min(fieldTParam, T);

  const schedule = useMemo(() => makeSchedule({ kind, T }), [kind, T]);
  const dataset = useMemo(() => {
    try {
      return {
        train: datasetPoints(data, TRAIN_POINTS, childSeed(seed, 'data'), drawn.points),
        evaluation: datasetPoints(data, EVAL_POINTS, childSeed(seed, 'eval'), drawn.points),
        error: null,
      };
    } catch (e) {
      return { train: null, evaluation: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [data, seed, drawn.points]);
  const drawnEmpty = data === 'drawn' && drawn.points.length === 0;

  const current = useRef<Trainer | null>(null);
  const history = useRef(new ThinnedSeries<LossPoint>(600));
  const lastLoss = useRef<LossPoint | null>(null);
  const [lossVersion, setLossVersion] = useState(0);
  /** View updates held back while training runs, applied together at the next view tick. */
  const deferred = useRef<(() => void)[]>([]);
  const lastView = useRef(0);
  const statusRef = useRef<HTMLSpanElement>(null);
  const job = useRef<Job | null>(null);
  const [busy, setBusy] = useState<JobKind | null>(null);
  const [samples, setSamples] = useState<Samples | null>(null);
  const [moving, setMoving] = useState<Float32Array | null>(null);
  const [sampleMmd, setSampleMmd] = useState<{ id: number; mmd: number } | null>(null);
  const [quality, setQuality] = useState<{ points: QualityPoint[]; ddpm: QualityPoint | null; eta: number; step: number }>({ points: [], ddpm: null, eta: 0, step: 0 });
  const [field, setField] = useState<{ arrows: ArrowField; t: number; step: number; kind: string } | null>(null);
  const [tensors, setTensors] = useState<number | null>(null);
  const [jobError, setJobError] = useState<string | null>(null);
  const fieldState = useRef({ inFlight: false, again: false, lastStep: -Infinity });
  const previewAt = useRef(0);
  const sampleId = useRef(0);

  /** Apply a view update now, or at the next view tick while training runs. */
  const applyOrDefer = useCallback((update: () => void) => {
    if (store.getState().playing) deferred.current.push(update);
    else update();
  }, [store]);

  const showStep = (t: Trainer) => {
    const el = statusRef.current;
    if (!el) return;
    el.textContent = `step ${t.stepCount}`;
    el.dataset.step = String(t.stepCount);
  };

  const countTensors = useCallback(async () => {
    const tf = await loadTf();
    setTensors(tf.memory().numTensors);
  }, []);

  // ---- the learned field ------------------------------------------------------------------
  const fieldOpts = useRef({ t: fieldT, kind: fieldKind });
  fieldOpts.current = { t: fieldT, kind: fieldKind };
  const refreshField = useCallback(async (t: Trainer) => {
    const fs = fieldState.current;
    if (fs.inFlight) {
      fs.again = true;
      return;
    }
    fs.inFlight = true;
    fs.lastStep = t.stepCount;
    try {
      const { t: at, kind: k } = fieldOpts.current;
      const step = t.stepCount;
      const f = await t.model.epsField(at, GRID);
      if (current.current !== t) return;
      const arrows = arrowSegments(GRID, k === 'score' ? f.score : f.eps, (0.75 * 2 * FIELD_EXTENT) / FIELD_SIDE);
      applyOrDefer(() => current.current === t && setField({ arrows, t: at, step, kind: k }));
    } catch {
      // A trainer disposed mid-refresh (Reset, new data) has nothing left to show.
    } finally {
      fs.inFlight = false;
      if (fs.again) {
        fs.again = false;
        if (current.current) void refreshField(current.current);
      }
    }
  }, [applyOrDefer]);

  // ---- sampling jobs ------------------------------------------------------------------------
  const cancelJob = useCallback(() => {
    if (job.current) job.current.cancelled = true;
    job.current = null;
    setBusy(null);
    setMoving(null);
  }, []);

  const sampleOptions = useCallback(
    (o: { method: 'ddpm' | 'ddim'; steps?: number; eta?: number; n: number; track: number }): SampleOptions => ({
      method: o.method,
      steps: o.steps,
      eta: o.eta,
      n: o.n,
      seed: childSeed(seed, 'sample'),
      trackCount: o.track,
      clipX0: clip ? CLIP_X0 : undefined,
    }),
    [seed, clip],
  );

  /** Run one job in the slot; training pauses for user-started jobs and resumes after. */
  const runJob = useCallback(
    async (kindOfJob: JobKind, body: (j: Job, t: Trainer) => Promise<void>) => {
      const t = current.current;
      if (!t || t.stepCount === 0) return;
      if (job.current && job.current.kind !== 'preview') return;
      if (job.current) job.current.cancelled = true;
      const j: Job = { kind: kindOfJob, cancelled: false };
      job.current = j;
      const resume = kindOfJob !== 'preview' && store.getState().playing;
      if (kindOfJob !== 'preview') {
        store.getState().setPlaying(false);
        setBusy(kindOfJob);
      }
      setJobError(null);
      try {
        await loadTf();
        await body(j, t);
      } catch (e) {
        if (!j.cancelled && current.current === t) setJobError(`Sampling failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        if (job.current === j) {
          job.current = null;
          setBusy(null);
          setMoving(null);
          if (resume && !j.cancelled) store.getState().setPlaying(true);
        }
        void countTensors();
      }
    },
    [store, countTensors],
  );

  const evaluation = dataset.evaluation;

  // The same MMD between two independent samples of the data: how small "as good as the data" is.
  const [floor, setFloor] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    setFloor(null);
    if (!evaluation) return;
    let other: Float64Array;
    try {
      other = datasetPoints(data, n, childSeed(seed, 'floor'), drawn.points);
    } catch {
      return;
    }
    loadTf()
      .then(() => gaussianKernelMmd2(other, evaluation, { h: QUALITY_H }))
      .then((m) => live && setFloor(m.mmd2))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [evaluation, data, n, seed, drawn.points]);
  const startSample = useCallback(() => {
    void runJob('sample', async (j, t) => {
      let lastMoving = performance.now();
      const opts = sampleOptions(sampler === 'ddpm' ? { method: 'ddpm', n, track: TRACK } : { method: 'ddim', steps: ddimSteps, eta, n, track: TRACK });
      const r = await sampleOverFrames(t.model, opts, {
        budgetMs: SAMPLE_BUDGET_MS,
        cancelled: () => j.cancelled,
        onFrame: (s) => {
          const now = performance.now();
          if (now - lastMoving < MOVING_EVERY_MS) return;
          lastMoving = now;
          void s.readPoints().then((p) => !j.cancelled && setMoving(p.subarray(0, 2 * MOVING_POINTS))).catch(() => undefined);
        },
      });
      if (!r || j.cancelled) return;
      const id = ++sampleId.current;
      setSamples(toSamples(r, id, t.stepCount, false, opts.method, opts.method === 'ddim' ? eta : 1));
      if (r.warning) throw new Error(r.warning);
      if (!evaluation) return;
      const m = await gaussianKernelMmd2(r.points, evaluation, { h: QUALITY_H });
      if (j.cancelled) return;
      setSampleMmd({ id, mmd: m.mmd2 });
      if (r.steps === t.model.schedule.T && opts.method === 'ddpm') {
        setQuality((q) => ({ ...q, ddpm: { steps: r.steps, mmd: m.mmd2 }, step: t.stepCount }));
      }
    });
  }, [runJob, sampleOptions, sampler, n, ddimSteps, eta, evaluation]);

  const startQuality = useCallback(() => {
    void runJob('quality', async (j, t) => {
      const counts = qualityStepCounts(t.model.schedule.T);
      const points: QualityPoint[] = [];
      setQuality((q) => ({ ...q, points: [], eta, step: t.stepCount }));
      for (const k of counts) {
        const r = await sampleOverFrames(t.model, sampleOptions({ method: 'ddim', steps: k, eta, n, track: 0 }), { budgetMs: SAMPLE_BUDGET_MS, cancelled: () => j.cancelled });
        if (!r || j.cancelled) return;
        if (r.warning) throw new Error(r.warning);
        if (!evaluation) return;
        const m = await gaussianKernelMmd2(r.points, evaluation, { h: QUALITY_H });
        if (j.cancelled) return;
        points.push({ steps: k, mmd: m.mmd2 });
        setQuality((q) => ({ ...q, points: [...points] }));
      }
    });
  }, [runJob, sampleOptions, eta, n, evaluation]);

  const startPreview = useCallback(
    (t: Trainer) => {
      previewAt.current = t.stepCount;
      void runJob('preview', async (j) => {
        const r = await sampleOverFrames(t.model, sampleOptions({ method: 'ddim', steps: Math.min(PREVIEW_STEPS, t.model.schedule.T), eta: 0, n: PREVIEW_POINTS, track: 0 }), {
          budgetMs: PREVIEW_BUDGET_MS,
          cancelled: () => j.cancelled,
        });
        if (!r || j.cancelled || r.warning) return;
        const preview = toSamples(r, ++sampleId.current, t.stepCount, true, 'ddim', 0);
        applyOrDefer(() => current.current === t && setSamples(preview));
      });
    },
    [runJob, sampleOptions, applyOrDefer],
  );

  // ---- the training loop -------------------------------------------------------------------
  const previewRef = useRef(preview);
  previewRef.current = preview;
  const loop = useTrainingLoop<{ loss: number; steps: number }>({
    create: async () => {
      await loadTf();
      if (!dataset.train) throw new Error(dataset.error ?? 'There are no data to train on.');
      return new Trainer({ data: dataset.train, schedule, seed, learningRate: store.getState().params.lr as number });
    },
    deps: [data, kind, T, seed, drawnEmpty],
    readEvery: 20,
    onTrainer: (trainer) => {
      const t = trainer as Trainer;
      cancelJob();
      deferred.current = [];
      current.current = t;
      history.current.clear();
      lastLoss.current = null;
      previewAt.current = 0;
      fieldState.current.lastStep = -Infinity;
      setSamples(null);
      setSampleMmd(null);
      setQuality({ points: [], ddpm: null, eta: 0, step: 0 });
      setLossVersion((v) => v + 1);
      showStep(t);
      void refreshField(t).then(countTensors);
    },
    onMetrics: (m, step) => {
      if (m.steps === 0) return;
      const p = { step, loss: m.loss };
      history.current.push(p);
      lastLoss.current = p;
      if (!store.getState().playing) setLossVersion((v) => v + 1);
    },
    onFrame: (_n, trainer) => {
      const t = trainer as Trainer;
      const now = performance.now();
      if (store.getState().playing && now - lastView.current < VIEW_EVERY_MS) return;
      lastView.current = now;
      const updates = deferred.current;
      deferred.current = [];
      for (const u of updates) u();
      showStep(t);
      setLossVersion((v) => v + 1);
      if (t.stepCount - fieldState.current.lastStep >= FIELD_EVERY) void refreshField(t);
      if (previewRef.current && store.getState().playing && !job.current && t.stepCount - previewAt.current >= PREVIEW_EVERY) startPreview(t);
    },
  });
  const trainer = loop.trainer as Trainer | null;

  // Drawing more points changes the data of the run in progress; the first points start a run.
  useEffect(() => {
    if (!trainer || trainer !== current.current || data !== 'drawn' || !dataset.train) return;
    try {
      trainer.setData(dataset.train);
    } catch {
      // disposed between renders; the next trainer is built from the current points
    }
  }, [dataset, trainer, data]);

  // The learning rate moves without restarting.
  useEffect(() => {
    if (trainer && trainer === current.current && trainer.learningRate !== lr) {
      try {
        trainer.learningRate = lr;
      } catch {
        // a value outside (0, ∞) cannot come from the spec's range
      }
    }
  }, [lr, trainer]);

  // The field follows its controls at once, and catches up when training pauses.
  useEffect(() => {
    if (trainer && trainer === current.current) void refreshField(trainer);
  }, [fieldT, fieldKind, trainer, refreshField, playing]);

  // When training pauses, whatever was held back lands at once, the loss is read up to the last
  // step (twice: a read in flight covers only the steps before it), and the tensors are counted in
  // that settled state (no loss sum pending), so counts compare from pause to pause.
  const stepNow = loop.step;
  useEffect(() => {
    if (playing) return;
    let live = true;
    const updates = deferred.current;
    deferred.current = [];
    for (const u of updates) u();
    setLossVersion((v) => v + 1);
    const t = current.current;
    if (!t) return;
    showStep(t);
    void (async () => {
      if (t.stepCount > 0) {
        await stepNow(0);
        await stepNow(0);
      }
      if (live && current.current === t) void countTensors();
    })();
    return () => {
      live = false;
    };
  }, [playing, countTensors, stepNow]);

  // Stop any job when the widget goes away.
  useEffect(() => () => {
    if (job.current) job.current.cancelled = true;
  }, []);

  const onStep = useCallback(async () => {
    await loop.step(1);
    if (current.current) showStep(current.current);
  }, [loop]);
  const onHundred = useCallback(async () => {
    await loop.step(100);
    if (current.current) showStep(current.current);
  }, [loop]);

  // ---- views -----------------------------------------------------------------------------------
  const lossPoints = useMemo(() => history.current.points, [lossVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  const loss = lastLoss.current;
  const noisedAtField = useMemo(() => (evaluation ? noiseAt(evaluation.subarray(0, 1000), schedule, fieldT, childSeed(seed, 'field')).xt : null), [evaluation, schedule, fieldT, seed]);

  const renderSamplesView = useCallback(
    (w: number) =>
      renderSamples(w, {
        data: evaluation,
        samples: moving ?? samples?.points ?? null,
        paths: moving ? null : samples?.paths ?? null,
        present,
        meta: { sample: samples?.id ?? 0, moving: moving ? 1 : 0 },
      }),
    [evaluation, moving, samples, present],
  );
  const renderFieldView = useCallback(
    (w: number) => renderField(w, { noised: noisedAtField, field: field?.arrows ?? null, present, meta: { t: field?.t ?? '', step: field?.step ?? '' } }),
    [noisedAtField, field, present],
  );
  const renderLossView = useCallback((w: number) => renderLoss(w, lossPoints, present), [lossPoints, present]);
  const renderQualityView = useCallback(
    (w: number) => renderQuality(w, { points: quality.points, ddpm: quality.ddpm, floor, T, eta: quality.eta, present }),
    [quality, floor, T, present],
  );

  const samplerText = sampler === 'ddpm' ? `DDPM, ${T} steps` : `DDIM, ${ddimSteps} step${ddimSteps === 1 ? '' : 's'}, η = ${Number(eta.toFixed(2))}`;
  const samplesText = samples
    ? `${samples.preview ? 'preview: ' : ''}${samples.method.toUpperCase()}, ${samples.steps} step${samples.steps === 1 ? '' : 's'}${samples.method === 'ddim' && !samples.preview ? `, η = ${Number(samples.eta.toFixed(2))}` : ''}, ${samples.n} points at training step ${samples.atStep}`
    : 'none yet';
  const mmdText = samples && !samples.preview && sampleMmd?.id === samples.id ? fmtFixed(sampleMmd.mmd, 4) : samples && !samples.preview ? '…' : '—';
  const canSample = !!trainer && trainer.stepCount > 0 && !busy;
  const error = loop.error ?? (drawnEmpty ? null : dataset.error);

  return (
    <div className="widget-body diff-trainer">
      <div className="controls diff-controls">
        <ParamControl name="data" />
        <ParamControl name="schedule" />
        <ParamControl name="T" />
        <ParamControl name="seed" />
        <ParamControl name="lr" />
        <ParamControl name="preview" />
      </div>
      {data === 'drawn' && <DrawTools drawn={drawn} note="Click or drag on the samples plot to draw training points, or place them here. Drawing more keeps training on the new points." />}
      {drawnEmpty && <p className="widget-message" role="status">Draw some points to train on.</p>}
      {error && <p className="widget-message" role="alert">{error}</p>}
      {jobError && <p className="widget-message" role="alert">{jobError}</p>}
      <PlayControls
        onStep={onStep}
        onReset={loop.reset}
        disabled={!trainer || busy !== null}
        extraSteps={[{ label: '+100 steps', onClick: onHundred }]}
        status={<span ref={statusRef} data-testid="dt-step">{trainer ? `step ${trainer.stepCount}` : drawnEmpty ? 'waiting for points' : 'starting…'}</span>}
      />
      <div className="readouts">
        <Readout label="loss ‖ε − ε_θ‖², mean of the last batches" value={loss ? fmtFixed(loss.loss, 4) : '—'} testId="dt-loss" title="Mean over the batches (200 points each) since the previous read; a network that always says 0 scores 2." />
        <Readout label="at step" value={loss ? String(loss.step) : '—'} testId="dt-loss-step" />
        <Readout label="network parameters" value={trainer ? trainer.model.parameterCount.toLocaleString('en-US') : '—'} testId="dt-params" />
        <Readout label="tensors in memory" value={tensors === null ? '—' : String(tensors)} testId="dt-tensors" title="tf.memory().numTensors: constant from step to step when nothing leaks." />
      </div>
      <div className="diff-panels diff-trainer-panels">
        <section className="diff-col">
          <h4 className="diff-heading">Samples over held-out data</h4>
          <DrawSurface drawn={drawn} enabled={data === 'drawn'}>
            <PlotView render={renderSamplesView} className="dt-samples" minHeight={present ? 620 : 400} label={`Held-out data in grey; ${samples ? samplesText : 'no samples yet'}${samples?.paths ? `, with the paths of ${samples.paths.trackCount} points from noise (hollow) to data (filled)` : ''}.`} />
          </DrawSurface>
          <ul className="legend" aria-hidden="true">
            <li><span className="dot" style={{ background: 'var(--text-soft)', opacity: 0.5 }} /> data</li>
            <li><span className="dot" style={{ background: 'var(--series-2)' }} /> samples</li>
            <li><span style={{ background: 'var(--series-4)' }} /> paths from x_T (hollow) to x₀</li>
          </ul>
          <div className="controls">
            <ParamControl name="sampler" />
            {sampler === 'ddim' && <ParamControl name="steps" />}
            {sampler === 'ddim' && stepsParam > T && <p className="widget-note">DDIM uses at most T = {T} steps.</p>}
            {sampler === 'ddim' && <ParamControl name="eta" />}
            <ParamControl name="n" />
            <ParamControl name="clip" />
            <button type="button" className="primary" onClick={startSample} disabled={!canSample}>
              {busy === 'sample' ? 'Sampling…' : `Sample (${samplerText})`}
            </button>
          </div>
        </section>
        <section className="diff-col">
          <h4 className="diff-heading">Learned {fieldKind === 'score' ? 'score' : 'noise prediction'} at t = {fieldT}</h4>
          <PlotView render={renderFieldView} className="dt-field" minHeight={present ? 620 : 400} label={`Arrows: ${fieldKind === 'score' ? 'the score −ε_θ(x, t)/√(1 − ᾱ_t)' : 'the predicted noise ε_θ(x, t)'} at t = ${fieldT} on a ${FIELD_SIDE} by ${FIELD_SIDE} grid, over the held-out data noised to the same t.`} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-1)' }} /> {fieldKind === 'score' ? 'score: towards higher density' : 'ε_θ: away from the data'}</li>
            <li><span className="dot" style={{ background: 'var(--text-soft)', opacity: 0.5 }} /> data noised to t</li>
          </ul>
          <div className="controls">
            <BoundedSlider name="fieldT" max={T} valueText={(v) => `t = ${v} of ${T}`} />
            <ParamControl name="field" />
          </div>
          <p className="widget-note">Arrow lengths share one scale per picture (long ones capped), so compare directions and relative sizes.</p>
        </section>
      </div>
      <p className="widget-note" data-testid="dt-samples">Samples shown: {samplesText}.</p>
      <div className="readouts">
        <Readout label={`MMD² to held-out data (h = ${QUALITY_H})`} value={mmdText} testId="dt-mmd" title={`Unbiased Gaussian-kernel MMD² between the samples and ${EVAL_POINTS} held-out data points.`} />
        <Readout label="MMD² between two data samples" value={floor === null ? '…' : fmtFixed(floor, 4)} testId="dt-floor" title={`The same statistic between ${n} fresh data points and the held-out data: what a perfect sampler scores, up to chance (it can dip below 0).`} />
        <Readout label="time to sample" value={samples && !samples.preview ? fmtMs(samples.wallMs) : '—'} testId="dt-sample-time" title="From the first step to the samples read back, spread over animation frames so the page keeps painting." />
      </div>
      <div className="diff-panels diff-trainer-panels">
        <section className="diff-col">
          <h4 className="diff-heading">Training loss</h4>
          <PlotView render={renderLossView} className="dt-loss-plot" minHeight={present ? 300 : 200} label={`The simple loss over ${lossPoints.length ? lossPoints[lossPoints.length - 1].step : 0} training steps.`} />
        </section>
        <section className="diff-col">
          <h4 className="diff-heading">Sample quality against DDIM steps (η = {Number(quality.eta.toFixed(2))})</h4>
          <PlotView render={renderQualityView} className="dt-quality" minHeight={present ? 300 : 200} label={`MMD² between ${n} DDIM samples and held-out data for ${quality.points.length} step counts${quality.ddpm ? ', with DDPM as a diamond' : ''}.`} />
          <button type="button" onClick={startQuality} disabled={!canSample}>
            {busy === 'quality' ? `Measuring… ${quality.points.length} of ${qualityStepCounts(T).length}` : 'Measure quality against steps'}
          </button>
          <p className="widget-note">Blue: DDIM with 1 to T steps, the same x_T each time. Diamond: the last DDPM run. Dashed: two samples of the data itself. Lower is closer to the data.</p>
        </section>
      </div>
      <p className="widget-note">
        ε_θ: an MLP on (x_t, sin πt/T, cos πt/T, sin 2πt/T, cos 2πt/T), three hidden layers of 64 with ReLU; Adam on batches of 200 drawn from {TRAIN_POINTS.toLocaleString('en-US')} points, each with its own t ~ U{'{'}1, …, T{'}'} and ε. Samples start from the same x_T (seeded) every time.
      </p>
      <span hidden data-testid="dt-bench" data-loss={loss?.loss ?? ''} data-loss-step={loss?.step ?? ''} data-tensors={tensors ?? ''} data-sample-id={samples && !samples.preview ? samples.id : ''} data-sample-wall={samples?.wallMs ?? ''} data-sample-compute={samples?.computeMs ?? ''} data-sample-frames={samples?.frames ?? ''} data-sample-method={samples?.method ?? ''} data-sample-steps={samples?.steps ?? ''} data-sample-n={samples?.n ?? ''} data-busy={busy ?? ''} />
    </div>
  );
}

function toSamples(r: TimedSample, id: number, atStep: number, preview: boolean, method: 'ddpm' | 'ddim', eta: number): Samples {
  return {
    points: r.points,
    paths: r.trackCount > 0 ? { xy: r.trajectories, trackCount: r.trackCount } : null,
    method,
    steps: r.steps,
    eta,
    n: r.points.length / 2,
    atStep,
    preview,
    wallMs: r.wallMs,
    computeMs: r.computeMs,
    frames: r.frames,
    id,
  };
}
