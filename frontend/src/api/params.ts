import type { ParamsSerializerOptions } from 'axios';

/**
 * Query strings in the form FastAPI reads lists: `parameters=a&parameters=b` (axios' default
 * `parameters[]=a` would arrive as an unknown parameter and be ignored).
 */
export const REPEAT_LIST_PARAMS: ParamsSerializerOptions = { indexes: null };

/** Drops unset and blank values so an empty filter never reaches the server as `?q=`. */
export function compactParams<T extends object>(params: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(params) as [keyof T, T[keyof T]][]) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}
