/** `list` with `item` in it (`on`) or without it; order kept, never a duplicate. */
export function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  if (on) return list.includes(item) ? [...list] : [...list, item];
  return list.filter((x) => x !== item);
}
