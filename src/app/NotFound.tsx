import { chapters } from 'virtual:chapters';
import { href } from './router';

/** Suggest the chapter whose slug or title is closest to the path the reader typed. */
function suggestion(path: string) {
  const words = path.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  let best: (typeof chapters)[number] | undefined;
  let bestScore = 0;
  for (const c of chapters) {
    const hay = `${c.slug} ${c.title}`.toLowerCase();
    const score = words.filter((w) => hay.includes(w)).length;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function NotFound({ path }: { path: string }) {
  const guess = suggestion(path);
  return (
    <div className="not-found">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. It may have moved, or the link may have a typo.
      </p>
      {guess && (
        <p>
          Were you looking for <a href={href(`chapters/${guess.slug}/`)}>{guess.title}</a>?
        </p>
      )}
      <h2>All chapters</h2>
      <ul>
        {chapters.map((c) => (
          <li key={c.slug}>
            <a href={href(`chapters/${c.slug}/`)}>{c.title}</a>
          </li>
        ))}
      </ul>
      <p>
        Or go to the <a href={href('')}>home page</a> or the <a href={href('gallery/')}>widget gallery</a>.
      </p>
    </div>
  );
}
