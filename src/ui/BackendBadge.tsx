import { useAppStore } from './appStore';

const NAMES = { webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' } as const;

/** Names the tfjs backend in use (and 16-bit precision when that is all WebGL offers). */
export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const note = useAppStore((s) => s.backendNote);
  const half = useAppStore((s) => s.halfPrecision);
  const fellBack = useAppStore((s) => s.fellBack);
  if (!backend) return null;
  const text = `${NAMES[backend]}${half ? ' (16-bit float)' : ''}`;
  return (
    <>
      <span className="backend-badge" data-backend={backend} title={note ?? `Computing with ${text}`} aria-label={`Computing with ${text}${note ? `. ${note}` : ''}`}>
        {text}
      </span>
      {fellBack && note && <span className="backend-note" role="status">{note}</span>}
    </>
  );
}
