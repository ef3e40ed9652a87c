import { useId } from 'react';
import { useParam, useWidget } from '../../ui/widget-context';

/**
 * An integer slider whose upper end follows another parameter (a step t ≤ T): the spec's range is
 * the widest one, and the value shown and used is clamped to `max`.
 */
export function BoundedSlider({ name, max, min, valueText }: { name: string; max: number; min?: number; valueText?: (v: number) => string }) {
  const { store, spec } = useWidget();
  const raw = useParam<number>(name);
  const id = useId();
  const p = spec.params[name];
  if (!p || (p.kind !== 'int' && p.kind !== 'number')) throw new Error(`Widget ${spec.name} has no numeric parameter "${name}".`);
  const lo = min ?? p.min;
  const v = Math.max(lo, Math.min(raw, max));
  return (
    <div className="control control-slider">
      <label htmlFor={id}>{p.label}</label>
      <input
        id={id}
        type="range"
        min={lo}
        max={max}
        step={p.step}
        value={v}
        aria-valuetext={valueText ? valueText(v) : `${v} of ${max}`}
        aria-describedby={p.help ? `${id}-help` : undefined}
        data-param={name}
        onChange={(e) => store.getState().setParam(name, Number(e.currentTarget.value))}
      />
      <output htmlFor={id} aria-live="off">{v}</output>
      {p.help && <span id={`${id}-help`} className="control-help">{p.help}</span>}
    </div>
  );
}
