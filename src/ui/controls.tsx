/**
 * Shared controls. Every control is a native element with a visible label, reachable and operable
 * from the keyboard (WAI-ARIA slider pattern via <input type="range">), with its value in an
 * <output> that names what it reads.
 */
import { useId, type ReactNode } from 'react';
import { useParam, useWidget, useWidgetState } from './widget-context';
import { stepDecimals, type NumberParam, type ParamSpec } from '../widgets/types';

/** Slider positions for a log-scale parameter: fine enough that arrow keys nudge gently. */
const LOG_STEPS = 200;

export function formatNumber(v: number, p: NumberParam): string {
  if (p.kind === 'int') return String(Math.round(v));
  if (p.log) {
    // Three significant digits read well across decades (0.0123, 1.23, 123).
    return Number(v.toPrecision(3)).toString();
  }
  return v.toFixed(stepDecimals(p.step));
}

function toPosition(v: number, p: NumberParam): number {
  if (!p.log) return v;
  return Math.round((LOG_STEPS * Math.log(v / p.min)) / Math.log(p.max / p.min));
}

function fromPosition(pos: number, p: NumberParam): number {
  if (!p.log) return pos;
  const v = p.min * Math.pow(p.max / p.min, pos / LOG_STEPS);
  // Snap to the step grid so URLs and readouts stay tidy.
  const d = Math.max(stepDecimals(p.step), 0);
  return Math.min(p.max, Math.max(p.min, Number(v.toFixed(d + 2))));
}

interface ControlProps {
  /** Parameter name in the widget's spec. */
  name: string;
  /** Override the spec's label. */
  label?: ReactNode;
  disabled?: boolean;
}

/** The right control for a parameter: slider, select or checkbox. */
export function ParamControl({ name, label, disabled }: ControlProps) {
  const { spec } = useWidget();
  const p = spec.params[name];
  if (!p) throw new Error(`Widget ${spec.name} has no parameter "${name}".`);
  if (p.kind === 'enum') return <EnumControl name={name} p={p} label={label} disabled={disabled} />;
  if (p.kind === 'boolean') return <BoolControl name={name} p={p} label={label} disabled={disabled} />;
  return <SliderControl name={name} p={p} label={label} disabled={disabled} />;
}

function SliderControl({ name, p, label, disabled }: { name: string; p: NumberParam; label?: ReactNode; disabled?: boolean }) {
  const { store } = useWidget();
  const value = useParam<number>(name);
  const id = useId();
  const text = `${formatNumber(value, p)}${p.unit ? ` ${p.unit}` : ''}`;
  return (
    <div className="control control-slider">
      <label htmlFor={id}>{label ?? p.label}</label>
      <input
        id={id}
        type="range"
        min={p.log ? 0 : p.min}
        max={p.log ? LOG_STEPS : p.max}
        step={p.log ? 1 : p.step}
        value={toPosition(value, p)}
        aria-valuetext={text}
        aria-describedby={p.help ? `${id}-help` : undefined}
        disabled={disabled}
        onChange={(e) => store.getState().setParam(name, fromPosition(Number(e.currentTarget.value), p))}
        data-param={name}
      />
      <output htmlFor={id} aria-live="off">{text}</output>
      {p.help && <span id={`${id}-help`} className="control-help">{p.help}</span>}
    </div>
  );
}

function EnumControl({ name, p, label, disabled }: { name: string; p: Extract<ParamSpec, { kind: 'enum' }>; label?: ReactNode; disabled?: boolean }) {
  const { store } = useWidget();
  const value = useParam<string>(name);
  const id = useId();
  return (
    <div className="control control-select">
      <label htmlFor={id}>{label ?? p.label}</label>
      <select id={id} value={value} disabled={disabled} data-param={name} onChange={(e) => store.getState().setParam(name, e.currentTarget.value)}>
        {p.options.map((o, i) => (
          <option key={o} value={o}>{p.optionLabels?.[i] ?? o}</option>
        ))}
      </select>
    </div>
  );
}

function BoolControl({ name, p, label, disabled }: { name: string; p: Extract<ParamSpec, { kind: 'boolean' }>; label?: ReactNode; disabled?: boolean }) {
  const { store } = useWidget();
  const value = useParam<boolean>(name);
  const id = useId();
  return (
    <div className="control control-check">
      <input id={id} type="checkbox" checked={value} disabled={disabled} data-param={name} onChange={(e) => store.getState().setParam(name, e.currentTarget.checked)} />
      <label htmlFor={id}>{label ?? p.label}</label>
    </div>
  );
}

/** A labelled live readout. `name` is the accessible label. */
export function Readout({ label, value, title, testId }: { label: ReactNode; value: ReactNode; title?: string; testId?: string }) {
  const id = useId();
  return (
    <div className="readout" title={title}>
      <span id={id} className="readout-label">{label}</span>
      <output aria-labelledby={id} data-testid={testId}>{value}</output>
    </div>
  );
}

export interface PlayControlsProps {
  /** Take one step (or one of each kind of step when `steps` is given). */
  onStep?: () => void;
  onReset: () => void;
  /** Extra step buttons, e.g. "Step D", "Step G". */
  extraSteps?: { label: string; onClick: () => void }[];
  /** Disable Play (e.g. while data loads). */
  disabled?: boolean;
  /** Readout of progress, e.g. the step count. */
  status?: ReactNode;
}

/** Play/Pause, Step and Reset, driven by the widget store's `playing` flag (Space in present mode). */
export function PlayControls({ onStep, onReset, extraSteps, disabled, status }: PlayControlsProps) {
  const { store } = useWidget();
  const playing = useWidgetState((s) => s.playing);
  return (
    <div className="play-controls" role="group" aria-label="Training controls">
      <button type="button" className="primary" disabled={disabled} aria-pressed={playing} onClick={() => store.getState().setPlaying(!playing)}>
        {playing ? 'Pause' : 'Play'}
      </button>
      {onStep && (
        <button type="button" disabled={disabled || playing} onClick={onStep}>
          Step
        </button>
      )}
      {extraSteps?.map((s) => (
        <button key={s.label} type="button" disabled={disabled || playing} onClick={s.onClick}>
          {s.label}
        </button>
      ))}
      <button
        type="button"
        onClick={() => {
          store.getState().setPlaying(false);
          onReset();
        }}
      >
        Reset
      </button>
      {status && <span className="play-status">{status}</span>}
    </div>
  );
}
