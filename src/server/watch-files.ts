// `--watch` (development): calls `onChange` once the config file or an SDL file has changed, a moment
// after the last write (editors save in several steps, often by renaming a new file over the old). The
// folders are watched rather than the files, so a file replaced by a rename is still seen.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

const SETTLE_MS = 150;

export interface FileWatch {
  /** Watches `files` from now on (after a reload, the SDL files may be others). */
  set(files: readonly string[]): void;
  close(): void;
}

export function watchFiles(onChange: () => void): FileWatch {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  const close = (): void => {
    for (const w of watchers) w.close();
    watchers = [];
  };
  return {
    set(files) {
      close();
      const byFolder = new Map<string, Set<string>>();
      for (const file of files) {
        const names = byFolder.get(dirname(file)) ?? new Set<string>();
        names.add(basename(file));
        byFolder.set(dirname(file), names);
      }
      for (const [folder, names] of byFolder) {
        watchers.push(watch(folder, (_event, name) => {
          if (name !== null && names.has(String(name))) changed();
        }));
      }
    },
    close() {
      clearTimeout(timer);
      close();
    },
  };
}
