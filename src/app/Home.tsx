import { chapters } from 'virtual:chapters';
import { href } from './router';

export function Home() {
  const numbered = chapters.filter((c) => c.kind === 'chapter');
  const pages = chapters.filter((c) => c.kind === 'page');
  return (
    <div className="home">
      <section className="hero">
        <h1>Deep generative models, live</h1>
        <p className="lede">
          A notebook that teaches how machines learn to generate data: variational autoencoders, GANs,
          autoregressive models, normalizing flows and diffusion, and how to tell a good model from a bad one.
          Every derivation is written out step by step, and beside the text sit small experiments that compute
          in your browser as you move their controls.
        </p>
        <p>
          It is written for students who want to understand the mathematics rather than memorise it, and for
          lecturers who want to show it: every widget opens full screen for a projector and is driven by the
          keyboard. Nothing is installed and nothing leaves your machine.
        </p>
      </section>
      <section aria-labelledby="chapters-heading">
        <h2 id="chapters-heading">Chapters</h2>
        <ol className="chapter-list">
          {numbered.map((c) => (
            <li key={c.slug}>
              <a href={href(`chapters/${c.slug}/`)}>
                <span className="chapter-number">{c.order}</span>
                <span className="chapter-title">{c.title}</span>
              </a>
              <p>{c.summary}</p>
              {c.widgets.length > 0 && <p className="chapter-meta">{c.widgets.length} live {c.widgets.length === 1 ? 'widget' : 'widgets'}</p>}
            </li>
          ))}
        </ol>
      </section>
      {pages.length > 0 && (
        <section aria-labelledby="reference-heading">
          <h2 id="reference-heading">Reference</h2>
          <ul className="page-list">
            {pages.map((c) => (
              <li key={c.slug}>
                <a href={href(`chapters/${c.slug}/`)}>{c.title}</a> — {c.summary}
              </li>
            ))}
            <li><a href={href('gallery/')}>Widget gallery</a> — every live widget with its named examples.</li>
          </ul>
        </section>
      )}
    </div>
  );
}
