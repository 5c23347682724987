/** A module of her page fetched when first shown (its own chunk), so the page she opens at a stop stays small. */
import { useEffect, useState } from "preact/hooks";

export interface Lazy<T> {
  /** What the module gave, once fetched. */
  loaded: T | null;
  /** The fetch failed (a lost connection): say so rather than wait for ever. */
  failed: boolean;
}

/** Fetch `load` once, on first render; a screen gone meanwhile is not updated. */
export function useLazy<T>(load: () => Promise<T>): Lazy<T> {
  const [state, setState] = useState<Lazy<T>>({ loaded: null, failed: false });
  useEffect(() => {
    let gone = false;
    load().then(
      (loaded) => !gone && setState({ loaded, failed: false }),
      () => !gone && setState({ loaded: null, failed: true }),
    );
    return () => {
      gone = true;
    };
    // Once: the loader is a fixed import, however the screen re-renders.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
