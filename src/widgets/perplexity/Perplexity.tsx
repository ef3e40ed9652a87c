import { useCallback, useId, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import {
  CAT_SAT_EXAMPLE, bitsPerDim, entropy, natsPerImage, nll, renormaliseAfterDrag, sequenceNll, uniformNll,
} from '../../core/metrics/perplexity';
import { fmtCount, fmtFixed, fmtSig } from '../metrics-lab/format';
import { TEST_TEXT, normalised } from './model';

const WORDS = CAT_SAT_EXAMPLE.words;
const PARAMS = ['pMat', 'pFloor', 'pTable'] as const;
/** Preset image sizes for the converter. */
const IMAGE_SIZES = [
  { label: 'MNIST 28 × 28', D: 784 },
  { label: 'CIFAR-10 32 × 32 × 3', D: 3072 },
  { label: 'ImageNet 64 × 64 × 3', D: 12288 },
];

type SvgWithScales = SVGSVGElement & { scale: (n: string) => { apply: (v: unknown) => number; invert?: (v: number) => number; bandwidth?: number } };

export default function Perplexity() {
  const { store, present } = useWidget();
  const raw = [useParam<number>('pMat'), useParam<number>('pFloor'), useParam<number>('pTable')];
  const truth = useParam<string>('truth');
  const vocab = useParam<number>('vocab');
  const dims = useParam<number>('dims');
  const nats = useParam<number>('nats');
  const unitScale = useParam<boolean>('unitScale');
  const { probs, note } = useMemo(() => normalised(raw), [raw[0], raw[1], raw[2]]); // eslint-disable-line react-hooks/exhaustive-deps
  const trueIndex = Math.max(0, WORDS.indexOf(truth as (typeof WORDS)[number]));

  const setProb = useCallback((i: number, v: number) => {
    const next = renormaliseAfterDrag(probs, i, Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000);
    store.getState().setParams(Object.fromEntries(PARAMS.map((p, j) => [p, next[j]])));
  }, [probs, store]);

  const one = nll(probs, trueIndex);
  const h = entropy(probs);
  const seq = sequenceNll(TEST_TEXT.map((w) => probs[WORDS.indexOf(w)]));
  const uni = uniformNll(vocab);
  const levels = unitScale ? 256 : 1;
  const bpd = bitsPerDim(nats, dims, levels);

  // Dragging: listeners on a wrapper that outlives each redrawn SVG, so a drag survives redraws.
  const dragHost = useRef<HTMLDivElement>(null);
  const dragging = useRef<number | null>(null);
  const pointerTo = useCallback((e: React.PointerEvent, start: boolean) => {
    const svg = dragHost.current?.querySelector('svg') as SvgWithScales | null;
    if (!svg) return;
    const rect = svg.getBoundingClientRect();
    const w = Number(svg.getAttribute('width')) || rect.width, hgt = Number(svg.getAttribute('height')) || rect.height;
    const px = ((e.clientX - rect.left) * w) / rect.width, py = ((e.clientY - rect.top) * hgt) / rect.height;
    const x = svg.scale('x'), y = svg.scale('y');
    if (start) {
      const bw = x.bandwidth ?? 0;
      const i = WORDS.findIndex((word) => px >= x.apply(word) && px <= x.apply(word) + bw);
      if (i < 0) return;
      dragging.current = i;
      dragHost.current?.setPointerCapture(e.pointerId);
    }
    if (dragging.current === null || !y.invert) return;
    setProb(dragging.current, y.invert(py));
  }, [setProb]);

  const k2 = present ? 2 : 1;
  const barHeight = present ? 340 : 230;
  const renderBars = useCallback((width: number) => {
    const rows = WORDS.map((word, i) => ({ word, p: probs[i], truth: i === trueIndex }));
    return Plot.plot({
      width: Math.min(width, present ? 700 : 460),
      height: barHeight,
      marginLeft: 44,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: [...WORDS], label: null, padding: 0.25 },
      y: { domain: [0, 1], label: 'model probability q', grid: true },
      marks: [
        Plot.barY(rows, { x: 'word', y: 'p', fill: (r: { truth: boolean }) => (r.truth ? 'var(--series-2)' : 'var(--series-1)'), fillOpacity: 0.85 }),
        Plot.text(rows, { x: 'word', y: 'p', text: (r: { p: number }) => r.p.toFixed(3), dy: -9 * k2, fill: 'var(--text)' }),
        Plot.ruleY([0]),
      ],
    });
  }, [probs, trueIndex, barHeight, present, k2]);

  const qs = probs[trueIndex];
  const tex = Number.isFinite(one.nats)
    ? String.raw`\begin{aligned} \operatorname{NLL} &= -\log q(\text{${WORDS[trueIndex]}}) = -\log ${fmtFixed(qs, 3)} = ${fmtFixed(one.nats, 3)}\text{ nats} = ${fmtFixed(one.bits, 3)}\text{ bits} \\ \operatorname{PPL} &= e^{${fmtFixed(one.nats, 3)}} = 1/${fmtFixed(qs, 3)} = ${fmtCount(one.perplexity)} \end{aligned}`
    : String.raw`q(\text{${WORDS[trueIndex]}}) = 0:\ \operatorname{NLL} = \operatorname{PPL} = \infty`;
  const bpdTex = String.raw`\frac{${fmtSig(nats, 6)}}{${dims} \times \log 2}${unitScale ? ' + 8' : ''} = ${fmtFixed(bpd, 3)}\text{ bits/dim}`;

  const natsId = useId(), bpdId = useId();
  const [bpdDraft, setBpdDraft] = useState<string | null>(null);

  return (
    <div className="perplexity-lab">
      <div className="widget-body with-side">
        <div className="ppl-main">
          <p className="ppl-context">“The cat sat on the <strong>___</strong>”: the model’s next-word probabilities. Drag a bar (the others keep their proportions), or use the sliders.</p>
          <div
            ref={dragHost}
            className="ppl-drag"
            onPointerDown={(e) => pointerTo(e, true)}
            onPointerMove={(e) => dragging.current !== null && pointerTo(e, false)}
            onPointerUp={() => { dragging.current = null; }}
            onPointerCancel={() => { dragging.current = null; }}
          >
            <PlotView render={renderBars} className="ppl-bars" label={`Bar chart of the model's next-word probabilities: ${WORDS.map((w, i) => `${w} ${probs[i].toFixed(3)}`).join(', ')}; the true word is ${WORDS[trueIndex]}.`} minHeight={barHeight} />
          </div>
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-2)' }} /> the true next word</li>
            <li><span style={{ background: 'var(--series-1)' }} /> other words</li>
          </ul>
          <div className="formula" aria-live="polite"><Tex tex={tex} display /></div>
          <div className="readouts">
            <Readout label={`NLL of “${WORDS[trueIndex]}” (nats)`} value={fmtFixed(one.nats, 3)} testId="ppl-nats" />
            <Readout label="NLL (bits)" value={fmtFixed(one.bits, 3)} testId="ppl-bits" />
            <Readout label="perplexity 1/q" value={fmtCount(one.perplexity)} testId="ppl-ppl" />
            <Readout label="entropy H(q) (nats)" value={fmtFixed(h.nats, 3)} testId="ppl-entropy" title="The expected NLL if the words really followed q." />
            <Readout label="exp H(q)" value={fmtCount(h.perplexity)} testId="ppl-entropy-ppl" title="The perplexity of a long text whose words follow q." />
            <Readout label="text “mat, floor, mat, table”: NLL (nats)" value={fmtFixed(seq.nats, 3)} testId="ppl-seq-nats" />
            <Readout label="… its perplexity" value={fmtCount(seq.perplexity)} testId="ppl-seq-ppl" />
          </div>
          <p className="widget-note" data-testid="ppl-reading">
            {Number.isFinite(one.perplexity)
              ? `Perplexity ${fmtCount(one.perplexity)}: on this word the model was as surprised as a fair choice among ${fmtCount(one.perplexity)} equally likely words would be. Over a long text whose words follow q, it would be as unsure as a fair choice among ${fmtCount(h.perplexity)}.`
              : 'The model ruled out the word that actually came: its NLL and perplexity are infinite, whatever it predicts elsewhere.'}
          </p>
          {[note, one.warning, seq.warning].filter(Boolean).map((m) => <p key={m} className="widget-message" role="status">{m}</p>)}
        </div>
        <div className="controls">
          <ParamControl name="truth" />
          {WORDS.map((word, i) => (
            <ProbSlider key={word} word={word} value={probs[i]} onChange={(v) => setProb(i, v)} />
          ))}
          <ParamControl name="vocab" />
          <Readout label={`uniform over V = ${vocab.toLocaleString('en')} words`} value={`${fmtFixed(uni.nats, 3)} nats, PPL ${vocab.toLocaleString('en')}`} testId="ppl-uniform" title="A uniform model has NLL log V on every word and perplexity V." />
        </div>
      </div>
      <section className="ppl-converter" aria-label="Bits per dimension converter">
        <h4>Nats per image ↔ bits per dimension</h4>
        <div className="ppl-converter-row">
          <div className="control">
            <label htmlFor={natsId}>NLL per image (nats)</label>
            <input
              id={natsId}
              type="number"
              min={0}
              step="any"
              value={nats}
              data-param="nats"
              onChange={(e) => {
                const v = Number(e.currentTarget.value);
                if (e.currentTarget.value !== '' && Number.isFinite(v)) store.getState().setParam('nats', v);
                setBpdDraft(null);
              }}
            />
          </div>
          <div className="control">
            <label htmlFor={bpdId}>bits per dimension</label>
            <input
              id={bpdId}
              type="number"
              step="any"
              value={bpdDraft ?? Number(bpd.toFixed(4))}
              data-testid="ppl-bpd-input"
              onChange={(e) => {
                setBpdDraft(e.currentTarget.value);
                const v = Number(e.currentTarget.value);
                if (e.currentTarget.value !== '' && Number.isFinite(v)) store.getState().setParam('nats', Math.max(0, natsPerImage(v, dims, levels)));
              }}
              onBlur={() => setBpdDraft(null)}
            />
          </div>
          <ParamControl name="dims" />
        </div>
        <div className="preset-buttons" role="group" aria-label="Image sizes">
          {IMAGE_SIZES.map((s) => (
            <button key={s.D} type="button" aria-pressed={dims === s.D} onClick={() => store.getState().setParam('dims', s.D)}>{s.label}</button>
          ))}
        </div>
        <ParamControl name="unitScale" />
        <div className="formula"><Tex tex={bpdTex} display /></div>
        <div className="readouts">
          <Readout label="bits/dim" value={fmtFixed(bpd, 3)} testId="ppl-bpd" />
          <Readout label="bits per image" value={fmtFixed(nats / Math.LN2 + (unitScale ? 8 * dims : 0), 1)} testId="ppl-bits-image" />
          <Readout label="size against raw 8-bit pixels" value={`${fmtSig((100 * bpd) / 8, 3)} %`} testId="ppl-ratio" title="An ideal compressor built on the model would store the data in this fraction of 8 bits per value." />
        </div>
      </section>
    </div>
  );
}

function ProbSlider({ word, value, onChange }: { word: string; value: number; onChange: (v: number) => void }) {
  const id = useId();
  const text = value.toFixed(3);
  return (
    <div className="control control-slider">
      <label htmlFor={id}>q({word})</label>
      <input id={id} type="range" min={0} max={1} step={0.001} value={value} aria-valuetext={text} onChange={(e) => onChange(Number(e.currentTarget.value))} />
      <output htmlFor={id} aria-live="off">{text}</output>
    </div>
  );
}
