import { useSearchParams } from 'react-router-dom';

/**
 * Sets or clears (empty string) several query-string keys at once, replacing the history
 * entry. Any change but a page change goes back to the first page.
 */
export function useSearchParamUpdater<K extends string = string>(): (changes: Partial<Record<K, string>>) => void {
  const [search, setSearch] = useSearchParams();
  return (changes) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries<string | undefined>(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setSearch(next, { replace: true });
  };
}
