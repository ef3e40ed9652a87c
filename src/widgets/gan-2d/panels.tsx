/**
 * The parts of the 2-D GAN widget that change while it trains, each subscribed to the view store:
 * one panel per run (canvas and readouts), the note saying which iteration the views show, the
 * history curves and the tensor count.
 */
import { memo, useCallback } from 'react';
import * as Plot from '@observablehq/plot';
import { Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import type { CappedHistory } from '../../core/gan/views';
import { fmt } from '../gan-losses/format';
import { FieldCanvas, type FieldCanvasProps } from './FieldCanvas';
import { useViewState, type ViewStore } from './viewStore';

export interface LossPoint {
  step: number;
  d: number;
  g: number;
}

export interface ProgressPoint {
  step: number;
  jsd: number;
  meanD: number;
}

/** History colours per run in compare mode (the field keeps real = series-1, generated = series-2). */
export const RUN_COLOURS = ['var(--series-4)', 'var(--series-3)'];

interface RunPanelProps extends Omit<FieldCanvasProps, 'label' | 'testId'> {
  title: string;
  viewStore: ViewStore;
  showHeat: boolean;
  showManifold: boolean;
  showArrows: boolean;
}

/** One run: its title, its field and its readouts. */
export const RunPanel = memo(function RunPanel({ title, viewStore, showHeat, showManifold, showArrows, ...canvas }: RunPanelProps) {
  const i = canvas.index;
  const views = useViewState(viewStore, (s) => s.views);
  const m = useViewState(viewStore, (s) => s.metrics);
  const run = views?.runs[i];
  const r = run?.readouts;
  const label = `Real points${showHeat ? ', the discriminator as a heat map' : ''}${showManifold ? ', the generator’s manifold' : ''} and ${run ? run.snapshot.samples.length / 2 : 512} generated samples${showArrows ? ' with their gradient arrows' : ''}, at iteration ${views?.step ?? 0}. Grid JSD ${r ? fmt(r.jsd, 3) : 'not yet computed'}${r?.covered != null ? `, ${r.covered} of ${r.total} modes covered` : ''}.`;
  return (
    <section className="gan-field" aria-label={title}>
      <h4>{title}</h4>
      <FieldCanvas {...canvas} label={label} testId={`gan-field-${i}`} />
      <div className="readouts">
        <Readout label="modes covered" value={r ? (r.covered === null ? '—' : `${r.covered} of ${r.total}`) : '…'} testId={`gan-modes-${i}`} title="A mode is covered when at least a quarter of its share of the 512 samples lies within 3σ of its centre." />
        <Readout label="grid JSD (nats)" value={r ? fmt(r.jsd, 3) : '…'} testId={`gan-jsd-${i}`} title="Jensen–Shannon divergence between the 20 × 20 histograms of the data and of 512 samples over [−2.5, 2.5]² (plus one cell outside); between 0 and log 2 ≈ 0.693." />
        <Readout label="KL(data ‖ model)" value={r ? fmt(r.klDataModel, 3) : '…'} testId={`gan-klf-${i}`} title="On the same grid, the model histogram smoothed by 1% toward uniform: large when modes are missed." />
        <Readout label="KL(model ‖ data)" value={r ? fmt(r.klModelData, 3) : '…'} testId={`gan-klr-${i}`} title="Large when samples land where there is no data." />
        <Readout label="mean D(G(z))" value={r ? fmt(r.meanD, 3) : '…'} testId={`gan-meand-${i}`} title="How real the discriminator finds the 512 view samples, on average." />
        <Readout label="mean ‖∂ℓ/∂x‖" value={r ? fmt(r.gradNorm, 4) : '…'} testId={`gan-grad-${i}`} title="Mean length of the gradient of each sample’s generator loss with respect to its position: the arrows’ length." />
        <Readout label="D loss" value={m ? fmt(m[`dLoss${i}`], 3) : '…'} testId={`gan-dloss-${i}`} title="On the latest discriminator batch; 2 log 2 ≈ 1.386 when D cannot tell real from fake." />
        <Readout label="G loss" value={m ? fmt(m[`gLoss${i}`], 3) : '…'} testId={`gan-gloss-${i}`} title="On the latest generator batch." />
      </div>
    </section>
  );
});

/** Which iteration the readouts and plots show. */
export function ViewNote({ viewStore }: { viewStore: ViewStore }) {
  const views = useViewState(viewStore, (s) => s.views);
  return (
    <p className="widget-note" data-testid="gan-view-step" data-step={views?.step ?? ''} data-dsteps={views?.dSteps ?? ''}>
      Readouts and plots at iteration {views ? views.step : '…'} (D steps {views ? views.dSteps : '…'}), from 512 fixed noise vectors.
    </p>
  );
}

export function TensorNote({ viewStore, children }: { viewStore: ViewStore; children: React.ReactNode }) {
  const tensors = useViewState(viewStore, (s) => s.views?.tensors ?? null);
  return (
    <p className="widget-note" data-testid="gan-tensors" data-tensors={tensors ?? ''}>
      {children}
      {tensors !== null ? ` Tensors in memory: ${tensors}.` : ''}
    </p>
  );
}

function placeholder(text: string): Element {
  const p = document.createElement('p');
  p.className = 'widget-note gan-placeholder';
  p.textContent = text;
  return p;
}

interface HistoryProps {
  viewStore: ViewStore;
  losses: { current: CappedHistory<LossPoint>[] };
  progress: { current: CappedHistory<ProgressPoint>[] };
  twoRuns: boolean;
  present: boolean;
}

/** The loss curves and the grid JSD / mean D(G(z)) curves (SVG; redrawn when the store says so). */
export const HistoryPlots = memo(function HistoryPlots({ viewStore, losses, progress, twoRuns, present }: HistoryProps) {
  const version = useViewState(viewStore, (s) => s.historyVersion);
  const iterations = useViewState(viewStore, (s) => s.views?.step ?? 0);
  const stroke = present ? 2 : 1;
  const height = present ? 260 : 170;

  const renderLosses = useCallback((width: number) => {
    if ((losses.current[0]?.points.length ?? 0) < 2) return placeholder('The losses appear here once training starts (Play or Step).');
    const marks = losses.current.flatMap((h, run) => (['d', 'g'] as const).map((kind) => {
      const rows = h.points.filter((p) => Number.isFinite(p[kind]));
      const colour = twoRuns ? RUN_COLOURS[run] : kind === 'd' ? 'var(--series-1)' : 'var(--series-2)';
      return Plot.line(rows, { x: 'step', y: kind, stroke: colour, strokeWidth: 1.6 * stroke, strokeDasharray: kind === 'g' ? '5 3' : undefined });
    }));
    return Plot.plot({
      width, height, marginLeft: 44,
      style: { fontSize: present ? '15px' : '11px', background: 'transparent' },
      x: { label: 'iteration', grid: true },
      y: { label: 'loss (nats)', grid: true },
      marks: [Plot.ruleY([0], { stroke: 'var(--text-soft)', strokeOpacity: 0.5 }), ...marks],
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, twoRuns, present, stroke, height]);

  const renderProgress = useCallback((width: number) => {
    if ((progress.current[0]?.points.length ?? 0) < 2) return placeholder('The grid JSD and mean D(G(z)) are traced here as training runs.');
    const marks = progress.current.flatMap((h, run) => {
      const c = twoRuns ? RUN_COLOURS[run] : 'var(--series-3)';
      return [
        Plot.line(h.points, { x: 'step', y: 'jsd', stroke: c, strokeWidth: 1.8 * stroke }),
        Plot.line(h.points, { x: 'step', y: 'meanD', stroke: twoRuns ? c : 'var(--series-5)', strokeWidth: 1.6 * stroke, strokeDasharray: '5 3' }),
      ];
    });
    return Plot.plot({
      width, height, marginLeft: 44,
      style: { fontSize: present ? '15px' : '11px', background: 'transparent' },
      x: { label: 'iteration', grid: true },
      y: { label: 'grid JSD (nats) · mean D(G(z))', domain: [0, 1], grid: true },
      marks: [Plot.ruleY([Math.LN2], { stroke: 'var(--text-soft)', strokeDasharray: '2 3' }), ...marks],
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, twoRuns, present, stroke, height]);

  return (
    <div className="gan-history">
      <section aria-label="Losses over training">
        <h4>Losses</h4>
        <PlotView render={renderLosses} className="gan-loss-plot" minHeight={height} label={`Discriminator and generator losses over ${iterations} iterations${twoRuns ? ' for both runs' : ''}.`} />
        <ul className="legend" aria-hidden="true">
          {twoRuns ? (
            <>
              <li><span style={{ background: RUN_COLOURS[0] }} /> saturating run</li>
              <li><span style={{ background: RUN_COLOURS[1] }} /> non-saturating run</li>
              <li><span className="dashed" style={{ borderColor: 'var(--text-soft)' }} /> G loss (solid: D loss)</li>
            </>
          ) : (
            <>
              <li><span style={{ background: 'var(--series-1)' }} /> D loss</li>
              <li><span className="dashed" style={{ borderColor: 'var(--series-2)' }} /> G loss</li>
            </>
          )}
        </ul>
      </section>
      <section aria-label="Grid JSD and mean D(G(z)) over training">
        <h4>Grid JSD and mean D(G(z))</h4>
        <PlotView render={renderProgress} className="gan-progress-plot" minHeight={height} label={`Grid Jensen–Shannon divergence and mean D(G(z)) over training${twoRuns ? ' for both runs' : ''}; the dotted line is log 2, the JSD of disjoint histograms.`} />
        <ul className="legend" aria-hidden="true">
          {twoRuns ? (
            <>
              <li><span style={{ background: RUN_COLOURS[0] }} /> saturating</li>
              <li><span style={{ background: RUN_COLOURS[1] }} /> non-saturating</li>
              <li><span className="dashed" style={{ borderColor: 'var(--text-soft)' }} /> mean D(G(z)) (solid: JSD)</li>
            </>
          ) : (
            <>
              <li><span style={{ background: 'var(--series-3)' }} /> grid JSD</li>
              <li><span className="dashed" style={{ borderColor: 'var(--series-5)' }} /> mean D(G(z))</li>
            </>
          )}
        </ul>
      </section>
    </div>
  );
});
