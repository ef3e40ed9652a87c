import { useMemo } from 'react';
import katex from 'katex';
import { macros } from '../content/macros';

/**
 * Runtime KaTeX, only for formulas that carry live numbers (`h = 0.32`); everything else is
 * rendered at build time. Output keeps its MathML for screen readers.
 */
export function Tex({ tex, display = false }: { tex: string; display?: boolean }) {
  const html = useMemo(() => {
    try {
      return katex.renderToString(tex, { displayMode: display, throwOnError: true, macros: macros(), output: 'htmlAndMathml' });
    } catch {
      // A formula built from live numbers should always parse; if not, show its source rather than nothing.
      return null;
    }
  }, [tex, display]);
  if (html === null) return <code>{tex}</code>;
  return <span className={display ? 'tex-display' : 'tex-inline'} dangerouslySetInnerHTML={{ __html: html }} />;
}
