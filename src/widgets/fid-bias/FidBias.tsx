import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { useAppStore } from '../../ui/appStore';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { biasVersusN, expectedFidApprox } from '../../core/metrics/toyGaussians';
import { BIAS_DRAWS, BIAS_KID_SUBSETS, biasDrawSeed, biasSampleSizes } from './bias';
import { fmtSig } from '../metrics-lab/format';

interface Draw {
  n: number;
  draw: number;
  fid: number;
  kid: number;
  kidStd: number;
  /** FID with no more points than dimensions: its covariances are singular. */
  singular: boolean;
}

function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** FID's upward bias against KID's unbiasedness, as the sample size N grows, in d dimensions. */
export default function FidBias() {
  const { present } = useWidget();
  const d = useParam<number>('d');
  const seed = useParam<number>('seed');
  const ns = useMemo(() => biasSampleSizes(d), [d]);
  const [draws, setDraws] = useState<Draw[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const seq = useRef(0);
  const backendEpoch = useAppStore((s) => s.backendEpoch);

  // The sweep runs one (N, draw) at a time, smallest N first, and shows each point as it lands; a
  // new d or seed abandons the old sweep at its next step.
  useEffect(() => {
    const mine = ++seq.current;
    let cancelled = false;
    const alive = () => !cancelled && mine === seq.current;
    setDraws([]);
    setDone(false);
    setError(null);
    (async () => {
      await loadTf();
      for (const n of ns) {
        for (let draw = 0; draw < BIAS_DRAWS; draw++) {
          if (!alive()) return;
          const r = await biasVersusN({ d, ns: [n], seed: biasDrawSeed(seed, draw), kid: { subsets: BIAS_KID_SUBSETS } });
          if (!alive()) return;
          const row: Draw = { n, draw, fid: r.fid[0], kid: r.kid[0], kidStd: r.kidStd[0], singular: n <= d };
          setDraws((ds) => [...ds, row]);
          await nextPaint();
        }
      }
      if (alive()) setDone(true);
    })().catch((e: unknown) => alive() && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [d, seed, ns, backendEpoch]);

  const summary = useMemo(() => ns.map((n) => {
    const rows = draws.filter((r) => r.n === n);
    return {
      n,
      count: rows.length,
      fid: rows.length ? mean(rows.map((r) => r.fid)) : NaN,
      kid: rows.length ? mean(rows.map((r) => r.kid)) : NaN,
      expected: expectedFidApprox(d, n),
    };
  }), [draws, ns, d]);

  const k2 = present ? 2 : 1;
  const height = present ? 340 : 230;
  const curve = useMemo(() => {
    const out: { n: number; y: number }[] = [];
    const lo = Math.log(ns[0]), hi = Math.log(ns[ns.length - 1]);
    for (let i = 0; i <= 60; i++) {
      const n = Math.exp(lo + ((hi - lo) * i) / 60);
      out.push({ n, y: expectedFidApprox(d, n) });
    }
    return out;
  }, [ns, d]);

  // N doubles from point to point: a linear axis in log₂ N labelled with N itself.
  const xAxis = useMemo(() => {
    const logs = ns.map((n) => Math.log2(n));
    return {
      domain: [logs[0] - 0.4, logs[logs.length - 1] + 0.4], label: 'sample size N (both sets; log scale)',
      ticks: logs, tickFormat: (v: number) => String(2 ** v),
    };
  }, [ns]);

  const renderFid = useCallback((width: number) => {
    const ys = [...draws.map((r) => r.fid), ...curve.map((c) => c.y)].filter((y) => y > 0);
    const lo = Math.min(...ys) / 1.5, hi = Math.max(...ys) * 1.5;
    const decades: number[] = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) decades.push(10 ** e);
    return Plot.plot({
      width,
      height,
      marginLeft: 52,
      style: { fontSize: present ? '16px' : '11px', background: 'transparent' },
      x: xAxis,
      y: { type: 'log', domain: [lo, hi], label: 'FID (log scale)', grid: true, ticks: decades, tickFormat: (v: number) => fmtSig(v, 1) },
      marks: [
        Plot.line(curve, { x: (c: { n: number }) => Math.log2(c.n), y: 'y', stroke: 'var(--series-3)', strokeWidth: 2 * k2, strokeDasharray: '6 4' }),
        Plot.dot(draws.filter((r) => r.fid > 0), { x: (r: Draw) => Math.log2(r.n), y: 'fid', r: 3.5 * k2, fill: (r: Draw) => (r.singular ? 'none' : 'var(--series-2)'), stroke: 'var(--series-2)', strokeWidth: k2 }),
      ],
    });
  }, [draws, curve, xAxis, height, present, k2]);

  const renderKid = useCallback((width: number) => {
    const lo = Math.min(0, ...draws.map((r) => r.kid - r.kidStd)), hi = Math.max(1e-6, ...draws.map((r) => r.kid + r.kidStd));
    const pad = 0.1 * (hi - lo);
    return Plot.plot({
      width,
      height,
      marginLeft: 60,
      style: { fontSize: present ? '16px' : '11px', background: 'transparent' },
      x: xAxis,
      y: { domain: [lo - pad, hi + pad], label: 'KID (± std over subsets)', grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--series-3)', strokeWidth: 2 * k2, strokeDasharray: '6 4' }),
        // Draws at one N sit side by side so their bars do not hide each other.
        Plot.ruleX(draws, { x: (r: Draw) => Math.log2(r.n) + 0.16 * (r.draw - 1), y1: (r: Draw) => r.kid - r.kidStd, y2: (r: Draw) => r.kid + r.kidStd, stroke: 'var(--series-1)', strokeOpacity: 0.6, strokeWidth: k2 }),
        Plot.dot(draws, { x: (r: Draw) => Math.log2(r.n) + 0.16 * (r.draw - 1), y: 'kid', r: 3.5 * k2, fill: 'var(--series-1)' }),
      ],
    });
  }, [draws, xAxis, height, present, k2]);

  const last = summary[summary.length - 1];
  const first = summary[0];
  const singularNs = ns.filter((n) => n <= d);

  return (
    <div className="fid-bias metrics-main">
      {error && <p className="widget-message" role="alert">{error}</p>}
      <div className="controls metrics-controls">
        <ParamControl name="d" />
        <ParamControl name="seed" />
      </div>
      <div className="metrics-bias-plots">
        <div>
          <PlotView render={renderFid} className="bias-fid" label={`FID between two samples of the same ${d}-dimensional standard Gaussian, for N from ${ns[0]} to ${ns[ns.length - 1]}, ${BIAS_DRAWS} draws each, with the predicted bias.`} minHeight={height} />
          <ul className="legend" aria-hidden="true">
            <li><span className="dot" style={{ background: 'var(--series-2)' }} /> FID, one dot per draw{singularNs.length > 0 && ' (hollow: N ≤ d)'}</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> predicted E[FID]</li>
          </ul>
        </div>
        <div>
          <PlotView render={renderKid} className="bias-kid" label={`KID between the same pairs of samples, with its standard deviation over ${BIAS_KID_SUBSETS} subsets; the true value is 0.`} minHeight={height} />
          <ul className="legend" aria-hidden="true">
            <li><span className="dot" style={{ background: 'var(--series-1)' }} /> KID ± std over subsets</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> true value 0</li>
          </ul>
        </div>
      </div>
      <div className="formula"><Tex tex={String.raw`\E[\FID] \approx \frac{2d}{N} + \frac{d(d+1)}{2(N-1)}` + (last ? String.raw` = ${fmtSig(last.expected)} \text{ at } d = ${d},\ N = ${last.n}` : '')} display /></div>
      <div className="metrics-bias-plots">
        <div className="metrics-table-wrap">
          <table className="metrics-table bias-table" data-testid="bias-table" data-done={done ? 'true' : 'false'}>
            <caption>Means over {BIAS_DRAWS} draws; the true FID and KID are both 0.</caption>
            <thead>
              <tr><th scope="col">N</th><th scope="col">FID</th><th scope="col">predicted E[FID]</th><th scope="col">KID</th></tr>
            </thead>
            <tbody>
              {summary.map((s) => (
                <tr key={s.n} data-n={s.n}>
                  <th scope="row">{s.n}{s.n <= d ? ' (N ≤ d)' : ''}</th>
                  <td data-col="fid">{s.count === BIAS_DRAWS ? fmtSig(s.fid) : '…'}</td>
                  <td data-col="expected">{fmtSig(s.expected)}</td>
                  <td data-col="kid">{s.count === BIAS_DRAWS ? fmtSig(s.kid) : '…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="widget-note bias-notes">
          <p>Both sets are drawn from N(0, I) in d = {d} dimensions. FID overshoots at every finite N, by about {first ? fmtSig(first.expected) : '…'} at N = {ns[0]} and {last ? fmtSig(last.expected) : '…'} at N = {ns[ns.length - 1]}: it falls like 1/N, and in d dimensions it needs N well above d², not just above d, to come near 0.</p>
          <p>KID is unbiased: its draws scatter around 0 (some below) at every N, and only their spread shrinks.</p>
          {singularNs.length > 0 && <p>With N ≤ d (N = {singularNs.join(', ')}) the sample covariances are singular; the Newton–Schulz square root then works on them plus a small ridge, and FID is far from its large-sample value.</p>}
          <p>Each N gets {BIAS_DRAWS} independent pairs of samples; KID uses {BIAS_KID_SUBSETS} subsets of N/2 points (at most 1,000) per pair.</p>
        </div>
      </div>
    </div>
  );
}
