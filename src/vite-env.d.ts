/// <reference types="vite/client" />

declare module 'virtual:chapters' {
  export interface ChapterIndexEntry {
    slug: string;
    title: string;
    summary: string;
    order: number;
    kind: 'chapter' | 'page';
    widgets: { id: string; name: string }[];
  }
  export const chapters: ChapterIndexEntry[];
  export const loaders: Record<string, () => Promise<{ default: import('./content/compile').CompiledChapter }>>;
}
