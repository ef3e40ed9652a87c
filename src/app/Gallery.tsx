import { chapters } from 'virtual:chapters';
import { widgetSpecs } from '../widgets/specs';
import { formatParam } from '../widgets/url';
import type { WidgetSpec, WidgetExample } from '../widgets/types';
import { WidgetSlot } from '../ui/WidgetSlot';
import { href } from './router';

/** Query string that loads an example's params into widget `id` (optionally presenting it). */
function exampleQuery(spec: WidgetSpec, id: string, ex: WidgetExample, present: boolean): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(ex.params)) q.set(`${id}.${k}`, formatParam(spec, k, v));
  if (present) q.set('present', id);
  return `?${q.toString()}`;
}

export default function Gallery() {
  const specs = Object.values(widgetSpecs).sort((a, b) => {
    const ca = chapters.find((c) => c.slug === a.chapter)?.order ?? 99;
    const cb = chapters.find((c) => c.slug === b.chapter)?.order ?? 99;
    return ca - cb || a.title.localeCompare(b.title);
  });
  return (
    <div className="gallery">
      <h1>Widget gallery</h1>
      <p className="lede">
        Every live widget in the notebook, with its named examples. Each example opens in present mode (full
        screen, keyboard-driven, for a projector) or in its chapter, next to the text that explains it.
      </p>
      {specs.length === 0 && <p>No widgets are registered yet.</p>}
      {specs.map((spec) => {
        const chapter = chapters.find((c) => c.slug === spec.chapter);
        const placed = chapter?.widgets.find((w) => w.name === spec.name);
        const id = `g-${spec.name}`;
        return (
          <section key={spec.name} className="gallery-item" aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>{spec.title}</h2>
            <p>
              {spec.description}{' '}
              {chapter && (
                <>
                  From <a href={href(`chapters/${chapter.slug}/${placed ? `#${placed.id}` : ''}`)}>{chapter.order}. {chapter.title}</a>.
                </>
              )}
            </p>
            {spec.examples.length > 0 && (
              <ul className="example-list">
                {spec.examples.map((ex) => (
                  <li key={ex.name} data-example={ex.name}>
                    <strong>{ex.title}.</strong> {ex.description}{' '}
                    <a target="_self" href={href(`gallery/${exampleQuery(spec, id, ex, true)}`)}>Present</a>
                    {chapter && placed && (
                      <>
                        {' · '}
                        <a target="_self" href={href(`chapters/${chapter.slug}/${exampleQuery(spec, placed.id, ex, false)}#${placed.id}`)}>In the chapter</a>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
            <figure className="widget" id={id} style={{ ['--widget-height' as string]: `${spec.height}px`, ['--widget-height-narrow' as string]: `${spec.heightNarrow ?? spec.height}px` }}>
              <div className="widget-mount">
                <WidgetSlot id={id} name={spec.name} params={{}} />
              </div>
            </figure>
          </section>
        );
      })}
    </div>
  );
}
